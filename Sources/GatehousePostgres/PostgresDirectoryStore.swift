import Foundation
import GatehouseDomain
import GatehouseStore

/// The shared store for several hosts: one PostgreSQL 15 database, reached through libpq behind
/// the same synchronous protocol as SQLite (the façade, CLI and store are synchronous; `serve`
/// calls the store on its thread pool, never on the event loop).
///
/// Every write body runs SERIALIZABLE and is run again on a serialization failure or deadlock
/// (at most `StoreErrors.maximumAttempts` times, with a short random pause), so the rules the
/// façade checks by reading hold with writers on many hosts. Reads run REPEATABLE READ, READ
/// ONLY: one snapshot, never a serialization failure.
public final class PostgresDirectoryStore: DirectoryStore, DirectoryChangeFeed {
    public let location: PostgresLocation
    let pool: PGPool
    /// Verification's cache, kept current by LISTEN/NOTIFY (nil when turned off).
    let verification: PostgresVerificationCache?
    /// The database reads of verification: concurrent callers' digests joined into one query.
    let verificationReads: VerificationBatcher<TokenDigest, VerificationRecord>

    /// Connects, then creates or upgrades the schema under an advisory lock (two hosts starting at
    /// once migrate once). `migrate: false` only checks that the schema is this build's
    /// (`gatehouse db status`). A database whose schema is newer than this build is refused.
    ///
    /// `verificationQueriesInFlight`: how many batched verification queries may run at once (each
    /// carries every digest asked for while the previous ones ran).
    public init(url: String, poolSize: Int = 8, migrate: Bool = true, verificationCacheCapacity: Int = 16_384,
                verificationQueriesInFlight: Int = 2) throws(GatehouseError) {
        if let problem = PostgresLocation.syntaxProblem(url) {
            throw .invalidInput(field: "--db", problem: "not a PostgreSQL URL libpq accepts (\(problem)); write postgresql://user@host:port/database")
        }
        location = PostgresLocation(url)
        pool = PGPool(location: location, maximum: poolSize)
        verificationReads = VerificationBatcher(maximumBatch: 256, maximumInFlight: min(verificationQueriesInFlight, poolSize)) { [pool, location] digests in
            try Self.readVerificationRecords(digests: digests, pool: pool, location: location)
        }
        let connection = try pool.connect()
        if migrate { try Self.migrate(connection, location: location) }
        verification = verificationCacheCapacity > 0 ? PostgresVerificationCache(pool: pool, capacity: verificationCacheCapacity) : nil
    }

    deinit { verification?.stop() }

    // MARK: Transactions

    public func read<T>(_ body: (any DirectoryReader) throws -> T) throws -> T {
        try run(attempts: 1, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    public func write<T>(_ body: (any DirectoryWriter) throws -> T) throws -> T {
        try run(attempts: StoreErrors.maximumAttempts, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", body)
    }

    /// Changes to what verification depends on, from any host: the id of a token or an account,
    /// or `.unknown` (reload everything). Called on the listener's thread; returns a handle for
    /// `unsubscribe`. Nothing is reported while the store has no verification cache.
    public func subscribe(_ handler: @escaping @Sendable (DirectoryChange) -> Void) -> UUID? {
        verification?.subscribe(handler)
    }

    public func unsubscribe(_ id: UUID) { verification?.unsubscribe(id) }

    /// True once the verification cache listens for other hosts' changes (for tests).
    public var isListeningForChanges: Bool { verification?.isListening ?? false }

    private func run<T>(attempts: Int, begin: String, _ body: (PostgresTransaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try pool.withConnection { connection in
                    connection.resetTransactionState()
                    try connection.execute(begin)
                    do {
                        let log = WriteLog()
                        let result = try body(PostgresTransaction(connection, log: log))
                        try connection.execute("COMMIT")
                        if !log.touched.isEmpty { verification?.evict(log.touched) }
                        for use in log.uses { verification?.noteUse(of: use.token, at: use.date) }
                        return result
                    } catch {
                        if connection.isHealthy { try? connection.execute("ROLLBACK") }
                        // The first failure inside the transaction says why; later ones only "aborted".
                        if let first = connection.firstError, first.isRetryable || first.meansUnavailable { throw first }
                        throw error
                    }
                }
            } catch let error as PGError where error.isRetryable && attempt < attempts {
                // Another writer's transaction touched what this one read: run it again, as if alone.
                usleep(UInt32.random(in: 1_000...(4_000 * UInt32(min(attempt, 8)))))
                continue
            } catch let error as PGError {
                throw contractError(error, attempts: attempt)
            }
        }
    }

    func contractError(_ error: PGError, attempts: Int) -> any Error {
        Self.contractError(error, attempts: attempts, pool: pool, location: location)
    }

    static func contractError(_ error: PGError, attempts: Int, pool: PGPool, location: PostgresLocation) -> any Error {
        if error.isRetryable { return GatehouseError.busy(attempts: attempts) }
        if error.meansUnavailable {
            pool.discardIdle()
            return GatehouseError.unavailable(host: location.display, detail: error.message)
        }
        if error.isUniqueViolation {
            return StoreErrors.duplicate(rule: uniqueRule(error))
        }
        return GatehouseError.storage("PostgreSQL: \(error.description)")
    }

    /// The violated rule as "table.column" (the names `StoreErrors` knows), from the index name.
    static func uniqueRule(_ error: PGError) -> String {
        switch error.constraint ?? "" {
        case "organization_name": "organization.name"
        case "users_login_name": "user.login_name"
        case "security_group_name": "security_group.name"
        case "token_digest_key": "token.digest"
        case "token_pkey": "token.id"
        case "ssh_key_fingerprint_key": "ssh_key.fingerprint"
        case "group_member_user", "group_member_group": "group_member.group_id"
        case let other: "\(error.table ?? other)."
        }
    }

    // MARK: Verification

    public func verificationRecord(digest: TokenDigest) throws -> VerificationRecord? {
        guard let verification else { return try verificationReads.load(digest) }
        return try verification.record(digest: digest) { try verificationReads.load(digest) }
    }

    public func verificationRecords(digests: [TokenDigest]) throws -> [TokenDigest: VerificationRecord] {
        guard let verification else { return try verificationReads.load(digests) }
        return try verification.records(digests: digests) { try verificationReads.load($0) }
    }

    public func cachedVerificationRecord(digest: TokenDigest) -> VerificationRecord? {
        verification?.cachedRecord(digest: digest)
    }

    /// Uncached verification lookups so far: (queries sent, digests they carried).
    public var verificationQueryStatistics: (queries: Int, digests: Int) {
        let statistics = verificationReads.statistics
        return (statistics.queries, statistics.keys)
    }

    /// The tokens, their owners and the owners' organizations: one statement (its own snapshot,
    /// as `VerificationRecord` allows), without BEGIN and COMMIT round trips.
    static func readVerificationRecords(digests: [TokenDigest], pool: PGPool, location: PostgresLocation) throws -> [TokenDigest: VerificationRecord] {
        do {
            return try pool.withConnection { connection in
                connection.resetTransactionState()
                return try PostgresTransaction(connection).verificationRecords(digests: digests)
            }
        } catch let error as PGError {
            throw contractError(error, attempts: 1, pool: pool, location: location)
        }
    }

    // MARK: Schema

    static func migrate(_ connection: PGConnection, location: PostgresLocation) throws(GatehouseError) {
        do {
            try connection.query("SELECT pg_advisory_lock(?)", [.integer(PostgresSchema.migrationLock)])
            defer { _ = try? connection.query("SELECT pg_advisory_unlock(?)", [.integer(PostgresSchema.migrationLock)]) }
            try connection.execute(PostgresSchema.bookkeeping)
            let applied = try appliedMigrations(connection)
            try refuseNewer(applied, location: location)
            for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
                try connection.execute("BEGIN")
                do {
                    try connection.execute(migration.sql)
                    try connection.query("INSERT INTO gatehouse_migration (identifier) VALUES (?)", [.text(migration.identifier)])
                    try connection.execute("COMMIT")
                } catch {
                    try? connection.execute("ROLLBACK")
                    throw error
                }
            }
        } catch let error as PGError {
            if error.meansUnavailable { throw .unavailable(host: location.display, detail: error.message) }
            throw .storage("cannot prepare the PostgreSQL database \(location.display) (\(error.description))")
        } catch let error as GatehouseError {
            throw error
        } catch {
            throw .storage(String(describing: error))
        }
    }

    static func appliedMigrations(_ connection: PGConnection) throws(PGError) -> [String] {
        let exists = try connection.query("SELECT to_regclass('gatehouse_migration') IS NOT NULL AS present")
        guard exists.first?.text("present") == "t" else { return [] }
        return try connection.query("SELECT identifier FROM gatehouse_migration ORDER BY applied_at, identifier").rows.compactMap { $0.text("identifier") }
    }

    static func refuseNewer(_ applied: [String], location: PostgresLocation) throws(GatehouseError) {
        let unknown = applied.filter { !PostgresSchema.identifiers.contains($0) }
        guard unknown.isEmpty else {
            throw .storage("\(location.display) was written by a newer version of Gatehouse (schema \(unknown.joined(separator: ", ")); this version knows up to \(PostgresSchema.identifiers.last ?? "none")); upgrade gatehouse to open it. It was left untouched")
        }
    }

    /// The migrations applied, oldest first, and those this build would apply.
    public func migrationStatus() throws(GatehouseError) -> (applied: [String], pending: [String]) {
        let connection = try pool.connect()
        do {
            let applied = try Self.appliedMigrations(connection)
            return (applied, PostgresSchema.identifiers.filter { !applied.contains($0) })
        } catch {
            throw .unavailable(host: location.display, detail: error.message)
        }
    }

    /// Applies what is pending (what opening does); returns the identifiers applied now.
    public func migrateNow() throws(GatehouseError) -> [String] {
        let before = try migrationStatus().applied
        try Self.migrate(try pool.connect(), location: location)
        return try migrationStatus().applied.filter { !before.contains($0) }
    }

    /// Runs raw statements on one connection (tests and `db copy`); not part of the store protocol.
    func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try pool.withConnection(body)
    }
}
