/// Multi-line text, word-wrapped to the area (newlines kept), starting `scrollOffset` lines down.
public struct Paragraph: Widget, Sendable {
    public var text: String
    public var role: Role
    public var alignment: Alignment
    public var scrollOffset: Int

    public init(_ text: String, role: Role = .normal, alignment: Alignment = .left, scrollOffset: Int = 0) {
        self.text = text
        self.role = role
        self.alignment = alignment
        self.scrollOffset = max(0, scrollOffset)
    }

    /// How many lines the text takes at a width (to size a box around it).
    public func lineCount(width: Int) -> Int { TextWrap.wrap(text, width: width).count }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let lines = TextWrap.wrap(text, width: area.width).dropFirst(scrollOffset)
        for (row, line) in lines.prefix(area.height).enumerated() {
            buffer.put(line, in: area.row(row), alignment: alignment, style: theme[role])
        }
    }
}
