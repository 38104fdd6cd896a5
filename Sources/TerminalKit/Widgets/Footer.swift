/// The one key-hint bar: "q Quit  / Filter  ? Help". Hints that do not fit are dropped from
/// the end (put the most important first); a trailing `…` says there are more (see `?`).
public struct Footer: Widget, Sendable {
    public var hints: [KeyHint]

    public init(hints: [KeyHint]) {
        self.hints = hints
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, style: theme[.normal])
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
