import CNcursesw

/// Display width of text in terminal columns, as terminals draw it: `wcwidth` of a grapheme's
/// first scalar (East Asian wide and most emoji = 2, combining marks add 0), except two emoji forms
/// terminals draw 2 columns wide although their first scalar is narrow: a character followed by the
/// emoji presentation selector VS16 (`❤️`, `1️⃣`) and a flag (two regional indicators, `🇫🇷`).
///
/// Widths are computed in a fixed C.UTF-8 locale, so they do not depend on whether the process
/// called `setlocale` and are safe to compute from any thread.
public enum TextWidth {
    /// The width of one grapheme: 0, 1 or 2. Unprintable scalars count as 1 because the
    /// sanitizer turns them into one-column placeholders.
    public static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value >= 0x20 && first.value < 0x7F && scalars.count == 1 { return 1 }
        if isEmojiPresentation(character) { return 2 }
        let width = Int(cn_wcwidth_in(utf8Locale, wchar_t(bitPattern: first.value)))
        return width < 0 ? 1 : min(width, 2)
    }

    /// A grapheme drawn as a two-column emoji although its first scalar alone is narrow: it holds
    /// VS16 (U+FE0F) after a printable base, or it is a pair of regional indicators (a flag).
    public static func isEmojiPresentation(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars
        guard let first = scalars.first, scalars.count > 1 else { return false }
        if isRegionalIndicator(first) {
            return scalars.dropFirst().first.map(isRegionalIndicator) ?? false
        }
        guard first.value >= 0x20, !(0x7F...0x9F).contains(first.value) else { return false }
        return scalars.contains { $0.value == 0xFE0F }
    }

    static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool { (0x1F1E6...0x1F1FF).contains(scalar.value) }

    /// Printable ASCII only (no control character): one column per byte, one grapheme per
    /// byte. Most text of a frame is, and is then measured and cut without grapheme breaking.
    @inline(__always)
    static func isPrintableASCII(_ text: some StringProtocol) -> Bool {
        // Over the bytes in place when the text has them contiguous (every native string, small
        // ones too): a plain loop instead of stepping a UTF-8 view index per byte, for every cell.
        if let answer = text.utf8.withContiguousStorageIfAvailable({ bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }) {
            return answer
        }
        return text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Scalars that are each a whole grapheme one column wide, whatever surrounds them: printable
    /// ASCII, Latin-1 (but the soft hyphen), Latin Extended-A/B, the general punctuation before
    /// the separators and after the bidi controls, arrows, box drawing, blocks and the geometric
    /// shapes before the two wide squares. No combining mark, joiner, selector or regional
    /// indicator is among them, so text made only of these is measured and cut by counting
    /// scalars ("…", "†", "▲", "é" in most cells of a frame). A test checks every one against `wcwidth`.
    @inline(__always)
    static func isSimpleNarrow(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x24F, 0x2010...0x2027, 0x2030...0x205E,
             0x2190...0x21FF, 0x2500...0x259F, 0x25A0...0x25FC: true
        default: false
        }
    }

    static func isSimpleNarrow(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.allSatisfy(isSimpleNarrow)
    }

    /// The width of a string: the sum of its graphemes' widths.
    public static func width(_ text: some StringProtocol) -> Int {
        if isPrintableASCII(text) { return text.utf8.count }
        if isSimpleNarrow(text) { return text.unicodeScalars.count }
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
        if isPrintableASCII(text) { return String(decoding: text.utf8.prefix(max(0, width)), as: UTF8.self) }
        if isSimpleNarrow(text) { return String(String.UnicodeScalarView(text.unicodeScalars.prefix(max(0, width)))) }
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
