import CivilCalendar
/// A `YYYY-MM-DD` date input. The user types digits only (the dashes are drawn for them);
/// pasting "2025-03-31" works too. Validates real dates and optional bounds, with a message
/// a person can act on.
///
/// Keys: digits insert; ←/→, Home/End move; Backspace/Delete remove; Ctrl-U clears;
/// Enter submits; Esc cancels.
public struct DateField: Hashable, Sendable {
    /// The digits typed so far (at most 8).
    public private(set) var digits: String
    /// Cursor position among the digits (0...digits.count).
    public private(set) var cursor: Int
    /// The earliest acceptable date, if any.
    public var minimum: CalendarDate?
    /// The latest acceptable date, if any (e.g. the policy's maximum token lifetime).
    public var maximum: CalendarDate?

    public init(date: CalendarDate? = nil, minimum: CalendarDate? = nil, maximum: CalendarDate? = nil) {
        self.minimum = minimum
        self.maximum = maximum
        self.digits = ""
        self.cursor = 0
        if let date { setDate(date) }
    }

    public mutating func setDate(_ date: CalendarDate) {
        digits = String(date.description.filter(\.isNumber))
        cursor = digits.count
    }

    /// The date if complete, real and within bounds; nil otherwise.
    public var date: CalendarDate? {
        validationMessage == nil ? parsed : nil
    }

    /// The text as shown, e.g. "2025-03-1" while typing.
    public var text: String {
        var result = ""
        for (i, d) in digits.enumerated() {
            if i == 4 || i == 6 { result += "-" }
            result.append(d)
        }
        return result
    }

    private var parsed: CalendarDate? {
        guard digits.count == 8 else { return nil }
        let chars = Array(digits)
        guard let y = Int(String(chars[0..<4])), let m = Int(String(chars[4..<6])), let d = Int(String(chars[6..<8]))
        else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }

    /// Why the current input is not acceptable, or nil when it is.
    public var validationMessage: String? {
        guard digits.count == 8 else { return "Enter a date as YYYY-MM-DD" }
        guard let date = parsed else { return "\(text) is not a real date" }
        if let minimum, date < minimum { return "Choose \(minimum) or later" }
        if let maximum, date > maximum { return "Choose \(maximum) or earlier" }
        return nil
    }

    public mutating func handle(_ key: Key) -> EditOutcome {
        switch key {
        case .character(let c) where c.isASCII && c.isNumber:
            guard digits.count < 8 else { return .refused("The date is complete") }
            var chars = Array(digits)
            chars.insert(c, at: cursor)
            digits = String(chars)
            cursor += 1
            return .changed
        case .paste(let text):
            let pasted = text.filter { $0.isASCII && $0.isNumber }
            guard !pasted.isEmpty else { return .ignored }
            digits = String(pasted.prefix(8))
            cursor = digits.count
            return .changed
        case .left: return move(to: cursor - 1)
        case .right: return move(to: cursor + 1)
        case .home, .ctrl("a"): return move(to: 0)
        case .end, .ctrl("e"): return move(to: digits.count)
        case .backspace:
            guard cursor > 0 else { return .ignored }
            var chars = Array(digits)
            chars.remove(at: cursor - 1)
            digits = String(chars)
            cursor -= 1
            return .changed
        case .delete, .ctrl("d"):
            guard cursor < digits.count else { return .ignored }
            var chars = Array(digits)
            chars.remove(at: cursor)
            digits = String(chars)
            return .changed
        case .ctrl("u"):
            guard !digits.isEmpty else { return .ignored }
            digits = ""
            cursor = 0
            return .changed
        case .enter: return .submitted
        case .escape: return .cancelled
        default: return .ignored
        }
    }

    private mutating func move(to position: Int) -> EditOutcome {
        let clamped = min(max(0, position), digits.count)
        guard clamped != cursor else { return .ignored }
        cursor = clamped
        return .moved
    }

    /// Draws "2025-0M-DD" (the template's remaining letters dimmed) on the first row and, when
    /// `showsValidation` and the area has a second row, the validation message below.
    public func render(into buffer: inout Buffer, area: Rect, theme: Theme, isFocused: Bool = true, showsValidation: Bool = true) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let style = isFocused ? theme[.focusedInput] : theme[.input]
        let template = Array("YYYY-MM-DD")
        let typed = Array(text)
        let fieldWidth = min(area.width, template.count + 1)
        buffer.fill(Rect(x: area.x, y: area.y, width: fieldWidth, height: 1), style: style)
        for (i, t) in template.enumerated() where i < area.width {
            if i < typed.count {
                buffer.put(typed[i], x: area.x + i, y: area.y, style: style)
            } else {
                buffer.put(t, x: area.x + i, y: area.y, style: theme[.placeholder].adding(style.attributes))
            }
        }
        if isFocused {
            let column = cursor + (cursor >= 4 ? 1 : 0) + (cursor >= 6 ? 1 : 0)
            buffer.cursor = Point(x: min(area.x + column, area.maxX - 1), y: area.y)
        }
        if showsValidation, area.height > 1, !digits.isEmpty, let message = validationMessage {
            buffer.put(theme.lineDrawing.errorMark + " " + message, x: area.x, y: area.y + 1, style: theme[.errorText], maxWidth: area.width)
        }
    }
}
