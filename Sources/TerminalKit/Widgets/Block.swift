/// A bordered box with a title: the frame around a pane, a dialog or an overlay.
public struct Block: Sendable {
    public var title: String?
    /// Focused blocks get the focused border style.
    public var isFocused: Bool
    /// Overrides the border role (e.g. `.danger` for a destructive dialog).
    public var borderRole: Role?
    /// Clears the inside first (for overlays drawn on top of other content).
    public var clearsBackground: Bool

    public init(title: String? = nil, isFocused: Bool = false, borderRole: Role? = nil, clearsBackground: Bool = false) {
        self.title = title
        self.isFocused = isFocused
        self.borderRole = borderRole
        self.clearsBackground = clearsBackground
    }

    /// Draws the block and returns the area inside the border.
    @discardableResult
    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) -> Rect {
        let area = area.intersection(buffer.area)
        if clearsBackground { buffer.fill(area, style: theme[.normal]) }
        let border = theme[borderRole ?? (isFocused ? .focusedBorder : .border)]
        let titleStyle = borderRole.map { theme[$0] } ?? theme[.title]
        return buffer.drawBox(area, style: border, title: title, titleStyle: titleStyle, lineDrawing: theme.lineDrawing)
    }
}
