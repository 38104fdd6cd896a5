/// A multiple-choice list (checkboxes). The highlight moves with ↑/↓ (j/k, PgUp/PgDn,
/// Home/End); Space toggles the highlighted item; Enter submits. Toggling a disabled item is
/// refused with its reason.
public struct MultiChoiceList: Hashable, Sendable {
    public var items: [ChoiceItem]
    /// Indices of the checked items.
    public private(set) var checked: Set<Int>
    /// Highlight and scroll position.
    public private(set) var list: ListState

    public init(items: [ChoiceItem], checked: Set<Int> = []) {
        self.items = items
        self.checked = checked.filter { items.indices.contains($0) }
        self.list = ListState()
    }

    public var highlightedIndex: Int { list.selectedIndex }

    /// Checked indices in list order.
    public var checkedIndices: [Int] { checked.sorted() }

    @discardableResult
    public mutating func toggle(_ index: Int) -> EditOutcome {
        guard items.indices.contains(index) else { return .ignored }
        if let reason = items[index].disabledReason { return .refused(reason) }
        if checked.contains(index) { checked.remove(index) } else { checked.insert(index) }
        return .changed
    }

    public mutating func handle(_ key: Key, visibleHeight: Int) -> EditOutcome {
        switch key {
        case .character(" "): return toggle(list.selectedIndex)
        case .enter: return .submitted
        case .escape: return .cancelled
        default:
            switch list.handle(key, rowCount: items.count, pageHeight: visibleHeight) {
            case .moved: return .moved
            case .unchanged, .activated, .ignored: return .ignored
            }
        }
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme, isFocused: Bool = true) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let range = list.visibleRange(rowCount: items.count, pageHeight: area.height)
        for (row, index) in range.enumerated() {
            let marker = checked.contains(index) ? theme.lineDrawing.checkboxOn : theme.lineDrawing.checkboxOff
            ChoiceRow.render(
                into: &buffer, row: area.row(row), marker: marker, item: items[index],
                isHighlighted: index == list.selectedIndex, isFocused: isFocused, theme: theme)
        }
    }
}
