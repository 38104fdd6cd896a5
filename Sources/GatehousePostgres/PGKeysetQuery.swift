import Foundation
import GatehouseDomain

/// One filtered, sorted list as SQL pieces, fetched a page at a time by keyset, as `KeysetQuery`
/// does for SQLite: `WHERE … AND (sort, id) > (?, ?) ORDER BY sort, id LIMIT n`.
struct PGKeysetQuery {
    var from: String
    var conditions: [String] = []
    var arguments: [PGValue] = []
    /// The sort expression (matching an index); text sorts are `gatehouse_fold(column)`.
    var sortExpression: String
    var idColumn: String
    var descending = false
    /// Set by filters whose exact count costs a scan: a list's counter then stops at its cap.
    var isCostlyToCount = false
    /// A page as the merge of one sub-query per value (`column = value`, each with its own ORDER BY
    /// and LIMIT), for a filter `column IN (a, b, …)` on a rare column that leads an index ahead of
    /// the sort: PostgreSQL then walks that index once per value and merges (Merge Append), where one
    /// query walks the sort's own index and filters (21 ms for two rare kinds of user at 100k
    /// accounts, against 0.5 ms). The `IN` filter stays among the conditions, so counts are unchanged.
    var branches: (column: String, values: [PGValue])?

    mutating func filter(_ condition: String, _ values: PGValue...) {
        conditions.append(condition)
        arguments.append(contentsOf: values)
    }

    private var whereClause: String {
        conditions.isEmpty ? "" : " WHERE " + conditions.map { "(\($0))" }.joined(separator: " AND ")
    }

    func count(_ connection: PGConnection) throws -> Int {
        let rows = try connection.query("SELECT COUNT(*) AS n FROM \(from)\(whereClause)", arguments)
        return Int(rows.first?.text("n") ?? "0") ?? 0
    }

    func count(_ connection: PGConnection, cap: Int) throws -> ListCount {
        guard isCostlyToCount else { return .exact(try count(connection)) }
        let rows = try connection.query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(from)\(whereClause) LIMIT \(max(0, cap) + 1)) AS capped", arguments)
        return .counted(Int(rows.first?.text("n") ?? "0") ?? 0, cap: max(0, cap))
    }

    /// The cursor's sort value as a parameter: text folded like the sort expression.
    private func keyParameter(_ key: PageCursor.Key) -> (String, PGValue) {
        switch key {
        case let .text(text): ("gatehouse_fold(?)", .text(text))
        case let .number(number): ("?", .double(number))
        case let .integer(number): ("?", .integer(number))
        }
    }

    func page<Item>(_ connection: PGConnection, select: String, request: PageRequest, decode: (PGRow) throws -> Item) throws -> Page<Item> {
        var conditions = self.conditions
        var arguments = self.arguments
        let backwards: Bool
        func after(_ cursor: PageCursor, _ comparison: String) {
            let (mark, value) = keyParameter(cursor.key)
            conditions.append("(\(sortExpression), \(idColumn)) \(comparison) (\(mark), ?)")
            arguments += [value, cursor.idValue]
        }
        switch request.anchor {
        case .first: backwards = false
        case .last: backwards = true
        case let .after(cursor):
            backwards = false
            after(cursor, descending ? "<" : ">")
        case let .from(cursor):
            backwards = false
            after(cursor, descending ? "<=" : ">=")
        case let .before(cursor):
            backwards = true
            after(cursor, descending ? ">" : "<")
        }
        let direction = descending == backwards ? "ASC" : "DESC"
        func query(_ conditions: [String]) -> String {
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.map { "(\($0))" }.joined(separator: " AND ")
            return "SELECT \(select), \(sortExpression) AS sort_key FROM \(from)\(whereClause) ORDER BY \(sortExpression) \(direction), \(idColumn) \(direction) LIMIT \(request.limit + 1)"
        }
        let sql: String
        if let branches, branches.values.count > 1 {
            let branch = "(" + query(conditions + ["\(branches.column) = ?"]) + ")"
            let outerID = idColumn.split(separator: ".").last.map(String.init) ?? idColumn
            sql = "SELECT * FROM (" + Array(repeating: branch, count: branches.values.count).joined(separator: " UNION ALL ")
                + ") AS branches ORDER BY sort_key \(direction), \(outerID) \(direction) LIMIT \(request.limit + 1)"
            arguments = branches.values.flatMap { arguments + [$0] }
        } else {
            sql = query(conditions)
        }
        let result = try connection.query(sql, arguments)
        var rows = result.rows
        let hasMore = rows.count > request.limit
        if hasMore { rows.removeLast() }
        if backwards { rows.reverse() }
        let keyColumn = result.column("sort_key") ?? 0
        let idColumnIndex = result.column("id") ?? 0
        let entries = try rows.map { row in
            PageEntry(item: try decode(row), cursor: PageCursor(key: Self.key(row.text(at: keyColumn), type: result.typeOID(keyColumn)),
                                                                 id: Self.idString(row.text(at: idColumnIndex))))
        }
        let isAnchoredInside: Bool = { if case .first = request.anchor { return false }; if case .last = request.anchor { return false }; return true }()
        return Page(entries: entries,
                    hasMoreAfter: backwards ? isAnchoredInside : hasMore,
                    hasMoreBefore: backwards ? hasMore : isAnchoredInside)
    }

    /// int8/int4 → integer, float8 → number, else text.
    static func key(_ text: String?, type: UInt32) -> PageCursor.Key {
        let text = text ?? ""
        switch type {
        case 20, 21, 23: return .integer(Int64(text) ?? 0)
        case 700, 701, 1700: return .number(Double(text) ?? 0)
        default: return .text(text)
        }
    }

    /// Cursor ids as the SQLite store writes them: a UUID's uppercase text, or the number.
    static func idString(_ text: String?) -> String {
        guard let text else { return "" }
        return UUID(uuidString: text)?.uuidString ?? text
    }
}

extension PageCursor {
    var idValue: PGValue {
        if let uuid = UUID(uuidString: id) { return .uuid(uuid) }
        if let number = Int64(id) { return .integer(number) }
        return .text(id)
    }
}
