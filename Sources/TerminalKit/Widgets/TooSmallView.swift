/// Shown instead of the application when the terminal is smaller than it needs:
/// what is needed, what there is, and what to do. Draws sensibly down to 1x1.
public struct TooSmallView: Widget, Sendable {
    public var required: Size
    public var current: Size

    public init(required: Size, current: Size) {
        self.required = required
        self.current = current
    }

    /// True when a screen of `current` size cannot show an application that needs `required`.
    public static func isNeeded(required: Size, current: Size) -> Bool { !current.fits(required) }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        buffer.fill(area, style: theme[.normal])
        let text = "Terminal too small\nneeds \(required), now \(current)\nEnlarge the window, or press q to quit"
        let lines = TextWrap.wrap(text, width: area.width)
        let box = area.centered(width: area.width, height: lines.count)
        for (row, line) in lines.prefix(box.height).enumerated() {
            buffer.put(line, in: box.row(row), alignment: .center, style: theme[row == 0 ? .warning : .normal])
        }
    }
}
