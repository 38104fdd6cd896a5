/// The top bar: application name, breadcrumbs, and right-aligned context (who, where).
/// When space runs short the context goes first, then the middle breadcrumbs (shown as `…`),
/// so the application name and the current place stay visible.
public struct Header: Widget, Sendable {
    public var appName: String
    public var breadcrumbs: [String]
    public var context: String?

    public init(appName: String, breadcrumbs: [String] = [], context: String? = nil) {
        self.appName = appName
        self.breadcrumbs = breadcrumbs
        self.context = context
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let row = area.row(0)
        let style = theme[.header]
        buffer.fill(row, style: style)
        let separator = " \(theme.lineDrawing.breadcrumbSeparator) "
        var parts = [appName] + breadcrumbs
        func text() -> String { " " + parts.map { Sanitizer.sanitize($0) }.joined(separator: separator) + " " }
        while TextWidth.width(text()) > row.width && parts.count > 2 {
            // Collapse the oldest crumb (after the app name) into an ellipsis.
            if parts[1] == "…" { parts.remove(at: parts.count > 3 ? 2 : 1) } else { parts[1] = "…" }
            if parts.count == 2 && parts[1] == "…" { break }
        }
        let left = text()
        let used = buffer.put(left, x: row.x, y: row.y, style: style, maxWidth: row.width)
        if let context, !context.isEmpty {
            let right = " " + context + " "
            let rightWidth = TextWidth.width(Sanitizer.sanitize(right))
            if used + rightWidth <= row.width {
                buffer.put(right, x: row.maxX - rightWidth, y: row.y, style: style)
            }
        }
    }
}
