import Foundation
import GatehouseDomain
import Synchronization

/// Verification's hot path: read-only connections of its own, one per concurrent caller, in
/// front of a `VerificationCache`. They are opened on first use, so a console, which never
/// verifies, never opens one.
final class VerificationReaders: Sendable {
    private let path: String
    private let idle = Mutex<[VerificationReader]>([])
    let cache: VerificationCache
    /// Idle connections kept for reuse; more callers than this at once open (and close) extras.
    private let maximumIdle = 8

    init(path: String, cacheCapacity: Int) {
        self.path = path
        self.cache = VerificationCache(capacity: cacheCapacity)
    }

    /// How many verifications read the epoch (the rest were answered with no SQLite call); for tests.
    let epochReads = Atomic<Int>(0)

    /// Opened on the first verification (and only with a cache to serve), then read without a lock.
    private let watchSlot = AtomicLazyReference<WatchSlot>()

    private final class WatchSlot: Sendable {
        let watch: WALIndexHeaderWatch?
        init(_ watch: WALIndexHeaderWatch?) { self.watch = watch }
    }

    private var headerWatch: WALIndexHeaderWatch? {
        guard cache.capacity > 0 else { return nil }
        if let slot = watchSlot.load() { return slot.watch }
        return watchSlot.storeIfNil(WatchSlot(WALIndexHeaderWatch(databasePath: path))).watch
    }

    /// The cached record for `digest` when nothing has committed since it was validated, found
    /// with no SQLite call, no lock on the file and no connection opened: memory reads only, so an
    /// event loop may call it. nil means "ask `record(digest:)`" (on a thread that may block).
    func cachedRecord(digest: TokenDigest) -> VerificationRecord? {
        guard cache.capacity > 0, let watch = watchSlot.load()?.watch, let header = watch.current() else { return nil }
        return cache.record(for: digest, unchangedSince: header)
    }

    func record(digest: TokenDigest) throws -> VerificationRecord? {
        // Nothing committed since the epoch was last read: no SQLite call at all.
        let watch = headerWatch
        if let header = watch?.current(), let cached = cache.record(for: digest, unchangedSince: header) { return cached }
        let reader = try idle.withLock { $0.popLast() } ?? VerificationReader(path: path)
        defer { idle.withLock { if $0.count < maximumIdle { $0.append(reader) } } }
        let header = watch?.current()  // before the epoch: the epoch's snapshot is no older
        let epoch = try reader.epoch()
        epochReads.add(1, ordering: .relaxed)
        let known = cache.epoch
        if epoch > known, known != VerificationCache.noEpoch {
            // Evict just what changed since (nil: the log cannot say, so everything goes).
            cache.advance(from: known, to: epoch, evicting: try reader.changes(after: known, through: epoch), header: header)
        }
        if let cached = cache.record(for: digest, epoch: epoch, header: header) { return cached }
        guard let record = try reader.record(digest: digest) else { return nil }
        cache.keep(record, for: digest, readUnder: epoch)
        return record
    }
}

/// One connection and its three statements. `@unchecked Sendable` because it moves between
/// threads through `VerificationReaders.idle`, but only one thread holds it at a time.
final class VerificationReader: @unchecked Sendable {
    private let connection: SQLiteReadConnection
    private let epochQuery: SQLiteReadConnection.PreparedStatement
    private let recordQuery: SQLiteReadConnection.PreparedStatement
    private let organizationsQuery: SQLiteReadConnection.PreparedStatement
    private let changesQuery: SQLiteReadConnection.PreparedStatement

    init(path: String) throws(GatehouseError) {
        connection = try SQLiteReadConnection(path: path)
        epochQuery = try connection.prepare("SELECT value FROM verification_epoch")
        recordQuery = try connection.prepare("""
            SELECT t.id, t.display_name, t.owner_id, t.created_by_id, t.target_organization_id, t.scopes, t.is_high_privilege,
                   t.valid_from, t.valid_to, t.created_at, t.last_used_at, t.revoked_at, t.revoked_reason, t.revoked_by_id,
                   t.handle, t.generation, t.version,
                   u.id, u.display_name, u.login_name, u.email, u.kind, u.identity_source, u.access_level, u.status,
                   u.created_at, u.version
            FROM token t LEFT JOIN user u ON u.id = t.owner_id
            WHERE t.digest = ?
            """)
        changesQuery = try connection.prepare("SELECT token_id, user_id FROM verification_change WHERE epoch > ? AND epoch <= ? ORDER BY epoch")
        organizationsQuery = try connection.prepare("""
            SELECT o.id, o.name, o.created_at FROM organization_member m JOIN organization o ON o.id = m.organization_id
            WHERE m.user_id = ?
            """)
    }

    /// The directory's verification epoch (see `VerificationCache`).
    func epoch() throws -> Int64 {
        var epoch: Int64?
        try epochQuery.rows { epoch = $0.int64(0) }
        guard let epoch else { throw GatehouseError.storage("the verification epoch is missing from the database") }
        return epoch
    }

    /// The changes logged for epochs `after` (exclusive) through `through`, or nil when the log
    /// does not hold all of them (pruned, or a raise without a logged change): then the caller
    /// must assume everything changed.
    func changes(after old: Int64, through new: Int64) throws -> [VerificationCache.Change]? {
        guard new - old <= VerificationCache.largestEviction else { return nil }
        var changes: [VerificationCache.Change] = []
        try changesQuery.rows(binding: [old, new]) { row in
            changes.append(VerificationCache.Change(tokenID: row.uuid(0).map(TokenID.init), userID: row.uuid(1).map(UserID.init)))
        }
        return changes.count == new - old ? changes : nil
    }

    /// The token with this digest, its owner and the owner's organizations, decoded by column
    /// position. The two statements are separate snapshots; see `VerificationRecord`.
    func record(digest: TokenDigest) throws -> VerificationRecord? {
        var found: (token: PersonalAccessToken, owner: User?)?
        try recordQuery.rows(binding: digest.bytes) { row in
            found = (try Self.token(row, digest: digest), try Self.owner(row))
        }
        guard let found else { return nil }
        var organizations: [Organization] = []
        if let owner = found.owner {
            try organizationsQuery.rows(binding: withUnsafeBytes(of: owner.id.uuid.uuid) { Array($0) }) { row in
                organizations.append(Organization(id: try row.id(0, column: "organization.id"), name: row.text(1), createdAt: row.date(2)))
            }
        }
        return VerificationRecord(token: found.token, owner: found.owner, organizations: organizations)
    }

    private static func token(_ row: SQLiteReadConnection.Columns, digest: TokenDigest) throws -> PersonalAccessToken {
        let revocation: Revocation? = row.isNull(11) ? nil : Revocation(
            at: row.date(11), reason: row.optionalText(12) ?? "", byUserID: try row.id(13, column: "token.revoked_by_id"))
        let target: TokenTarget = row.uuid(4).map { .organization(OrganizationID($0)) } ?? .allAccessibleOrganizations
        return PersonalAccessToken(
            id: try row.id(0, column: "token.id"), displayName: row.text(1), ownerID: try row.id(2, column: "token.owner_id"),
            createdByID: try row.id(3, column: "token.created_by_id"), target: target, scopes: ScopeSelection(storageText: row.text(5)),
            validFrom: row.date(7), validTo: row.date(8), createdAt: row.date(9), lastUsedAt: row.optionalDate(10),
            revocation: revocation, handle: row.text(14), digest: digest, generation: row.int(15),
            isHighPrivilege: row.bool(6), version: row.int(16))
    }

    private static func owner(_ row: SQLiteReadConnection.Columns) throws -> User? {
        guard let id = row.uuid(17) else { return nil }
        return User(
            id: UserID(id), displayName: row.text(18), loginName: row.text(19), email: row.text(20),
            kind: try row.enumeration(21, column: "user.kind"), identitySource: try row.enumeration(22, column: "user.identity_source"),
            accessLevel: try row.enumeration(23, column: "user.access_level"), status: try row.enumeration(24, column: "user.status"),
            createdAt: row.date(25), version: row.int(26))
    }
}
