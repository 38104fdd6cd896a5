import Synchronization

/// A table with a header row, adaptive column widths, virtual scrolling, a highlighted
/// selection, a sort indicator and an empty-state message.
///
/// ```
/// let table = Table(columns: [TableColumn("Name", weight: 2), TableColumn("Status")],
///                   sort: TableSort(column: 0), emptyMessage: "No tokens match the filter")
/// table.render(into: &buffer, area: area, theme: theme, state: state, source: page)
/// ```
public struct Table: Sendable {
    public var columns: [TableColumn]
    public var sort: TableSort?
    public var emptyMessage: String
    /// Unfocused tables show the selection in a quieter style.
    public var isFocused: Bool
    /// Columns are separated by this many spaces.
    public var columnSpacing: Int
    /// The column that names the row (a name, a login): it is never hidden, it is first to get
    /// the width its content needs, at least enough to tell the rows in view apart, and it takes
    /// whatever width is left over.
    public var keyColumn: Int
    /// Where the widths of the last rows drawn are kept (see `TableWidthMemo`); nil: measured every frame.
    public var widthMemo: TableWidthMemo?

    public init(
        columns: [TableColumn], sort: TableSort? = nil, emptyMessage: String = "Nothing to show",
        isFocused: Bool = true, columnSpacing: Int = 2, keyColumn: Int = 0, widthMemo: TableWidthMemo? = nil
    ) {
        self.columns = columns
        self.sort = sort
        self.emptyMessage = emptyMessage
        self.isFocused = isFocused
        self.columnSpacing = max(0, columnSpacing)
        self.keyColumn = keyColumn
        self.widthMemo = widthMemo
    }

    /// Rows available for data in `area` (the header takes one): the `pageHeight` for the state.
    public static func bodyHeight(for area: Rect) -> Int { max(0, area.height - 1) }

    /// The width of each column at a total width; nil for a column hidden because it did not fit.
    public func columnWidths(for totalWidth: Int) -> [Int?] {
        guard !columns.isEmpty, totalWidth > 0 else { return columns.map { _ in nil } }
        var visible = Set(columns.indices)
        func required() -> Int {
            visible.reduce(0) { $0 + columns[$1].minWidth } + columnSpacing * max(0, visible.count - 1)
        }
        while required() > totalWidth && visible.count > 1 {
            // Hide the least important column; among equals, the rightmost.
            let victim = visible.min { a, b in
                columns[a].priority != columns[b].priority ? columns[a].priority < columns[b].priority : a > b
            }
            if let victim { visible.remove(victim) }
        }
        var widths = columns.indices.map { visible.contains($0) ? columns[$0].minWidth : 0 }
        var spare = totalWidth - required()
        if spare < 0, let only = visible.first {
            widths[only] = totalWidth  // a single column narrower than its minimum
            spare = 0
        }
        // Share spare width by weight, respecting maximums, until nothing more can grow.
        while spare > 0 {
            let growable = visible.sorted().filter { index in
                columns[index].weight > 0 && widths[index] < (columns[index].maxWidth ?? Int.max)
            }
            guard !growable.isEmpty else { break }
            let weightSum = growable.reduce(0) { $0 + columns[$1].weight }
            var given = 0
            for index in growable {
                let cap = (columns[index].maxWidth ?? Int.max) - widths[index]
                let share = min(cap, spare * columns[index].weight / weightSum)
                widths[index] += share
                given += share
            }
            if given == 0 {
                // Shares rounded to zero: hand out single cells, leftmost first.
                for index in growable where spare - given > 0 {
                    widths[index] += 1
                    given += 1
                }
            }
            spare -= given
        }
        return columns.indices.map { visible.contains($0) ? widths[$0] : nil }
    }

    /// Column widths sized to `rows` (the rows in view), for a total width; nil for a hidden column.
    ///
    /// 1. Each column wants its content's width (its title, sort arrow included, and its widest
    ///    cell in view), at least its `minWidth`; `maxWidth` and `weight` do not apply here.
    /// 2. The key column's floor is the width that tells the rows in view apart (no two
    ///    different names cut to the same text), up to what its content needs.
    /// 3. While the floors do not fit, the lowest-priority column is hidden (never the key column).
    /// 4. Width beyond the floors goes first to the key column, up to its content, then to the
    ///    other columns by priority, each up to its content; what is left goes to the key column.
    public func columnWidths(for totalWidth: Int, content rows: [[String]]) -> [Int?] {
        guard !columns.isEmpty, totalWidth > 0 else { return columns.map { _ in nil } }
        let key = columns.indices.contains(keyColumn) ? keyColumn : 0
        let wanted = columns.indices.map { index in
            let title = TextWidth.width(columns[index].title) + (sort?.column == index ? 2 : 0)
            let content = rows.reduce(0) { index < $1.count ? max($0, TextWidth.width($1[index])) : $0 }
            return max(columns[index].minWidth, title, content)
        }
        var floors = columns.map(\.minWidth)
        floors[key] = max(floors[key], min(wanted[key], Self.distinguishingWidth(rows.compactMap { key < $0.count ? $0[key] : nil }, from: floors[key])))
        var visible = Set(columns.indices)
        func required() -> Int { visible.reduce(0) { $0 + floors[$1] } + columnSpacing * max(0, visible.count - 1) }
        while required() > totalWidth && visible.count > 1 {
            let victim = visible.filter { $0 != key }.min { a, b in
                columns[a].priority != columns[b].priority ? columns[a].priority < columns[b].priority : a > b
            }
            guard let victim else { break }
            visible.remove(victim)
        }
        var widths = floors
        var spare = totalWidth - required()
        if spare < 0 {
            widths[key] = max(1, floors[key] + spare)  // only the key column is left, narrower than its floor
            spare = 0
        }
        let order = [key] + visible.filter { $0 != key }.sorted { a, b in
            columns[a].priority != columns[b].priority ? columns[a].priority > columns[b].priority : a < b
        }
        for index in order where spare > 0 {
            let grow = min(spare, max(0, wanted[index] - widths[index]))
            widths[index] += grow
            spare -= grow
        }
        widths[key] += spare
        return columns.indices.map { visible.contains($0) ? widths[$0] : nil }
    }

    /// The narrowest width, from `minimum` up, at which the texts cut to fit stay as distinct as
    /// they are whole (identical texts stay identical).
    static func distinguishingWidth(_ texts: [String], from minimum: Int) -> Int {
        let distinct = Set(texts)
        guard distinct.count > 1 else { return minimum }
        func separates(_ width: Int) -> Bool { Set(distinct.map { TextWidth.truncate($0, toWidth: width) }).count == distinct.count }
        var low = max(1, minimum)
        if separates(low) { return low }
        // Longer cuts never merge what shorter ones kept apart: search for the first that separates.
        var high = distinct.reduce(0) { max($0, TextWidth.width($1)) }
        guard high > low else { return low }
        while low < high {
            let middle = (low + high) / 2
            if separates(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme, state: ListState, source: any TableDataSource) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let inView = state.visibleRange(rowCount: source.rowCount, pageHeight: max(0, area.height - 1))
        // Asked once: they size the columns and are drawn.
        let rowsInView = source.rowCount > 0 && !inView.isEmpty ? source.rows(in: inView) : []
        let widths = widthMemo?.widths(for: self, totalWidth: area.width, content: rowsInView)
            ?? columnWidths(for: area.width, content: rowsInView)
        var positions: [(index: Int, x: Int, width: Int)] = []
        var x = area.x
        for (index, width) in widths.enumerated() {
            guard let width else { continue }
            positions.append((index, x, width))
            x += width + columnSpacing
        }

        // Header.
        let headerStyle = theme[.columnHeader]
        buffer.fill(area.row(0), style: headerStyle)
        for column in positions {
            var title = columns[column.index].title
            if let sort, sort.column == column.index {
                title += " " + (sort.ascending ? theme.lineDrawing.sortAscending : theme.lineDrawing.sortDescending)
            }
            buffer.put(title, in: Rect(x: column.x, y: area.y, width: column.width, height: 1),
                       alignment: columns[column.index].alignment, style: headerStyle)
        }

        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard !body.isEmpty else { return }
        let rowCount = source.rowCount
        guard rowCount > 0 else {
            let lines = TextWrap.wrap(emptyMessage, width: body.width)
            let box = body.centered(width: body.width, height: lines.count)
            for (i, line) in lines.enumerated() where i < box.height {
                buffer.put(line, in: box.row(i), alignment: .center, style: theme[.muted])
            }
            return
        }

        let range = inView
        let rows = rowsInView
        let selectionStyle = isFocused ? theme[.selection] : theme[.inactiveSelection]
        for (i, rowIndex) in range.enumerated() {
            let y = body.y + i
            let style = rowIndex == state.selectedIndex ? selectionStyle : theme[.normal]
            if rowIndex == state.selectedIndex { buffer.fill(body.row(i), style: style) }
            let cells = i < rows.count ? rows[i] : []
            let shown = positions.filter { $0.index < cells.count }
            let cellStyles = shown.map { column in
                rowIndex == state.selectedIndex ? style : (source.role(row: rowIndex, column: column.index).map { theme[$0] } ?? style)
            }
            if rowIndex != state.selectedIndex {
                Self.joinRuns(of: cellStyles, at: shown.map { ($0.x, $0.width) }, row: y, in: &buffer)
            }
            for (column, cellStyle) in zip(shown, cellStyles) {
                buffer.put(cells[column.index], in: Rect(x: column.x, y: y, width: column.width, height: 1),
                           alignment: columns[column.index].alignment, style: cellStyle)
            }
        }
    }

    /// Adjacent cells of one style (two warnings side by side) become one run: the padding and
    /// the gap between them take that style too. Each change of style costs the terminal an SGR
    /// sequence or two (10–26 bytes on xterm) every time the row is repainted, e.g. when the
    /// selection leaves it. Only for styles whose blanks look like plain blanks (no background,
    /// underline or reverse), so nothing changes on screen.
    static func joinRuns(of styles: [Style], at spans: [(x: Int, width: Int)], row y: Int, in buffer: inout Buffer) {
        var start = 0
        while start < styles.count {
            var end = start
            while end + 1 < styles.count && styles[end + 1] == styles[start] { end += 1 }
            let style = styles[start]
            if end > start, style != .plain, style.background == .default,
               style.attributes.isDisjoint(with: [.underline, .reverse]) {
                let x = spans[start].x
                buffer.fill(Rect(x: x, y: y, width: spans[end].x + spans[end].width - x, height: 1), style: style)
            }
            start = end + 1
        }
    }
}

/// The column widths a table last computed, and for what. Most keys only move the selection among
/// the rows in view: the same rows at the same width get the same widths, without measuring every
/// cell and searching for the width that tells the names apart again. Only a cache: whatever it
/// holds, the widths are those `columnWidths(for:content:)` gives.
public final class TableWidthMemo: Sendable {
    private struct Key: Equatable {
        let columns: [TableColumn]
        let sort: TableSort?
        let keyColumn: Int
        let columnSpacing: Int
        let totalWidth: Int
        let rows: [[String]]
    }

    private let last = Mutex<(key: Key, widths: [Int?])?>(nil)

    public init() {}

    func widths(for table: Table, totalWidth: Int, content rows: [[String]]) -> [Int?] {
        let key = Key(columns: table.columns, sort: table.sort, keyColumn: table.keyColumn,
                      columnSpacing: table.columnSpacing, totalWidth: totalWidth, rows: rows)
        if let hit = last.withLock({ $0?.key == key ? $0?.widths : nil }) { return hit }
        let widths = table.columnWidths(for: totalWidth, content: rows)
        last.withLock { $0 = (key, widths) }
        return widths
    }
}
