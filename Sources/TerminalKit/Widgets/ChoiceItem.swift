/// An option in a choice list. A disabled option stays visible with the reason it cannot be
/// chosen (e.g. "blocked by the organization's policy"), instead of silently disappearing.
public struct ChoiceItem: Hashable, Sendable {
    public var label: String
    /// Secondary text shown dimmed after the label.
    public var detail: String?
    /// Why the item cannot be chosen; nil when it can.
    public var disabledReason: String?

    public init(_ label: String, detail: String? = nil, disabledReason: String? = nil) {
        self.label = label
        self.detail = detail
        self.disabledReason = disabledReason
    }

    public var isEnabled: Bool { disabledReason == nil }
}

/// Shared drawing of one list row: marker, label, detail or disabled reason.
enum ChoiceRow {
    static func render(
        into buffer: inout Buffer, row: Rect, marker: String, item: ChoiceItem,
        isHighlighted: Bool, isFocused: Bool, theme: Theme
    ) {
        let base: Style
        if isHighlighted {
            base = isFocused ? theme[.selection] : theme[.inactiveSelection]
            buffer.fill(row, style: base)
        } else {
            base = item.isEnabled ? theme[.normal] : theme[.disabled]
        }
        var x = row.x
        x += buffer.put(marker + " ", x: x, y: row.y, style: base, maxWidth: row.maxX - x)
        x += buffer.put(item.label, x: x, y: row.y, style: base, maxWidth: row.maxX - x)
        let note = item.disabledReason.map { "  (\($0))" } ?? item.detail.map { "  \($0)" }
        if let note, x < row.maxX {
            let noteStyle = isHighlighted ? base : theme[.muted]
            buffer.put(note, x: x, y: row.y, style: noteStyle, maxWidth: row.maxX - x)
        }
    }
}
