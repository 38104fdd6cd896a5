import Foundation
import GRDB
import GatehouseDomain

/// A whole SQLite directory read table by table, row by row, in neutral values: what
/// `gatehouse db copy` moves to another backend. Read in one snapshot; nothing is changed.
public enum SQLiteExport {
    /// A stored value as SQLite holds it.
    public enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])
    }

    /// The directory's tables in an order that satisfies their references, with the name each has
    /// in the other backends (SQLite's `user` is `users` in PostgreSQL, where `user` is reserved).
    public static let tables: [(sqlite: String, target: String)] = [
        ("directory_setting", "directory_setting"), ("organization", "organization"), ("user", "users"),
        ("organization_member", "organization_member"), ("security_group", "security_group"), ("group_member", "group_member"),
        ("group_permission", "group_permission"), ("token", "token"), ("retired_secret", "retired_secret"), ("ssh_key", "ssh_key"),
        ("organization_policy", "organization_policy"), ("policy_exemption", "policy_exemption"), ("audit_event", "audit_event"),
        ("audit_event_organization", "audit_event_organization"),
    ]

    /// Settings that describe the SQLite file itself, not the directory (planner statistics).
    public static let fileOnlySettings: Set<String> = ["analyzed-token-rows"]

    /// Reads every table of the directory at `path` (which must exist) in one snapshot: `table`
    /// is called per table with its columns, then `rows` with batches of at most `batch` rows, in
    /// rowid order (audit events in id order, so the log keeps its order).
    public static func read(
        path: String, batch: Int = 5_000,
        table: (_ name: String, _ columns: [String]) throws -> Void,
        rows: (_ name: String, _ rows: [[Value]]) throws -> Void
    ) throws {
        let store = try SQLiteDirectoryStore(path: path, opening: .existing, verificationCacheCapacity: 0)
        try store.pool.read { db in
            for (name, _) in tables {
                let columns = try db.columns(in: name).map(\.name)
                try table(name, columns)
                let hasRowID = !(try Bool.fetchOne(db, sql: "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?", arguments: [name]) ?? false)
                let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM \"\(name)\"" + (hasRowID ? " ORDER BY rowid" : ""))
                var pending: [[Value]] = []
                while let row = try cursor.next() {
                    pending.append((0..<columns.count).map { index in
                        switch (row[index] as DatabaseValue).storage {
                        case .null: .null
                        case let .int64(number): .integer(number)
                        case let .double(number): .real(number)
                        case let .string(text): .text(text)
                        case let .blob(data): .blob([UInt8](data))
                        }
                    })
                    if pending.count >= batch {
                        try rows(name, pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                if !pending.isEmpty { try rows(name, pending) }
            }
        }
    }

    /// Row counts per table (SQLite name).
    public static func counts(path: String) throws -> [String: Int] {
        let store = try SQLiteDirectoryStore(path: path, opening: .existing, verificationCacheCapacity: 0)
        return try store.pool.read { db in
            var counts: [String: Int] = [:]
            for (name, _) in tables { counts[name] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(name)\"") ?? 0 }
            counts["directory_setting"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM directory_setting WHERE key NOT IN ('analyzed-token-rows')") ?? 0
            return counts
        }
    }

    /// Up to `count` tokens, spread over the table: (id, digest), to check a copy by.
    public static func sampleDigests(path: String, count: Int) throws -> [(id: UUID, digest: [UInt8])] {
        let store = try SQLiteDirectoryStore(path: path, opening: .existing, verificationCacheCapacity: 0)
        return try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, digest FROM token ORDER BY random() LIMIT ?", arguments: [count]).compactMap { row in
                guard let id = UUID.fromDatabaseValue(row["id"]), let digest = Data.fromDatabaseValue(row["digest"]) else { return nil }
                return (id, [UInt8](digest))
            }
        }
    }
}
