import Foundation
import GatehouseDomain
import GatehouseStore

/// `gatehouse db copy`: a whole SQLite directory into an empty PostgreSQL one, in one
/// transaction (all or nothing), column for column: tokens keep their digests (every secret
/// still verifies), audit events keep their ids (the log keeps its order).
public enum PostgresCopy {
    public struct Report: Sendable {
        /// Rows per table (SQLite's names), equal on both sides.
        public let counts: [String: Int]
        /// Token digests checked on the target.
        public let digestsChecked: Int
        public let seconds: Double
    }

    public static func copy(fromSQLite path: String, to store: PostgresDirectoryStore, sample: Int = 200,
                            progress: (String) -> Void = { _ in }) throws(GatehouseError) -> Report {
        let started = Date()
        return try contractErrors(store) {
            try store.withConnection { connection in
                try connection.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
                do {
                    let report = try copy(path, connection, sample: sample, progress: progress, started: started)
                    try connection.execute("COMMIT")
                    // Rows loaded in bulk have no planner statistics (autovacuum gets to them later)
                    // and no visibility map, so the first pages would be planned blind and every
                    // index-only scan would read the heap: a 1M-token list page took 35 ms before this.
                    progress("Gathering planner statistics…")
                    try connection.execute("VACUUM (ANALYZE)")
                    return Report(counts: report.counts, digestsChecked: report.digestsChecked, seconds: Date().timeIntervalSince(started))
                } catch {
                    if connection.isHealthy { try? connection.execute("ROLLBACK") }
                    throw error
                }
            }
        }
    }

    /// Refuses a target that already holds a directory, before anything is generated or read
    /// (`dev seed` checks this first, instead of after minutes of work); `copy` checks again inside
    /// its transaction.
    public static func requireEmpty(_ store: PostgresDirectoryStore) throws(GatehouseError) {
        try contractErrors(store) { try store.withConnection { try requireEmpty($0) } }
    }

    private static func contractErrors<T>(_ store: PostgresDirectoryStore, _ body: () throws -> T) throws(GatehouseError) -> T {
        do {
            return try body()
        } catch let error as GatehouseError {
            throw error
        } catch let error as PGError {
            throw store.contractError(error, attempts: 1) as? GatehouseError ?? .storage(error.description)
        } catch {
            throw .storage(String(describing: error))
        }
    }

    private static func requireEmpty(_ connection: PGConnection) throws {
        // Refused unless empty: nothing is merged into an existing directory.
        let occupied = try connection.query("""
            SELECT (SELECT COUNT(*) FROM organization) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit_event) AS n
            """).first?.text("n") ?? "0"
        guard occupied == "0" else {
            throw GatehouseError.notAllowed("The target \(connection.location) already holds a directory (\(occupied) organizations, accounts and audit events); `db copy` only fills an empty one. Nothing was copied.")
        }
    }

    private static func copy(_ path: String, _ connection: PGConnection, sample: Int, progress: (String) -> Void, started: Date) throws -> Report {
        try requireEmpty(connection)
        // The copy is one transaction of inserts: the per-row change notifications are for edits
        // other hosts must see, not for a directory that did not exist before this commit.
        for trigger in [("token", "token_verification_changed"), ("users", "users_verification_changed"),
                        ("organization_member", "organization_member_verification_changed"), ("organization", "organization_verification_changed")] {
            try connection.execute("ALTER TABLE \(trigger.0) DISABLE TRIGGER \(trigger.1)")
        }
        let targetName = Dictionary(uniqueKeysWithValues: SQLiteExport.tables.map { ($0.sqlite, $0.target) })
        var columns: [String: [String]] = [:]
        var sqliteColumnsOf: [String: [String]] = [:]
        var types: [String: [String: String]] = [:]
        var copied: [String: Int] = [:]
        try SQLiteExport.read(path: path, table: { name, sqliteColumns in
            let target = targetName[name] ?? name
            var known: [String: String] = [:]
            for row in try connection.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", [.text(target)]).rows {
                if let column = row.text("column_name"), let type = row.text("data_type") { known[column] = type }
            }
            types[name] = known
            sqliteColumnsOf[name] = sqliteColumns
            // Columns both sides have (SQLite's search tables' rowids are not copied).
            columns[name] = sqliteColumns.filter { known[$0] != nil }
            copied[name] = 0
            progress("Copying \(name)…")
        }, rows: { name, rows in
            let target = targetName[name] ?? name
            guard let names = columns[name], let known = types[name] else { return }
            let sqliteColumns = sqliteColumnsOf[name] ?? []
            let indexes = names.map { column in sqliteColumns.firstIndex(of: column) ?? 0 }
            var values: [PGValue] = []
            var tuples: [String] = []
            for row in rows {
                if name == "directory_setting", case let .text(key) = row[0], SQLiteExport.fileOnlySettings.contains(key) { continue }
                tuples.append("(" + PostgresTransaction.placeholders(names.count) + ")")
                for (column, index) in zip(names, indexes) {
                    values.append(try convert(row[index], to: known[column] ?? "text", table: name, column: column))
                }
            }
            guard !tuples.isEmpty else { return }
            // At most 65,535 parameters a statement: batches of rows sized to fit.
            let perStatement = max(1, 60_000 / max(1, names.count))
            var start = 0
            while start < tuples.count {
                let end = min(tuples.count, start + perStatement)
                let overriding = target == "audit_event" ? " OVERRIDING SYSTEM VALUE" : ""
                try connection.query("INSERT INTO \(target) (\(names.joined(separator: ", ")))\(overriding) VALUES \(tuples[start..<end].joined(separator: ", "))",
                                     Array(values[(start * names.count)..<(end * names.count)]))
                start = end
            }
            copied[name, default: 0] += tuples.count
        })
        for trigger in [("token", "token_verification_changed"), ("users", "users_verification_changed"),
                        ("organization_member", "organization_member_verification_changed"), ("organization", "organization_verification_changed")] {
            try connection.execute("ALTER TABLE \(trigger.0) ENABLE TRIGGER \(trigger.1)")
        }
        try connection.execute("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), GREATEST((SELECT MAX(id) FROM audit_event), 1))")
        // Checks: the counts of both sides, then a sample of digests with their token ids.
        let expected = try SQLiteExport.counts(path: path)
        for (name, target) in SQLiteExport.tables {
            let stored = Int(try connection.query("SELECT COUNT(*) AS n FROM \(target)").first?.text("n") ?? "0") ?? 0
            guard stored == expected[name] ?? 0 else {
                throw GatehouseError.storage("the copy of \(name) holds \(stored) rows where the SQLite directory has \(expected[name] ?? 0); nothing was copied")
            }
        }
        let digests = try SQLiteExport.sampleDigests(path: path, count: sample)
        for (id, digest) in digests {
            let found = try connection.query("SELECT id FROM token WHERE digest = ?", [.bytes(digest)]).first?.text("id")
            guard found.flatMap(UUID.init(uuidString:)) == id else {
                throw GatehouseError.storage("token \(id.uuidString.lowercased()) did not keep its digest in the copy; nothing was copied")
            }
        }
        return Report(counts: expected, digestsChecked: digests.count, seconds: Date().timeIntervalSince(started))
    }

    /// A SQLite value as the PostgreSQL column's type wants it.
    static func convert(_ value: SQLiteExport.Value, to type: String, table: String, column: String) throws -> PGValue {
        switch (value, type) {
        case (.null, _): return .null
        case let (.blob(bytes), "uuid"):
            guard bytes.count == 16 else { throw GatehouseError.storage("\(table).\(column) holds \(bytes.count) bytes where an id (16) belongs") }
            return .uuid(UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                     bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])))
        case let (.text(text), "uuid"):
            guard let uuid = UUID(uuidString: text) else { throw GatehouseError.storage("\(table).\(column) holds text that is not an id") }
            return .uuid(uuid)
        case let (.blob(bytes), _): return .bytes(bytes)
        case let (.integer(number), "boolean"): return .bool(number != 0)
        case let (.integer(number), "double precision"): return .double(Double(number))
        case let (.integer(number), _): return .integer(number)
        case let (.real(number), "bigint"): return .integer(Int64(exactly: number) ?? 0)
        case let (.real(number), _): return .double(number)
        case let (.text(text), _): return .text(text)
        }
    }
}

