extension Buffer {
    /// Draws a border around `rect` with an optional title in the top edge, and returns the
    /// inner area. Rects smaller than 2x2 get no border (the inner area is the rect itself).
    @discardableResult
    public mutating func drawBox(
        _ rect: Rect, style: Style = .plain, title: String? = nil, titleStyle: Style? = nil,
        lineDrawing: LineDrawing = .unicode
    ) -> Rect {
        let rect = rect.intersection(area)
        guard rect.width >= 2, rect.height >= 2 else { return rect }
        let lines = lineDrawing
        let horizontal = String(repeating: lines.horizontal, count: rect.width - 2)
        put(String(lines.topLeft) + horizontal + String(lines.topRight), x: rect.x, y: rect.y, style: style)
        put(String(lines.bottomLeft) + horizontal + String(lines.bottomRight), x: rect.x, y: rect.maxY - 1, style: style)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            put(lines.vertical, x: rect.x, y: y, style: style)
            put(lines.vertical, x: rect.maxX - 1, y: y, style: style)
        }
        if let title, !title.isEmpty, rect.width > 4 {
            put(" \(title) ", x: rect.x + 1, y: rect.y, style: titleStyle ?? style, maxWidth: rect.width - 2)
        }
        return rect.inset(by: 1)
    }

    /// A horizontal rule across `rect`'s first row.
    public mutating func drawHorizontalLine(_ rect: Rect, style: Style = .plain, lineDrawing: LineDrawing = .unicode) {
        guard rect.width > 0, rect.height > 0 else { return }
        put(String(repeating: lineDrawing.horizontal, count: rect.width), x: rect.x, y: rect.y, style: style)
    }

    /// Writes text aligned inside a one-row rect (padding is left untouched).
    @discardableResult
    public mutating func put(_ text: String, in rect: Rect, alignment: Alignment, style: Style = .plain) -> Int {
        guard rect.width > 0, rect.height > 0 else { return 0 }
        // Left-aligned, `put` cuts it the same way itself (a cut of a cut to a narrower width is
        // that narrower cut): no second sanitizing and measuring of every table cell.
        if alignment == .left { return put(text, x: rect.x, y: rect.y, style: style, maxWidth: rect.width) }
        let cut = TextWidth.truncate(Sanitizer.sanitize(text), toWidth: rect.width)
        let w = TextWidth.width(cut)
        let x: Int
        switch alignment {
        case .left: x = rect.x
        case .right: x = rect.maxX - w
        case .center: x = rect.x + (rect.width - w) / 2
        }
        return put(cut, x: x, y: rect.y, style: style, maxWidth: rect.width)
    }
}
