import Foundation
import GRDB
import GRDBSQLite
import GatehouseDomain

/// The embedded default store: one SQLite file in WAL mode, foreign keys on, versioned migrations,
/// created 0600 in a 0700 folder. Readers never block the writer, so the console stays responsive
/// while a script writes.
public final class SQLiteDirectoryStore: DirectoryStore {
    public let path: String
    /// Internal so the bulk loader can write with its own statements and batches.
    let pool: DatabasePool
    /// Verification's own connections and cache (see `VerificationReaders`).
    let verificationReaders: VerificationReaders

    /// Records kept by the verification cache by default (per generation; see `VerificationCache`):
    /// about 1 KiB each, so at most ~32 MiB for a server verifying 32,000 distinct tokens.
    public static let defaultVerificationCacheCapacity = 16_384

    /// From how many matching tokens a text filter's page walks the list's sort index, testing each
    /// row, instead of gathering every match and sorting them (see `SQLiteTransaction.tokenSearchPlan`).
    let searchWalkThreshold: Int

    /// Measured at 1M tokens: gathering costs ~1 µs a match, walking ~1.5 µs a row read, and a walk
    /// reads about 38 × (rows / matches) rows; both are ~5–8 ms at ~5,000 matches.
    public static let defaultSearchWalkThreshold = 5_000

    /// Whether opening may create a new directory.
    public enum Opening: Sendable {
        /// Only an existing Gatehouse directory opens; nothing at the path, an empty file, a folder
        /// or another program's database is refused with the path, and nothing is created.
        case existing
        /// As `existing`, but nothing (or a 0-byte file) at the path becomes a new, empty directory
        /// (folders 0700, file 0600). Never adopts a non-empty file that is not a Gatehouse directory.
        case createIfMissing
    }

    /// True when this open made a new directory (the caller bootstraps it).
    public let wasCreated: Bool

    /// Opens and migrates the Gatehouse directory at `path`; with `.createIfMissing` (the default,
    /// for tests and tools that make their own files) creates it if nothing is there.
    /// `verificationCacheCapacity` 0 turns the verification cache off (every verification then
    /// reads its record). `searchWalkThreshold` is for tests, which make both plans run on a small directory.
    public init(path: String, opening: Opening = .createIfMissing, verificationCacheCapacity: Int = defaultVerificationCacheCapacity,
                searchWalkThreshold: Int = defaultSearchWalkThreshold) throws(GatehouseError) {
        self.path = path
        self.searchWalkThreshold = max(1, searchWalkThreshold)
        let finding = DatabaseLocation.inspect(path)
        // Every migration this build knows is applied: nothing to migrate, so the migrator (a
        // barrier write and three reads) is skipped.
        var upToDate = false
        switch finding {
        case let .gatehouse(applied):
            // Refused before anything opens it for writing (which would switch its journal to WAL).
            try Self.refuseNewer(applied, at: path)
            wasCreated = false
            upToDate = applied == Schema.identifiers
        case .nothing, .emptyFile:
            guard opening == .createIfMissing else { throw .storage(DatabaseLocation.refusal(finding, at: path)) }
            wasCreated = true
        default:
            throw .storage(DatabaseLocation.refusal(finding, at: path))
        }
        verificationReaders = VerificationReaders(path: path, cacheCapacity: verificationCacheCapacity)
        if wasCreated { try DatabaseLocation.prepare(path: path) }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another gatehouse process may hold the write lock briefly (a cron job, a second admin).
        configuration.busyMode = .timeout(5)
        configuration.label = "gatehouse"
        configuration.prepareDatabase { db in
            // The last connection to close keeps the -wal file (checkpointed, so the main file
            // holds everything). Without it every start finds the file gone and GRDB writes a
            // transaction to recreate it, with two fsyncs, before the first read (~1.5 ms of CPU
            // and a disk flush on each console start and CLI call).
            var persist: Int32 = 1
            _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .storage("cannot open \(path) as a Gatehouse database (\(Self.describe(error)))")
        }
        if !upToDate { try migrate() }
        refreshPlannerStatistics()
    }

    /// Keeps SQLite's planner statistics in step with the data, so that, for example, tokens
    /// sorted by name walk the name index instead of sorting every active token (0.3 s at a
    /// million). Re-analyzed, on a 400-row sample per index (~75 ms at 1M tokens), when there are
    /// none yet or the token count has more than doubled or halved since the last analysis (the
    /// count then is kept in `directory_setting`, since a sampled analysis only estimates it).
    private func refreshPlannerStatistics() {
        try? pool.writeWithoutTransaction { db in
            let rows = try Int.fetchOne(db, sql: "SELECT IFNULL(MAX(rowid), 0) FROM token") ?? 0
            guard rows >= 1_000 else { return }
            let recorded = try String.fetchOne(db, sql: "SELECT value FROM directory_setting WHERE key = 'analyzed-token-rows'").flatMap { Int($0) } ?? 0
            guard recorded == 0 || rows > recorded * 2 || rows * 2 < recorded else { return }
            try db.execute(sql: "PRAGMA analysis_limit = 400; ANALYZE")
            try db.execute(sql: "INSERT INTO directory_setting (key, value) VALUES ('analyzed-token-rows', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           arguments: [String(rows)])
        }
    }

    private func migrate() throws(GatehouseError) {
        let migrator = Schema.migrator
        do {
            let applied = try pool.read { db in
                try db.tableExists("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") : []
            }
            try Self.refuseNewer(applied, at: path)
            try migrator.migrate(pool)
        } catch let error as GatehouseError {
            throw error
        } catch {
            throw .storage("cannot prepare \(path) (\(Self.describe(error))); is it a Gatehouse database?")
        }
    }

    /// A directory with a migration this build does not know was made by a newer Gatehouse.
    static func refuseNewer(_ applied: [String], at path: String) throws(GatehouseError) {
        let unknown = applied.filter { !Schema.identifiers.contains($0) }
        guard unknown.isEmpty else {
            throw .storage("\(path) was written by a newer version of Gatehouse (schema \(unknown.joined(separator: ", ")); this version knows up to \(Schema.identifiers.last ?? "none")); upgrade gatehouse to open it. It was left untouched")
        }
    }

    /// The migrations applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try Schema.migrator.appliedMigrations($0) }
    }

    public func read<T>(_ body: (any DirectoryReader) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(SQLiteTransaction(db, searchWalkThreshold: searchWalkThreshold)) }
        } catch let error as DatabaseError {
            throw Self.contractError(error)
        }
    }

    /// One writer at a time (SQLite's write lock), so a body runs alone by construction and is
    /// run once: nothing to retry. A lock held past the busy timeout is `busy`.
    public func write<T>(_ body: (any DirectoryWriter) throws -> T) throws -> T {
        let uses = RecordedUses()
        let result: T
        do {
            result = try pool.write { db in try body(SQLiteTransaction(db, recordingUsesIn: uses, searchWalkThreshold: searchWalkThreshold)) }
        } catch let error as DatabaseError {
            throw Self.contractError(error)
        }
        // Committed: cached verification records learn their new "last used" time.
        for use in uses.entries { verificationReaders.cache.noteUse(of: use.digest, at: use.date) }
        return result
    }

    /// SQLite's failures as the store contract types them; anything else stays as it was (the
    /// façade reports it as a storage failure).
    static func contractError(_ error: DatabaseError) -> any Error {
        switch error.resultCode {
        case .SQLITE_CONSTRAINT where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY:
            // "UNIQUE constraint failed: user.login_name" (or "t.a, t.b" for a composite rule).
            let rule = (error.message ?? "").components(separatedBy: ": ").last?.components(separatedBy: ",").first ?? ""
            return StoreErrors.duplicate(rule: rule.trimmingCharacters(in: .whitespaces))
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return GatehouseError.busy(attempts: 1)
        default:
            return error
        }
    }

    public func verificationRecord(digest: TokenDigest) throws -> VerificationRecord? {
        try verificationReaders.record(digest: digest)
    }

    public func cachedVerificationRecord(digest: TokenDigest) -> VerificationRecord? {
        verificationReaders.cachedRecord(digest: digest)
    }

    /// Whether a page of tokens filtered by this text walks the list's sort index (a broad match)
    /// rather than gathering and sorting the matches; for tests and the benchmark.
    public func walksSortIndex(for search: TextSearch) throws -> Bool {
        try pool.read { db in
            try SQLiteTransaction(db, searchWalkThreshold: searchWalkThreshold).tokenSearchPlan(search) == .walk
        }
    }

    /// Flushes the WAL into the main file; used before copying the database (the demo does).
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return String(describing: error)
    }
}
