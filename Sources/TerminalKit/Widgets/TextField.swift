/// A one-line text input with a cursor, readline-style editing keys, an optional mask (for
/// secrets), a maximum length, a placeholder and an inline validation message.
///
/// Keys: printable characters insert; ←/→, Home/End, Ctrl-A/Ctrl-E move; Backspace, Delete
/// (Ctrl-D) delete; Ctrl-U deletes to the start, Ctrl-K to the end, Ctrl-W the word before the
/// cursor; a paste inserts its text (newlines become spaces); Enter submits; Esc cancels.
public struct TextField: Hashable, Sendable {
    private var characters: [Character]
    /// Cursor position, in graphemes from the start (0...count).
    public private(set) var cursor: Int
    /// Maximum number of graphemes; insertions beyond it are cut.
    public var maxLength: Int?
    /// When set, every character is shown as this one (e.g. "•").
    public var mask: Character?
    /// Shown, dimmed, while the field is empty.
    public var placeholder: String
    /// Shown in the error style on the line below the input, when the area has two rows.
    public var validationMessage: String?

    public init(text: String = "", placeholder: String = "", maxLength: Int? = nil, mask: Character? = nil) {
        self.maxLength = maxLength.map { max(0, $0) }
        self.mask = mask
        self.placeholder = placeholder
        self.characters = []
        self.cursor = 0
        setText(text)
    }

    /// The current text.
    public var text: String { String(characters) }

    /// Replaces the text (sanitized, one line, cut to `maxLength`) and puts the cursor at the end.
    public mutating func setText(_ text: String) {
        characters = Array(Self.clean(text).prefix(maxLength ?? Int.max))
        cursor = characters.count
    }

    /// Inserts at the cursor as much of `text` as `maxLength` allows. Returns false if nothing fit.
    @discardableResult
    public mutating func insert(_ text: String) -> Bool {
        let room = (maxLength ?? Int.max) - characters.count
        let piece = Array(Self.clean(text).prefix(max(0, room)))
        guard !piece.isEmpty else { return false }
        characters.insert(contentsOf: piece, at: cursor)
        cursor += piece.count
        return true
    }

    /// Typed or pasted text is never changed behind the person's back: a character that cannot
    /// be stored (a control, an invisible or a direction-changing one) or a paste that does not
    /// fit is refused whole, with the rule, instead of being stripped, replaced or cut.
    public mutating func handle(_ key: Key) -> EditOutcome {
        switch key {
        case .character(let c):
            if let refusal = Self.refusal(forTyped: String(c)) { return .refused(refusal) }
            if insert(String(c)) { return .changed }
            if let maxLength, characters.count >= maxLength { return .refused("At most \(maxLength) characters") }
            return .ignored
        case .paste(let text):
            let oneLine = String(text.map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
            if let refusal = Self.refusal(forTyped: oneLine) { return .refused(refusal) }
            if let maxLength, characters.count + oneLine.count > maxLength {
                // Short: it must fit under the field of a form at 80 columns.
                return .refused("Not pasted: \(oneLine.count) characters; at most \(maxLength) fit")
            }
            return insert(oneLine) ? .changed : .ignored
        case .left: return moveCursor(to: cursor - 1)
        case .right: return moveCursor(to: cursor + 1)
        case .home, .ctrl("a"): return moveCursor(to: 0)
        case .end, .ctrl("e"): return moveCursor(to: characters.count)
        case .backspace:
            guard cursor > 0 else { return .ignored }
            characters.remove(at: cursor - 1)
            cursor -= 1
            return .changed
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return .ignored }
            characters.remove(at: cursor)
            return .changed
        case .ctrl("u"): return deleteRange(0..<cursor)
        case .ctrl("k"): return deleteRange(cursor..<characters.count)
        case .ctrl("w"):
            var start = cursor
            while start > 0 && characters[start - 1] == " " { start -= 1 }
            while start > 0 && characters[start - 1] != " " { start -= 1 }
            return deleteRange(start..<cursor)
        case .enter: return .submitted
        case .escape: return .cancelled
        default: return .ignored
        }
    }

    private mutating func moveCursor(to position: Int) -> EditOutcome {
        let clamped = min(max(0, position), characters.count)
        guard clamped != cursor else { return .ignored }
        cursor = clamped
        return .moved
    }

    private mutating func deleteRange(_ range: Range<Int>) -> EditOutcome {
        guard !range.isEmpty else { return .ignored }
        characters.removeSubrange(range)
        cursor = range.lowerBound
        return .changed
    }

    /// Why typed text cannot go in: it holds a control character (C0, DEL, C1), an invisible one
    /// (zero-width space, joiner, word joiner, BOM) or a bidirectional control. Nil: it can.
    static func refusal(forTyped text: String) -> String? {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let kind: String? = switch value {
            case 0x00...0x1F, 0x7F...0x9F: "a control character"
            case 0x200B...0x200D, 0x2060, 0xFEFF: "an invisible character"
            case 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0x200E, 0x200F: "a text-direction control"
            default: nil
            }
            if let kind {
                let hex = String(value, radix: 16, uppercase: true)
                return "U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex) is \(kind); it cannot be typed here"
            }
        }
        return nil
    }

    /// One line, no controls: newlines and tabs become spaces, other controls placeholders.
    private static func clean(_ text: String) -> String {
        let oneLine = String(text.map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
        return Sanitizer.sanitize(oneLine)
    }

    /// Draws the input on the first row of `area` and the validation message on the second.
    /// When focused, places the terminal cursor (`buffer.cursor`).
    public func render(into buffer: inout Buffer, area: Rect, theme: Theme, isFocused: Bool = true) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let line = area.row(0)
        let style = isFocused ? theme[.focusedInput] : theme[.input]
        buffer.fill(line, style: style)

        let shown: [Character] = mask.map { m in characters.map { _ in m } } ?? characters
        if shown.isEmpty, !placeholder.isEmpty {
            buffer.put(placeholder, x: line.x, y: line.y, style: theme[.placeholder].adding(style.attributes), maxWidth: line.width)
        } else {
            // Scroll horizontally so the cursor (and one cell after it) stays visible.
            var start = 0
            while start < cursor && TextWidth.width(String(shown[start..<cursor])) > line.width - 1 { start += 1 }
            buffer.put(TextWidth.prefix(String(shown[start...]), width: line.width), x: line.x, y: line.y, style: style)
            if isFocused {
                let column = TextWidth.width(String(shown[start..<cursor]))
                buffer.cursor = Point(x: min(line.x + column, line.maxX - 1), y: line.y)
            }
        }
        if isFocused && shown.isEmpty { buffer.cursor = Point(x: line.x, y: line.y) }

        if let message = validationMessage, !message.isEmpty, area.height > 1 {
            let row = area.row(1)
            buffer.put(theme.lineDrawing.errorMark + " " + message, x: row.x, y: row.y, style: theme[.errorText], maxWidth: row.width)
        }
    }
}
