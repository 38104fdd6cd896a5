import CLibpq
import Foundation
import GatehouseDomain

/// Verification records recently read, for a database that other hosts write too.
///
/// Kept current by PostgreSQL: every change a verification depends on notifies
/// `gatehouse_verification` at commit (`pg-v2-verification-changes`), and a listener thread evicts
/// the records it names. The same thread hears `gatehouse_directory` (`pg-v3-directory-changes`:
/// groups, permissions, policies, …) and passes both on to the change feed's subscribers (with
/// `.unknown` once on reconnecting). The safety net, once a second: the change log's newest id; if
/// it moved while no notification came, notifications were lost and the cache is emptied. While the
/// listening connection is down nothing is cached (every verification reads the database), and
/// on reconnecting the cache starts empty. A change made through this process empties the cache
/// at its commit, so this process never serves an answer older than its own last write.
final class PostgresVerificationCache: @unchecked Sendable {
    private let lock = NSLock()
    private var recent: [TokenDigest: VerificationRecord] = [:]
    private var older: [TokenDigest: VerificationRecord] = [:]
    /// Raised by every eviction: a record read before one is not kept.
    private var generation: UInt64 = 0
    private var listening = false
    private var stopped = false
    private var subscribers: [UUID: @Sendable (DirectoryChange) -> Void] = [:]
    let capacity: Int
    private let pool: PGPool
    /// How long the listener waits for a notification before the safety-net check.
    static let safetyNetInterval: Int32 = 1_000

    init(pool: PGPool, capacity: Int) {
        self.pool = pool
        self.capacity = capacity
        let thread = Thread { [weak self] in self?.listen() }
        thread.name = "gatehouse-pg-listener"
        thread.start()
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    /// Whether the listener is connected and listening (tests wait for it).
    var isListening: Bool { lock.withLock { listening } }

    func cachedRecord(digest: TokenDigest) -> VerificationRecord? {
        lock.withLock { listening ? lookup(digest) : nil }
    }

    func record(digest: TokenDigest, read: () throws -> VerificationRecord?) throws -> VerificationRecord? {
        let (hit, seen, live): (VerificationRecord?, UInt64, Bool) = lock.withLock { (listening ? lookup(digest) : nil, generation, listening) }
        if let hit { return hit }
        let record = try read()
        if let record, live {
            lock.withLock {
                guard generation == seen, listening else { return }
                if recent.count >= capacity {
                    older = recent
                    recent = [:]
                }
                recent[digest] = record
            }
        }
        return record
    }

    /// Called with the lock held.
    private func lookup(_ digest: TokenDigest) -> VerificationRecord? {
        if let record = recent[digest] { return record }
        guard let record = older.removeValue(forKey: digest) else { return nil }
        recent[digest] = record
        return record
    }

    func evictAll() {
        lock.withLock {
            generation &+= 1
            recent.removeAll()
            older.removeAll()
        }
    }

    /// Evicts the records of these tokens or accounts (ids from a notification's payload, or
    /// from a write of this process at its commit).
    func evict(_ ids: Set<UUID>) {
        lock.withLock {
            generation &+= 1
            let untouched = { (entry: (key: TokenDigest, value: VerificationRecord)) in
                !ids.contains(entry.value.token.id.uuid) && !ids.contains(entry.value.token.ownerID.uuid)
            }
            recent = recent.filter(untouched)
            older = older.filter(untouched)
        }
    }

    /// A committed "last used" stamp made here: the cached record carries it.
    func noteUse(of token: TokenID, at date: Date) {
        lock.withLock {
            for (digest, record) in recent where record.token.id == token {
                var updated = record.token
                updated.lastUsedAt = max(updated.lastUsedAt ?? date, date)
                recent[digest] = VerificationRecord(token: updated, owner: record.owner, organizations: record.organizations)
            }
        }
    }

    // MARK: Change feed

    func subscribe(_ handler: @escaping @Sendable (DirectoryChange) -> Void) -> UUID {
        let id = UUID()
        lock.withLock { subscribers[id] = handler }
        return id
    }

    func unsubscribe(_ id: UUID) {
        lock.withLock { _ = subscribers.removeValue(forKey: id) }
    }

    private func publish(_ change: DirectoryChange) {
        let handlers = lock.withLock { Array(subscribers.values) }
        for handler in handlers { handler(change) }
    }

    // MARK: Listener

    private func listen() {
        var lastChange: Int64 = -1
        var missedChanges = false
        while !lock.withLock({ stopped }) {
            do {
                let connection = try pool.connect()
                try connection.execute(PostgresChangeNotification.listen)
                lastChange = try Self.newestChange(connection)
                evictAll()
                lock.withLock { listening = true }
                // Back after a drop: what changed meanwhile was not heard. Said once, on reconnecting,
                // not on every failed attempt (a console would reload against a database still away).
                if missedChanges { publish(.unknown) }
                missedChanges = false
                var notified = false
                var lastPrune = ContinuousClock.now
                while !lock.withLock({ stopped }) {
                    if ContinuousClock.now - lastPrune >= Self.pruneInterval {
                        try Self.pruneChangeLog(connection)
                        lastPrune = ContinuousClock.now
                    }
                    var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&descriptor, 1, Self.safetyNetInterval)
                    if ready > 0 {
                        for notification in try connection.notifications() {
                            let change = PostgresChangeNotification.change(notification.payload)
                            switch PostgresChangeNotification.eviction(channel: notification.channel, change) {
                            case let .records(of: id)?: evict([id])
                            case .everything?: evictAll()
                            case nil: break  // the directory channel: nothing a verification reads
                            }
                            if notification.channel == PostgresChangeNotification.verificationChannel { notified = true }
                            publish(change)
                        }
                        guard connection.isHealthy else { break }
                    } else if ready == 0 {
                        // The safety net: a change logged with no notification seen since the last check.
                        let newest = try Self.newestChange(connection)
                        if newest != lastChange && !notified {
                            evictAll()
                            publish(.unknown)
                        }
                        lastChange = newest
                        notified = false
                    } else if errno != EINTR {
                        break
                    }
                }
            } catch {
                // Fall through: not listening; retry below.
            }
            lock.withLock { listening = false }
            evictAll()
            missedChanges = true
            usleep(200_000)
        }
    }

    /// How often a host trims the change log, and how much it keeps: the log only answers "has
    /// anything changed since the last check" (its newest id), so an hour is ample, and the newest
    /// row always stays (an empty log would read as a change).
    static let pruneInterval: Duration = .seconds(60)

    static func pruneChangeLog(_ connection: PGConnection) throws {
        try connection.execute("""
            DELETE FROM verification_change
            WHERE changed_at < clock_timestamp() - interval '1 hour'
              AND id < (SELECT MAX(id) FROM verification_change)
            """)
    }

    private static func newestChange(_ connection: PGConnection) throws -> Int64 {
        Int64(try connection.query("SELECT COALESCE(MAX(id), 0) AS newest FROM verification_change").first?.text("newest") ?? "0") ?? 0
    }
}
