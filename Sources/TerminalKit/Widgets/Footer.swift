/// The one key-hint bar: "q Quit  / Filter  ? Help". Hints that do not fit are dropped from
/// the end (put the most important first); a trailing `…` says there are more (see `?`).
/// `pinned` hints (help, quit) are drawn at the right end and never dropped.
public struct Footer: Widget, Sendable {
    public var hints: [KeyHint]
    public var pinned: [KeyHint]

    public init(hints: [KeyHint], pinned: [KeyHint] = []) {
        self.hints = hints
        self.pinned = pinned
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        var row = area.row(0)
        buffer.fill(row, style: theme[.normal])
        if !pinned.isEmpty {
            let texts = pinned.map { (Sanitizer.sanitize($0.key), Sanitizer.sanitize($0.label), $0.isEnabled) }
            let width = texts.reduce(0) { $0 + TextWidth.width($1.0) + 1 + TextWidth.width($1.1) } + 2 * (texts.count - 1) + 1
            if width < row.width {
                var x = row.maxX - width
                for (index, text) in texts.enumerated() {
                    if index > 0 { x += 2 }
                    x += buffer.put(text.0, x: x, y: row.y, style: theme[text.2 ? .keyHint : .disabled]) + 1
                    x += buffer.put(text.1, x: x, y: row.y, style: theme[text.2 ? .keyLabel : .disabled])
                }
                row = Rect(x: row.x, y: row.y, width: max(0, row.width - width - 1), height: 1)
            }
        }
        let widths = hints.map { TextWidth.width(Sanitizer.sanitize($0.key)) + 1 + TextWidth.width(Sanitizer.sanitize($0.label)) }
        var x = row.x + 1
        for (index, hint) in hints.enumerated() {
            let isLast = index == hints.count - 1
            let gap = index == 0 ? 0 : 2
            // Keep room for the "…" marker unless this hint is the last one.
            let reserve = isLast ? 0 : 3
            guard x + gap + widths[index] + reserve <= row.maxX || (isLast && x + gap + widths[index] <= row.maxX) else {
                if x + 2 <= row.maxX { buffer.put("…", x: x + (index == 0 ? 0 : 1), y: row.y, style: theme[.muted]) }
                return
            }
            x += gap
            x += buffer.put(hint.key, x: x, y: row.y, style: theme[hint.isEnabled ? .keyHint : .disabled])
            x += 1
            x += buffer.put(hint.label, x: x, y: row.y, style: theme[hint.isEnabled ? .keyLabel : .disabled], maxWidth: row.maxX - x)
        }
    }
}
