import Testing
@testable import TerminalKit

/// A source that records what it was asked for.
final class RecordingSource: TableDataSource, @unchecked Sendable {
    let rowCount: Int
    var requests: [Range<Int>] = []
    init(rowCount: Int) { self.rowCount = rowCount }
    func rows(in range: Range<Int>) -> [[String]] {
        requests.append(range)
        return range.map { ["row \($0)", "\($0 * 2)"] }
    }
}

@Suite("Table")
struct TableTests {
    let columns = [TableColumn("Name", minWidth: 6, weight: 1), TableColumn("Size", minWidth: 4, weight: 0, alignment: .right)]

    @Test func rendersHeaderRowsSelectionAndSortIndicator() {
        var buffer = Buffer(width: 20, height: 4)
        let table = Table(columns: columns, sort: TableSort(column: 0, ascending: false))
        var state = TableState()
        state.select(1, rowCount: 3, pageHeight: 3)
        table.render(into: &buffer, area: buffer.area, theme: .color, state: state, source: TablePage(allRows: [["alice", "1"], ["漢字", "22"], ["bob", "333"]]))
        #expect(buffer.lines == [
            "Name ▼          Size",
            "alice              1",
            "漢字              22",
            "bob              333",
        ])
        #expect(buffer.style(atX: 0, y: 2) == Theme.color[.selection])
        #expect(buffer.style(atX: 19, y: 2) == Theme.color[.selection])
        #expect(buffer.style(atX: 0, y: 1) == Theme.color[.normal])
        #expect(buffer.style(atX: 0, y: 0) == Theme.color[.columnHeader])
    }

    @Test func asksTheSourceOnlyForVisibleRows() {
        var buffer = Buffer(width: 30, height: 11)
        let source = RecordingSource(rowCount: 1_000_000)
        var state = TableState()
        state.select(500_000, rowCount: source.rowCount, pageHeight: 10)
        Table(columns: columns).render(into: &buffer, area: buffer.area, theme: .color, state: state, source: source)
        #expect(source.requests == [499_991..<500_001])
        #expect(buffer.text(row: 10).hasPrefix("row 500000"))
    }

    @Test func emptyStateMessage() {
        var buffer = Buffer(width: 30, height: 5)
        Table(columns: columns, emptyMessage: "No tokens yet").render(
            into: &buffer, area: buffer.area, theme: .color, state: TableState(), source: TablePage(allRows: []))
        #expect(buffer.contains("No tokens yet"))
        #expect(buffer.text(row: 0).hasPrefix("Name"))
    }

    @Test(arguments: 1...40)
    func columnWidthsAdaptAndNeverExceedTheWidth(width: Int) {
        let table = Table(columns: [
            TableColumn("Name", minWidth: 8, weight: 3, priority: 9),
            TableColumn("Owner", minWidth: 6, maxWidth: 10, priority: 5),
            TableColumn("Scopes", minWidth: 8, weight: 2, priority: 1),
        ])
        let widths = table.columnWidths(for: width)
        let shown = widths.compactMap { $0 }
        #expect(shown.reduce(0, +) + table.columnSpacing * (shown.count - 1) <= width)
        #expect(widths[0] != nil)  // the most important column always stays
        if width >= 8 + 2 + 6 + 2 + 8 { #expect(shown.count == 3) }
        if width < 8 + 2 + 6 { #expect(shown.count == 1) }
        if let owner = widths[1] { #expect(owner <= 10) }
    }

    @Test func spareWidthFollowsWeights() {
        let table = Table(columns: [TableColumn("A", minWidth: 2, weight: 2), TableColumn("B", minWidth: 2, weight: 1)], columnSpacing: 0)
        #expect(table.columnWidths(for: 10) == [7, 3] || table.columnWidths(for: 10) == [6, 4])
    }

    @Test func navigationKeepsSelectionInView() {
        var state = TableState()
        let rows = 100, page = 10
        #expect(state.handle(.up, rowCount: rows, pageHeight: page) == .unchanged)
        #expect(state.handle(.character("j"), rowCount: rows, pageHeight: page) == .moved)
        #expect(state.selectedIndex == 1)
        _ = state.handle(.pageDown, rowCount: rows, pageHeight: page)
        #expect(state.selectedIndex == 11)
        #expect(state.visibleRange(rowCount: rows, pageHeight: page).contains(11))
        _ = state.handle(.end, rowCount: rows, pageHeight: page)
        #expect(state.selectedIndex == 99)
        #expect(state.visibleRange(rowCount: rows, pageHeight: page) == 90..<100)
        _ = state.handle(.character("k"), rowCount: rows, pageHeight: page)
        #expect(state.visibleRange(rowCount: rows, pageHeight: page) == 90..<100)  // no jump when moving up
        _ = state.handle(.character("g"), rowCount: rows, pageHeight: page)
        #expect(state.selectedIndex == 0 && state.offset == 0)
        #expect(state.handle(.enter, rowCount: rows, pageHeight: page) == .activated(0))
        #expect(state.handle(.character("x"), rowCount: rows, pageHeight: page) == .ignored)
        #expect(state.positionText(rowCount: rows) == "1/100")
    }

    @Test func stateSurvivesShrinkingDataAndHeights() {
        var state = TableState()
        state.select(50, rowCount: 100, pageHeight: 10)
        state.clamp(rowCount: 5, pageHeight: 10)
        #expect(state.selectedIndex == 4 && state.offset == 0)
        state.clamp(rowCount: 0, pageHeight: 0)
        #expect(state.selectedIndex == 0)
        #expect(state.handle(.enter, rowCount: 0, pageHeight: 0) == .ignored)
        #expect(state.visibleRange(rowCount: 0, pageHeight: 5).isEmpty)
    }
}

@Suite("Table color runs")
struct TableColorRunTests {
    struct Source: TableDataSource {
        let rowCount = 2
        let roles: [[Role?]]
        func rows(in range: Range<Int>) -> [[String]] { range.map { _ in ["a", "b", "c"] } }
        func role(row: Int, column: Int) -> Role? { roles[row][column] }
    }

    let columns = [TableColumn("A", minWidth: 3, weight: 0), TableColumn("B", minWidth: 3, weight: 0), TableColumn("C", minWidth: 3, weight: 0)]

    private func render(_ roles: [[Role?]], theme: Theme = .color) -> Buffer {
        var buffer = Buffer(width: 13, height: 3)
        var state = TableState()
        state.select(0, rowCount: 2, pageHeight: 2)
        Table(columns: columns).render(into: &buffer, area: buffer.area, theme: theme, state: state, source: Source(roles: roles))
        return buffer
    }

    @Test func adjacentCellsOfOneColorShareTheGapBetweenThem() {
        let buffer = render([[nil, nil, nil], [nil, .warning, .warning]])
        #expect(buffer.text(row: 2) == "a    b    c  ")
        // From the start of B to the end of C, one warning run: no style change in between.
        for x in 5..<13 { #expect(buffer.style(atX: x, y: 2) == Theme.color[.warning], "x \(x)") }
        #expect(buffer.style(atX: 4, y: 2) == Theme.color[.normal])
    }

    @Test func differentColorsAndLoneCellsKeepPlainPadding() {
        let buffer = render([[nil, nil, nil], [.danger, .warning, nil]])
        #expect(buffer.style(atX: 0, y: 2) == Theme.color[.danger])
        #expect(buffer.style(atX: 1, y: 2) == Theme.color[.normal])
        #expect(buffer.style(atX: 5, y: 2) == Theme.color[.warning])
        #expect(buffer.style(atX: 6, y: 2) == Theme.color[.normal])
    }

    @Test func underlinedOrSelectedCellsAreNeverJoined() {
        let buffer = render([[.warning, .warning, nil], [.input, .input, nil]])
        // Row 0 is selected: one selection style across the row, whatever the roles.
        for x in 0..<13 { #expect(buffer.style(atX: x, y: 1) == Theme.color[.selection]) }
        // Underlined blanks would show as a line: padding stays plain.
        #expect(buffer.style(atX: 1, y: 2) == Theme.color[.normal])
        #expect(buffer.style(atX: 4, y: 2) == Theme.color[.normal])
    }

    /// Random rows from names that share long prefixes (the distinguishing width matters), wide
    /// and control characters, at random widths and sorts, some repeated: a table with a memo
    /// draws exactly what one without draws, frame after frame.
    @Test func theWidthMemoNeverChangesWhatIsDrawn() {
        let columns = [TableColumn("Name", minWidth: 4), TableColumn("Owner", minWidth: 5, priority: 1),
                       TableColumn("Scopes", minWidth: 6), TableColumn("Expires", minWidth: 7, alignment: .right, priority: 2)]
        let words = ["deploy-prod-eu", "deploy-prod-us", "漢字の名前", "ci\u{1B}[31m", "❤️ team", "x", "", "build \u{2026} agent", "deploy-prod-eu-2"]
        var generator = SystemRandomNumberGenerator()
        let memo = TableWidthMemo()
        var previous: [[String]] = []
        for round in 0..<300 {
            let rows = round % 3 == 2 ? previous : (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                columns.map { _ in words.randomElement(using: &generator)! }
            }
            previous = rows
            let width = round % 5 == 4 ? 40 : Int.random(in: 1...60, using: &generator)
            let sort = Bool.random(using: &generator) ? TableSort(column: Int.random(in: 0..<4, using: &generator)) : nil
            var state = TableState()
            state.select(rows.isEmpty ? 0 : Int.random(in: 0..<rows.count, using: &generator), rowCount: rows.count, pageHeight: 9)
            let page = TablePage(allRows: rows)
            var plain = Buffer(width: width, height: 10)
            var memoized = plain
            Table(columns: columns, sort: sort).render(into: &plain, area: plain.area, theme: .color, state: state, source: page)
            Table(columns: columns, sort: sort, widthMemo: memo).render(into: &memoized, area: memoized.area, theme: .color, state: state, source: page)
            #expect(memoized == plain, "round \(round), width \(width):\n\(memoized.lines.joined(separator: "\n"))\nvs\n\(plain.lines.joined(separator: "\n"))")
        }
    }
}
