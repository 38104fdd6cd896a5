/// A table column: how wide it may be and how it shares spare width.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    /// Columns never get narrower than this (unless the table is narrower than one column).
    public var minWidth: Int
    /// Columns never get wider than this (nil: no limit).
    public var maxWidth: Int?
    /// Share of spare width, relative to the other columns (0: stays at `minWidth`).
    public var weight: Int
    public var alignment: Alignment
    /// When the table is too narrow, lower-priority columns are hidden first (ties: rightmost).
    public var priority: Int

    public init(
        _ title: String, minWidth: Int? = nil, maxWidth: Int? = nil, weight: Int = 1,
        alignment: Alignment = .left, priority: Int = 0
    ) {
        self.title = title
        let minimum = max(1, minWidth ?? TextWidth.width(title))
        self.minWidth = minimum
        self.maxWidth = maxWidth.map { max($0, minimum) }
        self.weight = max(0, weight)
        self.alignment = alignment
        self.priority = priority
    }
}

/// Which column a table is sorted by, shown as ▲ or ▼ after its title.
public struct TableSort: Hashable, Sendable {
    public var column: Int
    public var ascending: Bool

    public init(column: Int, ascending: Bool = true) {
        self.column = column
        self.ascending = ascending
    }
}

/// Supplies rows on demand: the table asks only for the rows in view, so a list of a million
/// tokens costs one page per frame.
public protocol TableDataSource {
    var rowCount: Int { get }
    /// The cell texts of the rows in `range` (which is within `0..<rowCount`), in order.
    func rows(in range: Range<Int>) -> [[String]]
    /// A role for one cell of an unselected row (a status in red or green); nil: normal text.
    func role(row: Int, column: Int) -> Role?
}

extension TableDataSource {
    public func role(row: Int, column: Int) -> Role? { nil }
}

/// A page of rows the caller already fetched (e.g. by a keyset query for
/// `state.visibleRange(...)`); rows outside the page are drawn blank.
public struct TablePage: TableDataSource, Hashable, Sendable {
    public var rowCount: Int
    public var firstRow: Int
    public var rows: [[String]]
    /// Per-cell roles, aligned with `rows` (may be shorter, or empty).
    public var roles: [[Role?]]

    public init(rowCount: Int, firstRow: Int = 0, rows: [[String]], roles: [[Role?]] = []) {
        self.rowCount = max(0, rowCount)
        self.firstRow = max(0, firstRow)
        self.rows = rows
        self.roles = roles
    }

    public func role(row: Int, column: Int) -> Role? {
        let local = row - firstRow
        guard local >= 0, local < roles.count, column < roles[local].count else { return nil }
        return roles[local][column]
    }

    /// All rows in memory (small lists).
    public init(allRows: [[String]]) {
        self.init(rowCount: allRows.count, firstRow: 0, rows: allRows)
    }

    public func rows(in range: Range<Int>) -> [[String]] {
        range.map { index in
            let local = index - firstRow
            return local >= 0 && local < rows.count ? rows[local] : []
        }
    }
}
