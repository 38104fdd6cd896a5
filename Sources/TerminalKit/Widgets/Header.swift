/// The top bar: application name, breadcrumbs, and right-aligned context (who, where).
/// When space runs short the context is cut (then left out), then the middle breadcrumbs (shown as `…`),
/// so the application name and the current place stay visible.
public struct Header: Widget, Sendable {
    public var appName: String
    public var breadcrumbs: [String]
    public var context: String?
    /// Narrower than this, the context is left out rather than cut to a stub.
    static let minimumContextWidth = 12

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
            // Who is acting matters more than the tail of the context: cut it rather than drop it,
            // while there is room for the start of a name.
            let available = row.width - used - 2
            let fitted = TextWidth.width(Sanitizer.sanitize(context)) <= available
                ? context : TextWidth.truncate(Sanitizer.sanitize(context), toWidth: available)
            let right = " " + fitted + " "
            let rightWidth = TextWidth.width(Sanitizer.sanitize(right))
            if available >= Self.minimumContextWidth, used + rightWidth <= row.width {
                buffer.put(right, x: row.maxX - rightWidth, y: row.y, style: style)
            }
        }
    }
}
