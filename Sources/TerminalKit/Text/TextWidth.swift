import CNcursesw

/// Display width of text in terminal columns, as curses will lay it out: `wcwidth` of a
/// grapheme's first scalar (East Asian wide and most emoji = 2, combining marks add 0).
///
/// Widths are computed in a fixed C.UTF-8 locale, so they do not depend on whether the process
/// called `setlocale` and are safe to compute from any thread.
public enum TextWidth {
    /// The width of one grapheme: 0, 1 or 2. Unprintable scalars count as 1 because the
    /// sanitizer turns them into one-column placeholders.
    public static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.value >= 0x20 && first.value < 0x7F { return 1 }
        let width = Int(cn_wcwidth_in(utf8Locale, wchar_t(bitPattern: first.value)))
        return width < 0 ? 1 : min(width, 2)
    }

    /// The width of a string: the sum of its graphemes' widths.
    public static func width(_ text: some StringProtocol) -> Int {
        var total = 0
        for character in text { total += width(of: character) }
        return total
    }

    /// Width of a single scalar (0 for combining marks), used where scalars are inspected.
    static func width(ofScalar scalar: Unicode.Scalar) -> Int {
        if scalar.value >= 0x20 && scalar.value < 0x7F { return 1 }
        return Int(cn_wcwidth_in(utf8Locale, wchar_t(bitPattern: scalar.value)))
    }

    /// The text cut to at most `width` columns, ending in `ellipsis` when anything was cut.
    /// Never splits a grapheme (so never half of a wide character) and never exceeds `width`.
    public static func truncate(_ text: String, toWidth width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if self.width(text) <= width { return text }
        let ellipsisWidth = self.width(ellipsis)
        guard ellipsisWidth <= width else { return prefix(ellipsis, width: width) }
        return prefix(text, width: width - ellipsisWidth) + ellipsis
    }

    /// The longest prefix of whole graphemes that fits in `width` columns.
    public static func prefix(_ text: String, width: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let w = self.width(of: character)
            if used + w > width { break }
            used += w
            result.append(character)
        }
        return result
    }

    /// The longest suffix of whole graphemes that fits in `width` columns.
    public static func suffix(_ text: String, width: Int) -> String {
        var used = 0
        var result: [Character] = []
        for character in text.reversed() {
            let w = self.width(of: character)
            if used + w > width { break }
            used += w
            result.append(character)
        }
        return String(result.reversed())
    }

    /// Pads with spaces (or cuts with `…`) to exactly `width` columns.
    public static func fit(_ text: String, width: Int, alignment: Alignment = .left) -> String {
        let cut = truncate(text, toWidth: width)
        let gap = max(0, width - self.width(cut))
        switch alignment {
        case .left: return cut + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + cut
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap - left)
        }
    }
}

/// Horizontal alignment of text in a column.
public enum Alignment: Hashable, Sendable {
    case left, center, right
}

// Created once (Swift globals are initialized lazily and thread-safely); never freed.
private nonisolated(unsafe) let utf8Locale: locale_t? = {
    newlocale(cn_LC_CTYPE_MASK(), "C.UTF-8", nil) ?? newlocale(cn_LC_CTYPE_MASK(), "C.utf8", nil)
}()
