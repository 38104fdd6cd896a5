import Foundation
import Synchronization
import Testing
import GatehouseTestSupport
import GatehouseDomain
import GatehouseStore
@testable import GatehousePostgres

/// Uncached verification joins concurrent callers into one query (`VerificationBatcher`, and the
/// batched `verify(_:deferring:)`); the cache's eviction touches only what a change names.
@Suite("Verification batching")
struct VerificationBatchingTests {
    /// Runs `body(i)` on `count` real threads at once (blocking is the point) and waits for all.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                body(index)
                group.leave()
            }.start()
        }
        group.wait()
    }

    struct Boom: Error {}

    @Test("concurrent callers each get their own key's value, from fewer queries than callers")
    func ownValues() {
        let batcher = VerificationBatcher<Int, Int>(maximumBatch: 256, maximumInFlight: 1) { keys in
            usleep(5_000)
            return Dictionary(uniqueKeysWithValues: keys.filter { $0 % 7 != 3 }.map { ($0, $0 * 10) })
        }
        let answers = Mutex<[Int: Int?]>([:])
        Self.onThreads(32) { index in
            let value = try? batcher.load(index)
            answers.withLock { $0[index] = value }
        }
        let all = answers.withLock { $0 }
        #expect(all.count == 32)
        for index in 0..<32 {
            #expect(all[index] == (index % 7 == 3 ? .some(nil) : .some(index * 10)), "caller \(index)")
        }
        let statistics = batcher.statistics
        #expect(statistics.queries < 32, "the callers shared queries (\(statistics.queries) for 32)")
        #expect(statistics.keys == 32)
    }

    @Test("a key asked while a query runs is read by a later query, never answered by the one already sent")
    func noAnswerFromAnEarlierRead() {
        // The "directory": version 1, then a change (a revocation) commits while the first query runs.
        let version = Atomic<Int>(1)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let calls = Atomic<Int>(0)
        let batcher = VerificationBatcher<String, Int>(maximumBatch: 256, maximumInFlight: 1) { keys in
            let value = version.load(ordering: .sequentiallyConsistent)
            if calls.add(1, ordering: .sequentiallyConsistent).oldValue == 0 {
                started.signal()
                release.wait()
            }
            return Dictionary(uniqueKeysWithValues: keys.map { ($0, value) })
        }
        let first = Mutex<Int?>(nil), second = Mutex<Int?>(nil)
        let group = DispatchGroup()
        group.enter()
        Thread { first.withLock { $0 = try? batcher.load("token") }; group.leave() }.start()
        started.wait()
        version.store(2, ordering: .sequentiallyConsistent)
        group.enter()
        Thread { second.withLock { $0 = try? batcher.load("token") }; group.leave() }.start()
        usleep(50_000)  // the second caller is queued behind the running query
        release.signal()
        group.wait()
        #expect(first.withLock { $0 } == 1, "the first read began before the change")
        #expect(second.withLock { $0 } == 2, "the second caller asked after the change: it is read anew")
        #expect(calls.load(ordering: .sequentiallyConsistent) == 2)
    }

    @Test("a failed query reaches every caller waiting on it")
    func errorsReachEveryWaiter() {
        let batcher = VerificationBatcher<Int, Int>(maximumBatch: 256, maximumInFlight: 1) { _ in
            usleep(20_000)
            throw Boom()
        }
        let failures = Atomic<Int>(0)
        Self.onThreads(12) { index in
            do {
                _ = try batcher.load(index)
            } catch is Boom {
                failures.add(1, ordering: .relaxed)
            } catch {}
        }
        #expect(failures.load(ordering: .relaxed) == 12)
    }

    @Test("more keys than a batch holds are split, and each caller still gets its own")
    func splitBatches() throws {
        let sizes = Mutex<[Int]>([])
        let batcher = VerificationBatcher<Int, Int>(maximumBatch: 4, maximumInFlight: 1) { keys in
            sizes.withLock { $0.append(keys.count) }
            return Dictionary(uniqueKeysWithValues: keys.map { ($0, -$0) })
        }
        let values = try batcher.load(Array(0..<10))
        #expect(values == Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, -$0) }))
        #expect(sizes.withLock { $0 }.allSatisfy { $0 <= 10 })
    }

    // MARK: Through the store and the façade

    @Test("concurrent uncached verifications each authenticate their own token", arguments: Backend.available)
    func concurrentOwnRecords(_ backend: Backend) throws {
        let world = try World(backend)
        let issued = try (0..<16).map { try world.service.createToken(world.request("batch-\($0)"), by: world.admin) }
        let store = try world.database.open(cacheCapacity: 0)
        let service = AccessService(store: store, catalog: world.catalog, clock: world.clock)
        let wrong = Atomic<Int>(0), verified = Atomic<Int>(0)
        Self.onThreads(16) { index in
            for _ in 0..<20 {
                switch try? service.verify(issued[index].secret) {
                case let .success(token)?:
                    if token.token.id == issued[index].token.id { verified.add(1, ordering: .relaxed) } else { wrong.add(1, ordering: .relaxed) }
                default: wrong.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(wrong.load(ordering: .relaxed) == 0)
        #expect(verified.load(ordering: .relaxed) == 16 * 20)
        if let postgres = store as? PostgresDirectoryStore {
            let statistics = postgres.verificationQueryStatistics
            #expect(statistics.digests <= 16 * 20 && statistics.queries <= statistics.digests)
        }
    }

    @Test("verifying many at once answers each as one by one would", arguments: Backend.available)
    func batchSameAsOneByOne(_ backend: Backend) throws {
        let world = try World(backend)
        let valid = try world.service.createToken(world.request("valid"), by: world.admin)
        let revoked = try world.service.createToken(world.request("revoked"), by: world.admin)
        _ = try world.service.revokeToken(revoked.token.id, reason: "test", by: world.admin)
        let regenerated = try world.service.createToken(world.request("regenerated"), by: world.admin)
        let replacement = try world.service.regenerateToken(regenerated.token.id, by: world.admin)
        let worker = try world.service.createUser(UserDraft(displayName: "Worker", loginName: "worker", email: "", kind: .serviceAccount), in: [world.organization.id], by: world.admin)
        let workerToken = try world.service.createToken(
            TokenRequest(displayName: "worker", ownerID: worker.id, target: .organization(world.organization.id), scopes: .custom(["vso.code"]), expiration: .days(30)),
            by: world.admin)
        _ = try world.service.setStatus(.disabled, ofUser: worker.id, by: world.admin)
        let secrets = [valid.secret, revoked.secret, TokenSecret(presented: "gpat_nope"), regenerated.secret, replacement.secret,
                       TokenFormat.generate(using: SystemRandomSource()), workerToken.secret, valid.secret]
        let other = try world.otherHost()
        var batchEffects: [VerificationEffect] = []
        let batch = try other.service.verify(secrets, deferring: &batchEffects)
        var singleEffects: [VerificationEffect] = []
        let single = try secrets.map { try other.service.verify($0, deferring: &singleEffects) }
        #expect(batch.map(Self.summary) == single.map(Self.summary))
        #expect(batch.map(Self.summary) == ["ok valid", "revoked", "malformed", "replaced", "ok regenerated", "unknown", "owner disabled", "ok valid"])
        #expect(batchEffects.count == singleEffects.count)
    }

    static func summary(_ outcome: Result<VerifiedToken, VerificationFailure>) -> String {
        switch outcome {
        case let .success(token): "ok \(token.token.displayName)"
        case .failure(.revoked): "revoked"
        case .failure(.malformed): "malformed"
        case .failure(.replaced): "replaced"
        case .failure(.unknown): "unknown"
        case .failure(.ownerDisabled): "owner disabled"
        case let .failure(other): "\(other)"
        }
    }

    // MARK: The PostgreSQL cache

    static func listening(_ store: PostgresDirectoryStore) throws -> PostgresVerificationCache {
        let cache = try #require(store.verification)
        let deadline = Date().addingTimeInterval(5)
        while !cache.isListening && Date() < deadline { usleep(10_000) }
        #expect(cache.isListening)
        return cache
    }

    @Test("a record read while an eviction happened is answered but not kept", arguments: Backend.postgresOnly)
    func evictionDuringRead(_ backend: Backend) throws {
        let world = try World(backend)
        let store = try #require(world.store as? PostgresDirectoryStore)
        let cache = try Self.listening(store)
        let issued = try world.service.createToken(world.request("raced"), by: world.admin)
        let digest = TokenDigest(of: issued.secret)
        let record = try #require(try store.verificationRecords(digests: [digest])[digest])
        cache.evictAll()
        let answered = try cache.records(digests: [digest]) { _ in
            cache.evict([issued.token.id.uuid])  // a revocation's notification, while the query ran
            return [digest: record]
        }
        #expect(answered[digest] != nil)
        #expect(cache.cachedRecord(digest: digest) == nil, "not kept: it may predate the change")
        _ = try cache.records(digests: [digest]) { _ in [digest: record] }
        #expect(cache.cachedRecord(digest: digest) != nil, "kept when nothing was evicted meanwhile")
    }

    @Test("eviction by token or owner removes only their records, through both generations", arguments: Backend.postgresOnly)
    func targetedEviction(_ backend: Backend) throws {
        let world = try World(backend)
        let other = try world.database.open(cacheCapacity: 3)
        let store = try #require(other as? PostgresDirectoryStore)
        let cache = try Self.listening(store)
        let service = AccessService(store: other, catalog: world.catalog, clock: world.clock)
        let worker = try world.service.createUser(UserDraft(displayName: "Worker", loginName: "worker", email: "", kind: .serviceAccount), in: [world.organization.id], by: world.admin)
        let mine = try (0..<4).map { try world.service.createToken(world.request("mine-\($0)"), by: world.admin) }
        let theirs = try world.service.createToken(
            TokenRequest(displayName: "theirs", ownerID: worker.id, target: .organization(world.organization.id), scopes: .custom(["vso.code"]), expiration: .days(30)),
            by: world.admin)
        // Capacity 3 per generation: the first records rotate into the older one.
        for issued in mine + [theirs] { #expect(try service.verify(issued.secret).isSuccess) }
        #expect(cache.count == 5)
        cache.evict([worker.id.uuid])
        #expect(cache.count == 4, "the owner's one record went")
        #expect(cache.cachedRecord(digest: TokenDigest(of: theirs.secret)) == nil)
        cache.evict([mine[0].token.id.uuid])
        #expect(cache.count == 3)
        #expect(cache.cachedRecord(digest: TokenDigest(of: mine[1].secret)) != nil)
        // Revoked on the first host: refused here, for a record in either generation.
        for issued in mine.dropFirst() {
            _ = try world.service.revokeToken(issued.token.id, by: world.admin)
            let deadline = Date().addingTimeInterval(2)
            var refused = false
            while !refused && Date() < deadline {
                refused = !(try service.verify(issued.secret).isSuccess)
                if !refused { usleep(5_000) }
            }
            #expect(refused, "\(issued.token.displayName)")
        }
    }
}
