/// Selection and scroll position of a vertical list or table, kept consistent with a visible
/// height: every change keeps the selection in view, and nothing crashes on an empty list.
///
/// `pageHeight` is the number of rows the list shows (for a table, `Table.bodyHeight(for:)`).
public struct ListState: Hashable, Sendable {
    /// Index of the selected row (0 when the list is empty).
    public private(set) var selectedIndex: Int
    /// Index of the first visible row.
    public private(set) var offset: Int

    public init(selectedIndex: Int = 0, offset: Int = 0) {
        self.selectedIndex = max(0, selectedIndex)
        self.offset = max(0, offset)
    }

    /// Selects `index` (clamped) and scrolls as little as possible to show it.
    public mutating func select(_ index: Int, rowCount: Int, pageHeight: Int) {
        selectedIndex = min(max(0, index), max(0, rowCount - 1))
        offset = Self.offset(keeping: selectedIndex, from: offset, rowCount: rowCount, pageHeight: pageHeight)
    }

    public mutating func moveSelection(by delta: Int, rowCount: Int, pageHeight: Int) {
        select(selectedIndex + delta, rowCount: rowCount, pageHeight: pageHeight)
    }

    /// Moves down a page; the view scrolls by a page too, so the selection keeps its screen row.
    public mutating func pageDown(rowCount: Int, pageHeight: Int) {
        let step = max(1, pageHeight)
        offset += step
        moveSelection(by: step, rowCount: rowCount, pageHeight: pageHeight)
    }

    public mutating func pageUp(rowCount: Int, pageHeight: Int) {
        let step = max(1, pageHeight)
        offset = max(0, offset - step)
        moveSelection(by: -step, rowCount: rowCount, pageHeight: pageHeight)
    }

    public mutating func selectFirst(rowCount: Int, pageHeight: Int) {
        select(0, rowCount: rowCount, pageHeight: pageHeight)
    }

    public mutating func selectLast(rowCount: Int, pageHeight: Int) {
        select(rowCount - 1, rowCount: rowCount, pageHeight: pageHeight)
    }

    /// Re-clamps after the data or the height changed (rows deleted, filter applied, resize).
    public mutating func clamp(rowCount: Int, pageHeight: Int) {
        select(selectedIndex, rowCount: rowCount, pageHeight: pageHeight)
    }

    /// The offset to draw with: the stored one, adjusted so the selection is visible at this
    /// height (the height may differ from the last `handle` call after a resize).
    public func visibleOffset(rowCount: Int, pageHeight: Int) -> Int {
        Self.offset(keeping: min(selectedIndex, max(0, rowCount - 1)), from: offset, rowCount: rowCount, pageHeight: pageHeight)
    }

    /// The rows on screen at this height: what a data source is asked for.
    public func visibleRange(rowCount: Int, pageHeight: Int) -> Range<Int> {
        let start = visibleOffset(rowCount: rowCount, pageHeight: pageHeight)
        return start..<min(rowCount, start + max(0, pageHeight))
    }

    /// "12/3400", for a box title or a status line; "0/0" when empty.
    public func positionText(rowCount: Int) -> String {
        rowCount == 0 ? "0/0" : "\(min(selectedIndex, rowCount - 1) + 1)/\(rowCount)"
    }

    /// Handles the navigation keys admins know from less, k9s and lazygit:
    /// ↑/↓ and k/j, PgUp/PgDn (and Ctrl-B/Ctrl-F), Home/End and g/G; Enter activates.
    public mutating func handle(_ key: Key, rowCount: Int, pageHeight: Int) -> ListOutcome {
        let before = self
        switch key {
        case .up, .character("k"): moveSelection(by: -1, rowCount: rowCount, pageHeight: pageHeight)
        case .down, .character("j"): moveSelection(by: 1, rowCount: rowCount, pageHeight: pageHeight)
        case .pageUp, .ctrl("b"): pageUp(rowCount: rowCount, pageHeight: pageHeight)
        case .pageDown, .ctrl("f"): pageDown(rowCount: rowCount, pageHeight: pageHeight)
        case .home, .character("g"): selectFirst(rowCount: rowCount, pageHeight: pageHeight)
        case .end, .character("G"): selectLast(rowCount: rowCount, pageHeight: pageHeight)
        case .mouse(let event) where event.kind == .wheelUp:
            moveSelection(by: -3, rowCount: rowCount, pageHeight: pageHeight)
        case .mouse(let event) where event.kind == .wheelDown:
            moveSelection(by: 3, rowCount: rowCount, pageHeight: pageHeight)
        case .enter:
            return rowCount > 0 ? .activated(selectedIndex) : .ignored
        default:
            return .ignored
        }
        return self == before ? .unchanged : .moved
    }

    static func offset(keeping index: Int, from offset: Int, rowCount: Int, pageHeight: Int) -> Int {
        guard pageHeight > 0, rowCount > 0 else { return 0 }
        var result = offset
        if index < result { result = index }
        if index >= result + pageHeight { result = index - pageHeight + 1 }
        // Never leave empty rows at the bottom when the list could fill them.
        result = min(result, max(0, rowCount - pageHeight))
        return max(0, result)
    }
}

/// The table's state is a list state.
public typealias TableState = ListState

/// What a navigation key did to a list or table.
public enum ListOutcome: Hashable, Sendable {
    /// The selection or scroll position changed.
    case moved
    /// A navigation key that changed nothing (already at the end).
    case unchanged
    /// Enter on the row at this index.
    case activated(Int)
    /// Not a navigation key: the caller may handle it.
    case ignored
}
