/// Numbered pane tabs: " 1 Users  2 Groups  3 Tokens ". When the labels do not fit, every tab
/// gets an equal slot and its label is truncated; the numbers stay visible.
public struct TabBar: Widget, Sendable {
    public var titles: [String]
    public var selectedIndex: Int

    public init(titles: [String], selectedIndex: Int) {
        self.titles = titles
        self.selectedIndex = selectedIndex
    }

    /// The tab a key selects: `1`...`9` directly, Tab / Shift-Tab cycle. Nil for other keys.
    public static func index(for key: Key, current: Int, count: Int) -> Int? {
        guard count > 0 else { return nil }
        switch key {
        case .tab: return (current + 1) % count
        case .backTab: return (current - 1 + count) % count
        case .character(let c):
            guard let digit = c.wholeNumberValue, c.isASCII, digit >= 1, digit <= min(9, count) else { return nil }
            return digit - 1
        default: return nil
        }
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty, !titles.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, style: theme[.normal])
        let labels = titles.enumerated().map { " \($0.offset + 1) \(Sanitizer.sanitize($0.element)) " }
        let natural = labels.reduce(0) { $0 + TextWidth.width($1) } + labels.count - 1
        var x = row.x
        if natural <= row.width {
            for (index, label) in labels.enumerated() {
                x += buffer.put(label, x: x, y: row.y, style: theme[index == selectedIndex ? .activeTab : .inactiveTab]) + 1
            }
        } else {
            let slots = row.split(columns: Array(repeating: .fill, count: labels.count))
            for (index, slot) in slots.enumerated() where slot.width > 0 {
                let style = theme[index == selectedIndex ? .activeTab : .inactiveTab]
                buffer.fill(Rect(x: slot.x, y: slot.y, width: slot.width - (slot.width > 2 ? 1 : 0), height: 1), style: style)
                buffer.put(labels[index], x: slot.x, y: slot.y, style: style, maxWidth: max(1, slot.width - 1))
            }
        }
    }
}
