import Foundation
import GRDB
import GatehouseDomain

/// One filtered, sorted list as SQL pieces, fetched a page at a time by keyset:
/// `WHERE … AND (sort, id) > (?, ?) ORDER BY sort, id LIMIT n`, which costs the same at any depth.
struct KeysetQuery {
    var from: String
    var conditions: [String] = []
    var arguments: [(any DatabaseValueConvertible)?] = []
    /// The sort expression; must match an index to be fast.
    var sortExpression: String
    var idColumn: String
    var descending = false

    mutating func filter(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
        conditions.append(condition)
        arguments.append(contentsOf: values)
    }

    var whereClause: String {
        conditions.isEmpty ? "" : " WHERE " + conditions.map { "(\($0))" }.joined(separator: " AND ")
    }

    func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(from)\(whereClause)", arguments: StatementArguments(arguments)) ?? 0
    }

    /// `select` lists the columns to fetch; `cursorKey` reads the sort value of a fetched row.
    func page<Item>(
        _ db: Database, select: String, request: PageRequest,
        cursorKey: (Row) -> PageCursor.Key, decode: (Row) throws -> Item
    ) throws -> Page<Item> {
        var conditions = self.conditions
        var arguments = self.arguments
        // Walking backwards (End, or the page before) reads in reverse order, then flips the rows.
        let backwards: Bool
        switch request.anchor {
        case .first: backwards = false
        case .last: backwards = true
        case let .after(cursor):
            backwards = false
            conditions.append("(\(sortExpression), \(idColumn)) \(descending ? "<" : ">") (?, ?)")
            arguments += [cursor.key.databaseValue, cursor.idValue]
        case let .from(cursor):
            backwards = false
            conditions.append("(\(sortExpression), \(idColumn)) \(descending ? "<=" : ">=") (?, ?)")
            arguments += [cursor.key.databaseValue, cursor.idValue]
        case let .before(cursor):
            backwards = true
            conditions.append("(\(sortExpression), \(idColumn)) \(descending ? ">" : "<") (?, ?)")
            arguments += [cursor.key.databaseValue, cursor.idValue]
        }
        let ascending = descending == backwards
        let direction = ascending ? "ASC" : "DESC"
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.map { "(\($0))" }.joined(separator: " AND ")
        let sql = "SELECT \(select), \(sortExpression) AS sort_key FROM \(from)\(whereClause) ORDER BY \(sortExpression) \(direction), \(idColumn) \(direction) LIMIT \(request.limit + 1)"
        var rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        let hasMore = rows.count > request.limit
        if hasMore { rows.removeLast() }
        if backwards { rows.reverse() }
        let entries = try rows.map { row in
            PageEntry(item: try decode(row), cursor: PageCursor(key: cursorKey(row), id: Self.idString(row["id"])))
        }
        let isAnchoredInside: Bool = { if case .first = request.anchor { return false }; if case .last = request.anchor { return false }; return true }()
        return Page(
            entries: entries,
            hasMoreAfter: backwards ? isAnchoredInside : hasMore,
            hasMoreBefore: backwards ? hasMore : isAnchoredInside)
    }

    /// Cursor ids are strings so one cursor type serves UUID-keyed and integer-keyed lists.
    static func idString(_ value: DatabaseValue) -> String {
        switch value.storage {
        case let .blob(data): UUID.fromDatabaseValue(value)?.uuidString ?? data.base64EncodedString()
        case let .int64(number): String(number)
        case let .string(text): text
        default: ""
        }
    }
}

extension PageCursor.Key {
    var databaseValue: DatabaseValue {
        switch self {
        case let .text(text): text.databaseValue
        case let .number(number): number.databaseValue
        case let .integer(number): number.databaseValue
        }
    }
}

extension PageCursor {
    var idValue: DatabaseValue {
        if let uuid = UUID(uuidString: id) { return uuid.databaseValue }
        if let number = Int64(id) { return number.databaseValue }
        return id.databaseValue
    }
}
