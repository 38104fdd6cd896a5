import Foundation
import GRDB
import GatehouseDomain

/// One filtered, sorted list as SQL pieces, fetched a page at a time by keyset:
/// `WHERE … AND (sort, id) > (?, ?) ORDER BY sort, id LIMIT n`, which costs the same at any depth.
struct KeysetQuery {
    typealias Arguments = [(any DatabaseValueConvertible)?]

    var from: String
    var conditions: [String] = []
    var arguments: Arguments = []
    /// The sort expression; must match an index to be fast.
    var sortExpression: String
    var idColumn: String
    var descending = false
    /// Another shape of a condition (by its index in `conditions`, same arguments) that counts
    /// faster than the one that pages fast: e.g. `IN (subquery)` builds the set once, which suits
    /// a count, while `EXISTS` probes only the rows a page reads.
    var countingShapes: [Int: String] = [:]
    /// Set by filters whose exact count means evaluating a condition on each candidate row, outside
    /// any index (a join, an expression, a text match): a list's counter then stops at its cap.
    var isCostlyToCount = false
    /// A row must also satisfy one of these. Counted as one OR; paged as a UNION of one ordered,
    /// limited walk per alternative, since SQLite sorts the whole OR (e.g. the audit events of an
    /// actor, who is either the actor or the impersonator: 166,000 events sorted for one page).
    var alternatives: [(condition: String, arguments: Arguments)] = []

    mutating func filter(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
        conditions.append(condition)
        arguments.append(contentsOf: values)
    }

    /// A condition that pages with `condition` and counts with `countingAs` (same arguments).
    mutating func filter(_ condition: String, countingAs: String, _ values: (any DatabaseValueConvertible)?...) {
        countingShapes[conditions.count] = countingAs
        conditions.append(condition)
        arguments.append(contentsOf: values)
    }

    /// Conditions that change no result, only where a page's walk starts (a bound SQLite cannot
    /// infer); left out of counts, whose plan they could only make worse.
    var walkBounds: [(condition: String, arguments: Arguments)] = []

    mutating func bound(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
        walkBounds.append((condition, values))
    }

    mutating func filterAny(_ alternatives: [(condition: String, arguments: Arguments)]) {
        self.alternatives = alternatives
    }

    private var countWhere: (String, Arguments) {
        var parts = conditions.enumerated().map { countingShapes[$0.offset] ?? $0.element }
        var arguments = self.arguments
        if !alternatives.isEmpty {
            parts.append(alternatives.map { "(\($0.condition))" }.joined(separator: " OR "))
            arguments += alternatives.flatMap(\.arguments)
        }
        return (parts.isEmpty ? "" : " WHERE " + parts.map { "(\($0))" }.joined(separator: " AND "), arguments)
    }

    func count(_ db: Database) throws -> Int {
        let (whereClause, arguments) = countWhere
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(from)\(whereClause)", arguments: StatementArguments(arguments)) ?? 0
    }

    /// Exact when that is cheap; else stops after `cap + 1` matching rows (`ListCount.counted`).
    func count(_ db: Database, cap: Int) throws -> ListCount {
        guard isCostlyToCount else { return .exact(try count(db)) }
        let (whereClause, arguments) = countWhere
        let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM \(from)\(whereClause) LIMIT \(max(0, cap) + 1))",
                                    arguments: StatementArguments(arguments)) ?? 0
        return .counted(rows, cap: max(0, cap))
    }

    /// `select` lists the columns to fetch; `cursorKey` reads the sort value of a fetched row.
    func page<Item>(
        _ db: Database, select: String, request: PageRequest,
        cursorKey: (Row) -> PageCursor.Key, decode: (Row) throws -> Item
    ) throws -> Page<Item> {
        var conditions = self.conditions + walkBounds.map(\.condition)
        var arguments = self.arguments + walkBounds.flatMap(\.arguments)
        let commonCount = (conditions: conditions.count, arguments: arguments.count)
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
        let limit = request.limit + 1
        func walk(_ conditions: [String]) -> String {
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.map { "(\($0))" }.joined(separator: " AND ")
            return "SELECT \(select), \(sortExpression) AS sort_key FROM \(from)\(whereClause) ORDER BY \(sortExpression) \(direction), \(idColumn) \(direction) LIMIT \(limit)"
        }
        let sql: String
        if alternatives.isEmpty {
            sql = walk(conditions)
        } else {
            // One walk per alternative, each in index order and limited, merged (UNION drops a row
            // both match): the page is the first `limit` rows of the merge.
            let common = Array(conditions.prefix(commonCount.conditions)), bound = Array(conditions.dropFirst(commonCount.conditions))
            let commonArguments = Array(arguments.prefix(commonCount.arguments)), boundArguments = Array(arguments.dropFirst(commonCount.arguments))
            sql = alternatives.map { "SELECT * FROM (\(walk(common + [$0.condition] + bound)))" }.joined(separator: " UNION ")
                + " ORDER BY sort_key \(direction), \(idColumn) \(direction) LIMIT \(limit)"
            arguments = alternatives.flatMap { commonArguments + $0.arguments + boundArguments }
        }
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
