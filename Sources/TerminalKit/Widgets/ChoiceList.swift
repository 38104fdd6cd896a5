/// A single-choice list (radio buttons). The highlight moves with ↑/↓ (j/k, PgUp/PgDn,
/// Home/End); Space chooses the highlighted item; Enter chooses it and submits. Choosing a
/// disabled item is refused with its reason.
public struct ChoiceList: Hashable, Sendable {
    public var items: [ChoiceItem]
    /// The chosen item, if any.
    public private(set) var selectedIndex: Int?
    /// Highlight and scroll position.
    public private(set) var list: ListState

    public init(items: [ChoiceItem], selectedIndex: Int? = nil) {
        self.items = items
        let valid = selectedIndex.flatMap { items.indices.contains($0) ? $0 : nil }
        self.selectedIndex = valid
        self.list = ListState(selectedIndex: valid ?? 0)
    }

    /// The index under the highlight.
    public var highlightedIndex: Int { list.selectedIndex }

    /// Chooses an item programmatically; disabled or out-of-range items are refused.
    @discardableResult
    public mutating func select(_ index: Int) -> EditOutcome {
        guard items.indices.contains(index) else { return .ignored }
        if let reason = items[index].disabledReason { return .refused(reason) }
        guard selectedIndex != index else { return .moved }
        selectedIndex = index
        return .changed
    }

    /// `visibleHeight` is the number of rows the list is drawn in (for paging and scrolling).
    public mutating func handle(_ key: Key, visibleHeight: Int) -> EditOutcome {
        switch key {
        case .character(" "):
            return select(list.selectedIndex)
        case .enter:
            let outcome = select(list.selectedIndex)
            if case .refused = outcome { return outcome }
            return items.isEmpty ? .ignored : .submitted
        case .escape:
            return .cancelled
        default:
            switch list.handle(key, rowCount: items.count, pageHeight: visibleHeight) {
            case .moved: return .moved
            case .unchanged: return .ignored
            case .activated, .ignored: return .ignored
            }
        }
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme, isFocused: Bool = true) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let range = list.visibleRange(rowCount: items.count, pageHeight: area.height)
        for (row, index) in range.enumerated() {
            let marker = index == selectedIndex ? theme.lineDrawing.radioOn : theme.lineDrawing.radioOff
            ChoiceRow.render(
                into: &buffer, row: area.row(row), marker: marker, item: items[index],
                isHighlighted: index == list.selectedIndex, isFocused: isFocused, theme: theme)
        }
    }
}
