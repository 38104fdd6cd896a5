import Testing
@testable import TerminalKit

@Suite("Geometry")
struct GeometryTests {
    @Test func negativeSizesClampToZero() {
        let rect = Rect(x: -3, y: 2, width: -5, height: 4)
        #expect(rect == Rect(x: 0, y: 2, width: 0, height: 4))
        #expect(rect.isEmpty)
        #expect(Rect(x: 0, y: 0, width: 3, height: 3).inset(by: 5).isEmpty)
    }

    @Test(arguments: [
        ([Constraint.fixed(1), .fill, .fixed(1)], 24, [1, 22, 1]),
        ([.fixed(1), .fill, .fixed(1)], 1, [1, 0, 0]),
        ([.fixed(1), .fill, .fixed(1)], 0, [0, 0, 0]),
        ([.percent(50), .fill], 81, [40, 41]),
        ([.fill, .fill, .fill], 10, [4, 3, 3]),
        ([.flex(2), .flex(1)], 9, [6, 3]),
        ([.min(3), .fixed(2)], 10, [8, 2]),
        ([.fixed(50), .fixed(50)], 60, [50, 10]),
        ([.percent(200), .fill], 10, [10, 0]),
    ])
    func splitLengths(constraints: [Constraint], total: Int, expected: [Int]) {
        let rows = Rect(x: 0, y: 5, width: 7, height: total).split(rows: constraints)
        #expect(rows.map(\.height) == expected)
        #expect(rows.first?.y == 5)
        for (a, b) in zip(rows, rows.dropFirst()) { #expect(a.maxY == b.y) }
        let columns = Rect(x: 2, y: 0, width: total, height: 3).split(columns: constraints)
        #expect(columns.map(\.width) == expected)
        #expect(columns.map(\.x).first == 2)
    }

    @Test func centeredInsetAndRows() {
        let area = Rect(x: 0, y: 0, width: 80, height: 24)
        #expect(area.centered(width: 40, height: 10) == Rect(x: 20, y: 7, width: 40, height: 10))
        #expect(area.centered(width: 200, height: 100) == area)
        #expect(area.inset(by: Insets(top: 1, left: 2, bottom: 3, right: 4)) == Rect(x: 2, y: 1, width: 74, height: 20))
        #expect(area.rows == 0..<24)
        #expect(area.columns == 0..<80)
        #expect(area.row(3) == Rect(x: 0, y: 3, width: 80, height: 1))
        #expect(area.row(30).isEmpty)
        #expect(area.intersection(Rect(x: 70, y: 20, width: 20, height: 20)) == Rect(x: 70, y: 20, width: 10, height: 4))
        #expect(area.intersection(Rect(x: 90, y: 0, width: 5, height: 5)).isEmpty)
    }
}
