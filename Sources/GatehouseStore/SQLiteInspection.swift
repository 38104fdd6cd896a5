import Foundation
import GRDBSQLite


/// Reads, read-only and through the C API, which migrations an SQLite file has applied, to tell
/// a Gatehouse directory from someone else's database before anything is written to it.
enum SQLiteInspection {
    static func migrations(at path: String) -> DatabaseLocation.Finding {
        var handle: OpaquePointer?
        defer { sqlite3_close_v2(handle) }
        // Without a -wal file everything is in the main file: read it as immutable, so that looking
        // creates no -wal and -shm beside someone else's database. With one, read it as SQLite does
        // (the WAL may hold the newest pages; its files exist already).
        let hasLog = FileManager.default.fileExists(atPath: path + "-wal")
        let name = hasLog ? path : "file:" + uriEscaped(path) + "?immutable=1"
        let flags = SQLITE_OPEN_READONLY | (hasLog ? 0 : SQLITE_OPEN_URI)
        guard sqlite3_open_v2(name, &handle, flags, nil) == SQLITE_OK, let handle else {
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

    /// A path as the path part of a `file:` URI.
    private static func uriEscaped(_ path: String) -> String {
        var result = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x20, 0x7F...:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            default: result.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return result
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
