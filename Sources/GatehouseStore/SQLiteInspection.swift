import Foundation
import GRDBSQLite

/// Reads, read-only and through the C API, which migrations an SQLite file has applied, to tell
/// a Gatehouse directory from someone else's database before anything is written to it.
enum SQLiteInspection {
    static func migrations(at path: String) -> DatabaseLocation.Finding {
        var handle: OpaquePointer?
        defer { sqlite3_close_v2(handle) }
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let handle else {
            return .unreadable(handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open it")
        }
        sqlite3_busy_timeout(handle, 5_000)
        guard let tables = strings(handle, "SELECT name FROM sqlite_master WHERE type = 'table'") else {
            // The header said SQLite, but the schema cannot be read: damaged, or encrypted.
            return .notSQLite
        }
        guard tables.contains("grdb_migrations"), let applied = strings(handle, "SELECT identifier FROM grdb_migrations ORDER BY rowid"),
              applied.first == Schema.identifiers.first else {
            return .foreignSQLite
        }
        return .gatehouse(appliedMigrations: applied)
    }

    /// The first column of every row as text, or nil when the query fails.
    private static func strings(_ handle: OpaquePointer, _ sql: String) -> [String]? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return nil }
        defer { sqlite3_finalize(statement) }
        var values: [String] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: values.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
            case SQLITE_DONE: return values
            default: return nil
            }
        }
    }
}
