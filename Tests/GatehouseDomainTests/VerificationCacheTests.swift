import Foundation
import GRDB
import Synchronization
import Testing
@testable import GatehouseDomain
@testable import GatehouseStore

/// Verification keeps recent records in memory, trusted only while the database's verification
/// epoch is unchanged. What a user would notice if that broke: a revoked token, or one whose
/// owner was disabled, still let in, above all when the change came from another process (the
/// CLI revoking while the API server runs).
@Suite("Verification cache: fast, and never stale")
struct VerificationCacheTests {
    /// A second store on the same file: another gatehouse process, with its own connections.
    func otherProcess(_ dir: TestDirectory) throws -> AccessService {
        AccessService(store: try SQLiteDirectoryStore(path: dir.databasePath), catalog: dir.catalog, clock: dir.clock)
    }

    func epoch(_ dir: TestDirectory) throws -> Int64 {
        try dir.store.pool.read { try Int64.fetchOne($0, sql: "SELECT value FROM verification_epoch") ?? -1 }
    }

    @Test func aVerifiedTokenIsServedFromTheCacheUntilSomethingItDependsOnChanges() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        #expect(try dir.service.verify(issued.secret).success != nil)
        #expect(dir.store.verificationReaders.cache.count == 1)
        #expect(try dir.service.verify(issued.secret).success != nil)
        #expect(dir.store.verificationReaders.cache.count == 1)
        // An unknown token is never kept (it would let anyone fill the memory).
        _ = try dir.service.verify(TokenSecret(presented: TokenFormat.generate(using: SystemRandomSource()).reveal()))
        #expect(dir.store.verificationReaders.cache.count == 1)
    }

    @Test func aRevocationFromAnotherProcessIsSeenByTheNextVerification() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        #expect(try dir.service.verify(issued.secret).success != nil)
        let cli = try otherProcess(dir)
        try cli.revokeToken(issued.token.id, reason: "leaked", by: try cli.resolveActor(login: "admin"))
        #expect(try dir.service.verify(issued.secret).failure == .revoked(at: dir.clock.now, reason: "leaked"))
    }

    /// While nothing is written anywhere, verifications do not even read the epoch: the WAL-index
    /// header is unchanged. The first write from another process sends them back to the epoch.
    @Test func withNothingWrittenTheEpochIsNotReadAndAnyCommitEndsThat() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        let readers = dir.store.verificationReaders
        _ = try dir.service.verify(issued.secret)  // a miss; it also stamps "last used" (a commit)
        _ = try dir.service.verify(issued.secret)  // the header changed: reads the epoch again
        let before = readers.epochReads.load(ordering: .relaxed)
        for _ in 0..<20 { #expect(try dir.service.verify(issued.secret).success != nil) }
        #expect(readers.epochReads.load(ordering: .relaxed) == before, "no commit, no epoch read")

        let cli = try otherProcess(dir)
        try cli.revokeToken(issued.token.id, reason: "leaked", by: try cli.resolveActor(login: "admin"))
        #expect(try dir.service.verify(issued.secret).failure == .revoked(at: dir.clock.now, reason: "leaked"))
        #expect(readers.epochReads.load(ordering: .relaxed) == before + 1)
    }

    /// The WAL index stays locked while verification watches it. Another process may rebuild
    /// (truncate and re-initialize) `-shm` only when it can take the index's "DMS" byte
    /// exclusively, which SQLite prevents by holding it shared in every process using the index.
    /// POSIX locks belong to the process, and closing *any* descriptor of the file drops them
    /// all: the watch once opened and closed `-shm` itself, which let the CLI rebuild the index
    /// under the server's mapping (SIGBUS under load). Asked from a real second process.
    @Test func anotherProcessCannotRebuildTheWALIndexWhileVerificationWatchesIt() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        #expect(try dir.service.verify(issued.secret).success != nil)
        // SQLite's unix VFS: 8 lock bytes from offset 120, then the DMS byte.
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", """
            import fcntl, os, sys
            fd = os.open(sys.argv[1], os.O_RDWR)
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
                print("taken")
            except OSError:
                print("held")
            """, dir.databasePath + "-shm"]
        let output = Pipe()
        probe.standardOutput = output
        try probe.run()
        probe.waitUntilExit()
        let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(answer.trimmingCharacters(in: .whitespacesAndNewlines) == "held")
        #expect(try dir.service.verify(issued.secret).success != nil)
    }

    @Test func disablingTheOwnerElsewhereTakesEffectAtOnce() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let issued = try dir.createToken("ci", by: try dir.actor("bob"))
        #expect(try dir.service.verify(issued.secret).success?.owner.loginName == "bob")
        let cli = try otherProcess(dir)
        _ = try cli.setStatus(.disabled, ofUser: bob.id, by: try cli.resolveActor(login: "admin"))
        #expect(try dir.service.verify(issued.secret).failure == .ownerDisabled(login: "bob"))
    }

    @Test func aNewMembershipWidensAGlobalTokenAtOnce() throws {
        let dir = try TestDirectory()
        try dir.setPolicy(.restrictGlobalTokens, enabled: false)
        let bob = try dir.addUser("bob", groups: [.contributors])
        let issued = try dir.createToken("everywhere", by: try dir.actor("bob"), target: .allAccessibleOrganizations)
        #expect(try dir.service.verify(issued.secret).success?.organizations.map(\.name) == ["Default"])
        let second = try dir.service.createOrganization(named: "Second", by: dir.admin)
        try dir.service.addUser(bob.id, toOrganization: second.id, by: dir.admin)
        #expect(Set(try #require(try dir.service.verify(issued.secret).success).organizations.map(\.name)) == ["Default", "Second"])
    }

    @Test func regeneratingReplacesTheCachedSecret() throws {
        let dir = try TestDirectory()
        let first = try dir.createToken("ci")
        #expect(try dir.service.verify(first.secret).success != nil)
        let second = try dir.service.regenerateToken(first.token.id, expectedVersion: first.token.version, by: dir.admin)
        #expect(try dir.service.verify(first.secret).failure == .replaced(at: dir.clock.now))
        #expect(try dir.service.verify(second.secret).success?.token.generation == 2)
    }

    @Test func stampingLastUsedKeepsTheCacheAndIsNotRepeated() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        let before = try epoch(dir)
        _ = try dir.service.verify(issued.secret)
        #expect(try epoch(dir) == before, "a last-used stamp changes no verification answer")
        #expect(dir.store.verificationReaders.cache.count == 1)
        // The cached record learned the stamp it caused, so ten more verifications write nothing.
        // (With a stale cached record, each would see "never used" and stamp the time again.)
        dir.clock.advance(by: 60)
        for _ in 0..<10 { _ = try dir.service.verify(issued.secret) }
        #expect(try dir.service.token(issued.token.id, by: dir.admin).lastUsedAt == TestDirectory.start)
    }

    /// Every token column but `last_used_at` raises the epoch: a column added later and
    /// forgotten in the trigger fails here.
    @Test func everyTokenColumnButLastUsedRaisesTheEpoch() throws {
        let dir = try TestDirectory()
        _ = try dir.createToken("ci")
        let columns = try dir.store.pool.read { try $0.columns(in: "token").map(\.name) }
        #expect(columns.contains("last_used_at") && columns.count > 10)
        for column in columns {
            let before = try epoch(dir)
            try dir.store.pool.write { try $0.execute(sql: "UPDATE token SET \(column) = \(column)") }
            #expect(try epoch(dir) == before + (column == "last_used_at" ? 0 : 1), "updating \(column)")
        }
    }

    @Test func usersMembershipsAndOrganizationsRaiseTheEpoch() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob")
        var last = try epoch(dir)
        func raised(_ change: () throws -> Void) throws -> Bool {
            try change()
            defer { last = (try? epoch(dir)) ?? last }
            return try epoch(dir) > last
        }
        #expect(try raised { _ = try dir.service.setStatus(.disabled, ofUser: bob.id, by: dir.admin) })
        let second = try dir.service.createOrganization(named: "Second", by: dir.admin)
        last = try epoch(dir)
        #expect(try raised { try dir.service.addUser(bob.id, toOrganization: second.id, by: dir.admin) })
        #expect(try raised { try dir.store.pool.write { try $0.execute(sql: "UPDATE organization SET name = 'Third' WHERE name = 'Second'") } })
        #expect(try raised { try dir.service.deleteUser(bob.id, by: dir.admin) })
    }

    /// In a large directory something relevant changes all the time (an account edited, a token
    /// revoked): only the records that change touches leave the cache.
    @Test func aChangeEvictsOnlyTheRecordsItTouches() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let carol = try dir.addUser("carol", groups: [.contributors])
        let bobs = try (0..<2).map { try dir.createToken("bob-\($0)", by: try dir.actor("bob")) }
        let carols = try (0..<3).map { try dir.createToken("carol-\($0)", by: try dir.actor("carol")) }
        let cache = dir.store.verificationReaders.cache
        for issued in bobs + carols { #expect(try dir.service.verify(issued.secret).success != nil) }
        #expect(cache.count == 5)

        // Another process disables bob: his two records go, carol's three stay.
        let cli = try otherProcess(dir)
        let admin = try cli.resolveActor(login: "admin")
        _ = try cli.setStatus(.disabled, ofUser: bob.id, by: admin)
        #expect(try dir.service.verify(carols[0].secret).success != nil)
        #expect(cache.count == 3, "only bob's records were evicted")
        #expect(try dir.service.verify(bobs[0].secret).failure == .ownerDisabled(login: "bob"))
        #expect(cache.count == 4, "bob's record is read again, with his new status")

        // One of carol's tokens revoked: that one goes, the other records stay.
        try cli.revokeToken(carols[1].token.id, reason: "rotated", by: admin)
        #expect(try dir.service.verify(carols[0].secret).success != nil)
        #expect(cache.count == 3)
        #expect(try dir.service.verify(carols[1].secret).failure?.code == "revoked")
        #expect(try dir.service.verify(carols[2].secret).success?.owner.id == carol.id)

        // An organization renamed concerns every record (they carry its name).
        try dir.store.pool.write { try $0.execute(sql: "UPDATE organization SET name = 'Renamed' WHERE name = 'Default'") }
        #expect(try dir.service.verify(carols[0].secret).success?.organizations.map(\.name) == ["Renamed"])
        #expect(cache.count == 1)
    }

    /// When the log cannot account for every raise (pruned, or raised by hand), nothing is trusted.
    @Test func anIncompleteChangeLogEmptiesTheCache() throws {
        let dir = try TestDirectory()
        let kept = try dir.createToken("kept")
        let other = try dir.createToken("other")
        _ = try dir.service.verify(kept.secret)
        _ = try dir.service.verify(other.secret)
        #expect(dir.store.verificationReaders.cache.count == 2)
        try dir.store.pool.write { db in
            try db.execute(sql: "UPDATE token SET display_name = 'renamed' WHERE display_name = 'other'")
            try db.execute(sql: "DELETE FROM verification_change")
        }
        #expect(try dir.service.verify(kept.secret).success != nil)
        #expect(dir.store.verificationReaders.cache.count == 1, "emptied, then refilled by this verification")
        #expect(try dir.service.verify(other.secret).success?.token.displayName == "renamed")
    }

    @Test func withTheCacheOffEveryVerificationReadsTheDatabase() throws {
        let dir = try TestDirectory()
        let store = try SQLiteDirectoryStore(path: dir.databasePath, verificationCacheCapacity: 0)
        let service = AccessService(store: store, catalog: dir.catalog, clock: dir.clock)
        let issued = try dir.createToken("ci")
        #expect(try service.verify(issued.secret).success != nil)
        #expect(store.verificationReaders.cache.count == 0)
        try dir.service.revokeToken(issued.token.id, by: dir.admin)
        #expect(try service.verify(issued.secret).failure != nil)
    }

    @Test func aFullCacheAgesOutWhatIsNotUsed() throws {
        let dir = try TestDirectory()
        let store = try SQLiteDirectoryStore(path: dir.databasePath, verificationCacheCapacity: 2)
        let service = AccessService(store: store, catalog: dir.catalog, clock: dir.clock)
        let tokens = try (0..<6).map { try dir.createToken("t\($0)") }
        for issued in tokens { #expect(try service.verify(issued.secret).success?.token.id == issued.token.id) }
        #expect(store.verificationReaders.cache.count <= 4, "two generations of two")
        for issued in tokens.reversed() { #expect(try service.verify(issued.secret).success?.token.id == issued.token.id) }
    }

    /// The cache's epoch rule on its own: a reader whose epoch is older than the cache's neither
    /// gets nor stores anything; a newer one empties it.
    @Test func olderEpochsAreAnsweredFromTheDatabaseAndNewerOnesEmptyTheCache() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        let record = try #require(try dir.store.verificationRecord(digest: TokenDigest(of: issued.secret)))
        let cache = VerificationCache(capacity: 10)
        let digest = TokenDigest(of: issued.secret)
        #expect(cache.record(for: digest, epoch: 5) == nil)
        cache.keep(record, for: digest, readUnder: 5)
        #expect(cache.record(for: digest, epoch: 5)?.token == record.token)
        #expect(cache.record(for: digest, epoch: 4) == nil, "a reader with an older snapshot")
        cache.keep(record, for: digest, readUnder: 4)
        #expect(cache.count == 1)
        #expect(cache.record(for: digest, epoch: 6) == nil)
        #expect(cache.count == 0)
        cache.keep(record, for: digest, readUnder: 5)
        #expect(cache.count == 0, "read under an epoch that has since moved on")
    }
}
