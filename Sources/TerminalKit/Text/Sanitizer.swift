/// The single gate every string passes on its way into a `Buffer`, so text from data (names,
/// descriptions, audit details) can never reach the terminal as an escape sequence
/// (CVE-2021-25743 is the classic case: an OSC title change inside a Kubernetes object name).
///
/// - C0 controls and DEL become Unicode control pictures (`ESC` → `␛`), one column each.
///   With `allowNewlines`, `\n` and `\t` are kept and `\r` is dropped.
/// - C1 controls (U+0080–U+009F), which some terminals obey as 8-bit escapes, become `�`.
/// - Bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069, U+061C,
///   U+200E, U+200F) become `�`: visible, because reordering text is a spoofing tool.
/// - Other invisible format characters (zero-width space/joiner/non-joiner, word joiner, BOM,
///   soft hyphen, tags...) are removed; a zero-width joiner makes terminals disagree on widths.
/// - Line and paragraph separators (U+2028, U+2029) become `�` (or a newline when allowed).
/// - A combining mark with no base character gets a dotted circle `◌` to sit on.
public enum Sanitizer {
    /// Placeholder for characters that have no control picture.
    public static let placeholder: Unicode.Scalar = "\u{FFFD}"

    public static func sanitize(_ text: String, allowNewlines: Bool = false) -> String {
        // Fast path: printable ASCII needs no work (the common case for every frame).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        // Second fast path: text whose every scalar is a visible, spacing character of the blocks
        // the chrome and most names use ("…", "▲", "›", "é", "─"): nothing to replace and no
        // orphan mark possible. It skips a general-category lookup per scalar on every frame.
        if text.unicodeScalars.allSatisfy(isKnownSafe) { return text }

        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let replacement = replacement(for: scalar, allowNewlines: allowNewlines) {
                if let replacement { scalars.append(replacement) }
            } else {
                scalars.append(scalar)
            }
        }
        return attachOrphanMarks(String(scalars))
    }

    /// Scalars the full check always keeps, and that are never zero-width: printable ASCII,
    /// Latin-1 (but the soft hyphen, a format character), Latin Extended-A/B, the general
    /// punctuation before the separators and after the bidi controls (U+2010–U+2027,
    /// U+2030–U+205E), arrows, mathematical operators, box drawing, blocks, geometric shapes and
    /// the CJK unified ideographs. A test checks every one against `replacement(for:)` and the width.
    static func isKnownSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x24F, 0x2010...0x2027, 0x2030...0x205E,
             0x2190...0x23FF, 0x2500...0x25FF, 0x4E00...0x9FFF: true
        default: false
        }
    }

    /// `nil` keeps the scalar; `.some(nil)` removes it; `.some(x)` replaces it with `x`.
    static func replacement(for scalar: Unicode.Scalar, allowNewlines: Bool) -> Unicode.Scalar?? {
        let value = scalar.value
        switch value {
        case 0x0A, 0x09:
            return allowNewlines ? nil : .some(Unicode.Scalar(0x2400 + value))
        case 0x0D:
            return allowNewlines ? .some(nil) : .some(Unicode.Scalar(0x2400 + value))
        case 0x00...0x1F:
            return .some(Unicode.Scalar(0x2400 + value))
        case 0x7F:
            return .some("\u{2421}")
        case 0x80...0x9F:
            return .some(placeholder)
        case 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0x200E, 0x200F:
            return .some(placeholder)
        case 0x2028, 0x2029:
            return allowNewlines ? .some("\n") : .some(placeholder)
        default:
            if scalar.properties.generalCategory == .format { return .some(nil) }
            return nil
        }
    }

    /// A grapheme that starts with a zero-width scalar (a lone combining mark) would draw on top
    /// of the previous cell; give it a visible base.
    private static func attachOrphanMarks(_ text: String) -> String {
        var result = ""
        var changed = false
        for character in text {
            if let first = character.unicodeScalars.first, first.value >= 0x300,
                TextWidth.width(ofScalar: first) == 0
            {
                result.unicodeScalars.append("\u{25CC}")
                changed = true
            }
            result.append(character)
        }
        return changed ? result : text
    }
}
