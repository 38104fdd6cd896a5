/// A group of keys in the help overlay ("Navigation", "Tokens").
public struct HelpSection: Hashable, Sendable {
    public var title: String
    public var entries: [KeyHint]

    public init(_ title: String, _ entries: [KeyHint]) {
        self.title = title
        self.entries = entries
    }
}

/// The `?` overlay: the keys of the current screen, by section, in a centered box.
/// Content that does not fit scrolls with `scrollOffset` (see `maxScrollOffset`).
public struct HelpOverlay: Widget, Sendable {
    public var title: String
    public var sections: [HelpSection]
    public var scrollOffset: Int

    public init(title: String = "Help", sections: [HelpSection], scrollOffset: Int = 0) {
        self.title = title
        self.sections = sections
        self.scrollOffset = max(0, scrollOffset)
    }

    private var keyColumnWidth: Int {
        min(16, sections.flatMap(\.entries).map { TextWidth.width(Sanitizer.sanitize($0.key)) }.max() ?? 0)
    }

    /// Each content line: (key, description, is a section title).
    private var contentLines: [(String, String, Bool)] {
        var lines: [(String, String, Bool)] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append(("", "", false)) }
            lines.append((section.title, "", true))
            lines += section.entries.map { ($0.key, $0.label, false) }
        }
        return lines
    }

    /// The box this overlay occupies in `area`.
    public func frame(in area: Rect) -> Rect {
        let labelWidth = sections.flatMap(\.entries).map { TextWidth.width(Sanitizer.sanitize($0.label)) }.max() ?? 0
        let width = min(area.width - 2, max(30, keyColumnWidth + labelWidth + 7))
        let height = min(area.height - 2, contentLines.count + 4)
        return area.centered(width: width, height: height)
    }

    /// The largest useful `scrollOffset` in `area`.
    public func maxScrollOffset(in area: Rect) -> Int {
        max(0, contentLines.count - max(0, frame(in: area).height - 4))
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let box = frame(in: area)
        let inner = Block(title: title, isFocused: true, clearsBackground: true).render(into: &buffer, area: box, theme: theme)
        let content = inner.inset(by: Insets(top: 1, left: 1, bottom: 1, right: 1))
        guard !content.isEmpty else { return }
        let lines = contentLines
        let offset = min(scrollOffset, maxScrollOffset(in: area))
        for (row, line) in lines.dropFirst(offset).prefix(content.height).enumerated() {
            let y = content.y + row
            if line.2 {
                buffer.put(line.0, x: content.x, y: y, style: theme[.title], maxWidth: content.width)
            } else {
                let keyWidth = min(keyColumnWidth, content.width)
                buffer.put(line.0, x: content.x, y: y, style: theme[.keyHint], maxWidth: keyWidth)
                let x = content.x + keyWidth + 2
                buffer.put(line.1, x: x, y: y, style: theme[.normal], maxWidth: content.maxX - x)
            }
        }
        // Say how to leave, and whether there is more, on the bottom border.
        let more = offset < maxScrollOffset(in: area) ? "\(theme.lineDrawing.moreBelow) more  " : ""
        let hint = " \(more)Esc close "
        let hintWidth = TextWidth.width(hint)
        if box.width > hintWidth + 2 {
            buffer.put(hint, x: box.maxX - 1 - hintWidth, y: box.maxY - 1, style: theme[.muted])
        }
    }
}
