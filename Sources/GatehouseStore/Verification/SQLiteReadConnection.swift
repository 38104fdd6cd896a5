import Foundation
import GRDBSQLite
import GatehouseDomain

/// A read-only SQLite connection used straight through the C API, for the one query that runs
/// per API request. GRDB's pool adds a reader checkout and a dispatch-queue hop to every read
/// (about 20 µs); this connection is checked out by one thread at a time instead (see
/// `VerificationReaders`), so it is opened `NOMUTEX` and its statements are prepared once.
final class SQLiteReadConnection {
    private let handle: OpaquePointer

    init(path: String) throws(GatehouseError) {
        var handle: OpaquePointer?
        let status = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(handle)
            throw .storage("cannot open \(path) for verification (\(message))")
        }
        self.handle = handle
        // A writer (another gatehouse process) may hold the WAL briefly, as for the pool.
        sqlite3_busy_timeout(handle, 5_000)
    }

    deinit { sqlite3_close_v2(handle) }

    func prepare(_ sql: String) throws(GatehouseError) -> PreparedStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw .storage("cannot prepare a verification query (\(errorMessage))")
        }
        return PreparedStatement(statement, connection: self)
    }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// The main database file's full path, as SQLite names its `-wal` and `-shm` files after it.
    var mainFilePath: String? { sqlite3_db_filename(handle, "main").map { String(cString: $0) } }

    /// The first page of the WAL index as this connection's own VFS maps it (`xShmMap` region 0),
    /// or nil when the database is not in WAL mode or nothing is mapped yet (run a read first).
    /// It stays valid while this connection is open: SQLite holds the index's shared lock for it,
    /// so no other process may truncate or rebuild the file meanwhile.
    func walIndexFirstRegion() -> UnsafeRawPointer? {
        var filePointer: UnsafeMutableRawPointer?
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &filePointer) == SQLITE_OK,
              let file = filePointer?.assumingMemoryBound(to: sqlite3_file.self),
              let methods = file.pointee.pMethods, methods.pointee.iVersion >= 2,
              let map = methods.pointee.xShmMap else { return nil }
        var region: UnsafeMutableRawPointer?
        // 32 KiB is the only region size SQLite uses; bExtend 0 maps only what exists.
        guard map(file, 0, 32_768, 0, &region) == SQLITE_OK, let region else { return nil }
        return UnsafeRawPointer(region)
    }

    /// One prepared statement; `rows` binds, steps and always resets, so no read transaction
    /// outlives a call (a lingering one would keep the WAL from being checkpointed).
    final class PreparedStatement {
        private let statement: OpaquePointer
        private unowned let connection: SQLiteReadConnection

        fileprivate init(_ statement: OpaquePointer, connection: SQLiteReadConnection) {
            self.statement = statement
            self.connection = connection
        }

        deinit { sqlite3_finalize(statement) }

        /// Runs the statement with `blob` bound to its first parameter (if any) and calls `row`
        /// for each result row.
        func rows(binding blob: [UInt8]? = nil, _ row: (Columns) throws -> Void) throws {
            try run(row) {
                guard let blob else { return SQLITE_OK }
                return blob.withUnsafeBytes { sqlite3_bind_blob(statement, 1, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
            }
        }

        /// Runs the statement with `integers` bound to its parameters, in order.
        func rows(binding integers: [Int64], _ row: (Columns) throws -> Void) throws {
            try run(row) {
                for (index, value) in integers.enumerated() {
                    let status = sqlite3_bind_int64(statement, Int32(index + 1), value)
                    guard status == SQLITE_OK else { return status }
                }
                return SQLITE_OK
            }
        }

        private func run(_ row: (Columns) throws -> Void, binding bind: () -> Int32) throws {
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            guard bind() == SQLITE_OK else { throw GatehouseError.storage("verification query: \(connection.errorMessage)") }
            while true {
                switch sqlite3_step(statement) {
                case SQLITE_ROW: try row(Columns(statement: statement))
                case SQLITE_DONE: return
                default: throw GatehouseError.storage("verification query: \(connection.errorMessage)")
                }
            }
        }
    }

    /// The current row, read by column position. Valid only inside the `rows` callback.
    struct Columns {
        fileprivate let statement: OpaquePointer

        func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }
        func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }
        func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(statement, index)) }
        func bool(_ index: Int32) -> Bool { sqlite3_column_int64(statement, index) != 0 }
        func double(_ index: Int32) -> Double { sqlite3_column_double(statement, index) }
        func date(_ index: Int32) -> Date { Date(timeIntervalSince1970: double(index)) }
        func optionalDate(_ index: Int32) -> Date? { isNull(index) ? nil : date(index) }

        func text(_ index: Int32) -> String {
            guard let bytes = sqlite3_column_text(statement, index) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, index))), as: UTF8.self)
        }

        func optionalText(_ index: Int32) -> String? { isNull(index) ? nil : text(index) }

        /// Ids are stored as 16-byte UUID blobs (GRDB's encoding).
        func uuid(_ index: Int32) -> UUID? {
            guard sqlite3_column_bytes(statement, index) == 16, let bytes = sqlite3_column_blob(statement, index) else { return nil }
            return UUID(uuid: bytes.loadUnaligned(as: uuid_t.self))
        }

        func id<Entity>(_ index: Int32, column: String) throws -> Identifier<Entity> {
            guard let uuid = uuid(index) else { throw StoreDecodingError(column: column) }
            return Identifier(uuid)
        }

        func enumeration<E: RawRepresentable>(_ index: Int32, column: String) throws -> E where E.RawValue == String {
            guard let value = E(rawValue: text(index)) else { throw StoreDecodingError(column: column) }
            return value
        }
    }
}

/// SQLite's "let SQLite copy the bytes" destructor, which the C macro spells as a cast Swift cannot import.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
