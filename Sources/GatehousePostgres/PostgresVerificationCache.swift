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
    /// The cached digests (both generations) of each token id and each owner id, so an eviction
    /// touches only the records it names: O(records evicted), not O(cache) per notification.
    private var holders: [UUID: [TokenDigest]] = [:]
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
        try records(digests: [digest]) { _ in try read().map { [digest: $0] } ?? [:] }[digest]
    }

    /// The cached records of `digests`, and the others read by `read` in one go (kept unless an
    /// eviction happened since before the read began, or the listener is down).
    func records(digests: [TokenDigest], read: ([TokenDigest]) throws -> [TokenDigest: VerificationRecord]) throws -> [TokenDigest: VerificationRecord] {
        var found: [TokenDigest: VerificationRecord] = [:]
        var missing: [TokenDigest] = []
        let (seen, live): (UInt64, Bool) = lock.withLock {
            for digest in digests {
                if listening, let hit = lookup(digest) { found[digest] = hit } else { missing.append(digest) }
            }
            return (generation, listening)
        }
        guard !missing.isEmpty else { return found }
        let read = try read(missing)
        if live && !read.isEmpty {
            lock.withLock {
                guard generation == seen, listening else { return }
                for (digest, record) in read { insert(record, for: digest) }
            }
        }
        found.merge(read) { _, new in new }
        return found
    }

    /// Called with the lock held.
    private func lookup(_ digest: TokenDigest) -> VerificationRecord? {
        if let record = recent[digest] { return record }
        guard let record = older[digest] else { return nil }
        insert(record, for: digest)
        return record
    }

    /// Called with the lock held. A digest is in one generation at most: a full `recent` becomes
    /// `older`, and the records of the `older` it replaces leave the index.
    private func insert(_ record: VerificationRecord, for digest: TokenDigest) {
        guard capacity > 0 else { return }
        if let previous = older.removeValue(forKey: digest) ?? recent.removeValue(forKey: digest) { unindex(digest, previous) }
        if recent.count >= capacity {
            for (dropped, droppedRecord) in older { unindex(dropped, droppedRecord) }
            older = recent
            recent = Dictionary(minimumCapacity: capacity)
        }
        recent[digest] = record
        holders[record.token.id.uuid, default: []].append(digest)
        holders[record.token.ownerID.uuid, default: []].append(digest)
    }

    /// Called with the lock held.
    private func unindex(_ digest: TokenDigest, _ record: VerificationRecord) {
        for id in [record.token.id.uuid, record.token.ownerID.uuid] {
            guard var digests = holders[id] else { continue }
            digests.removeAll { $0 == digest }
            holders[id] = digests.isEmpty ? nil : digests
        }
    }

    /// Records cached now (tests).
    var count: Int { lock.withLock { recent.count + older.count } }

    func evictAll() {
        lock.withLock {
            generation &+= 1
            recent.removeAll()
            older.removeAll()
            holders.removeAll()
        }
    }

    /// Evicts the records of these tokens or accounts (ids from a notification's payload, or
    /// from a write of this process at its commit).
    func evict(_ ids: Set<UUID>) {
        lock.withLock {
            generation &+= 1
            for id in ids {
                for digest in holders[id] ?? [] {
                    if let record = recent.removeValue(forKey: digest) ?? older.removeValue(forKey: digest) { unindex(digest, record) }
                }
                holders[id] = nil
            }
        }
    }

    /// A committed "last used" stamp made here: the cached record carries it.
    func noteUse(of token: TokenID, at date: Date) {
        lock.withLock {
            for digest in holders[token.uuid] ?? [] {
                if let record = recent[digest] {
                    recent[digest] = record.used(at: date)
                } else if let record = older[digest] {
                    older[digest] = record.used(at: date)
                }
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
                        // Every notification read at once is evicted under one lock, then published.
                        var evicted = Set<UUID>()
                        var evictEverything = false
                        var changes: [DirectoryChange] = []
                        for notification in try connection.notifications() {
                            let change = PostgresChangeNotification.change(notification.payload)
                            switch PostgresChangeNotification.eviction(channel: notification.channel, change) {
                            case let .records(of: id)?: evicted.insert(id)
                            case .everything?: evictEverything = true
                            case nil: break  // the directory channel: nothing a verification reads
                            }
                            if notification.channel == PostgresChangeNotification.verificationChannel { notified = true }
                            changes.append(change)
                        }
                        if evictEverything { evictAll() } else if !evicted.isEmpty { evict(evicted) }
                        for change in changes { publish(change) }
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

extension VerificationRecord {
    fileprivate func used(at date: Date) -> VerificationRecord {
        var token = token
        token.lastUsedAt = max(token.lastUsedAt ?? date, date)
        return VerificationRecord(token: token, owner: owner, organizations: organizations)
    }
}
