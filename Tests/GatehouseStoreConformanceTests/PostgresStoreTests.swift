import Foundation
import Testing
import GatehouseTestSupport
import GatehouseDomain
import GatehouseStore
@testable import GatehousePostgres

/// What only a networked store has to get right: the server away, several hosts migrating at
/// once, serialization failures retried.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("a server that is not there is \u{201C}unavailable\u{201D}, naming the host and never the password")
    func unavailable() throws {
        // A port nothing listens on (bound, then closed).
        let url = "postgresql://gatehouse:s3cret-pw@127.0.0.1:\(Self.closedPort())/gatehouse"
        do {
            _ = try PostgresDirectoryStore(url: url)
            Issue.record("opened a store on a closed port")
        } catch {
            guard case let .unavailable(host, detail) = error else { Issue.record("expected unavailable, got \(error)"); return }
            #expect(host.hasPrefix("127.0.0.1:"))
            #expect(!error.description.contains("s3cret-pw") && !detail.contains("s3cret-pw"))
            #expect(error.category == .unavailable)
        }
    }

    @Test("a URL libpq cannot parse is a typo to fix (invalid input), not an unreachable server, and hides the password",
          arguments: ["postgresql://gatehouse:pw%zzsecret@127.0.0.1:5432/gatehouse", "postgresql://127.0.0.1:5432/gatehouse?no_such_option=1"])
    func malformedURL(_ url: String) throws {
        do {
            _ = try PostgresDirectoryStore(url: url)
            Issue.record("opened a store from a malformed URL")
        } catch {
            guard case let .invalidInput(field, problem) = error else { Issue.record("expected invalid input, got \(error)"); return }
            #expect(field == "--db")
            #expect(problem.contains("postgresql://user@host:port/database"))
            #expect(!error.description.contains("zzsecret") && !error.description.contains("pw%"))
        }
    }

    @Test("two hosts starting at once on an empty database migrate it once", arguments: Backend.postgresOnly)
    func concurrentMigration(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let outcomes = Collected<String?>()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                _ = try database.open()
                outcomes.append(nil)
            } catch {
                outcomes.append(String(describing: error))
            }
        }
        #expect(outcomes.all.compactMap { $0 } == [])
        let store = try PostgresDirectoryStore(url: database.location, migrate: false)
        let status = try store.migrationStatus()
        #expect(status.applied == PostgresSchema.identifiers)
        #expect(status.pending.isEmpty)
    }

    @Test("2×100 concurrent group changes from two hosts never leave a cycle", arguments: Backend.postgresOnly)
    func manyConcurrentGroupChanges(_ backend: Backend) throws {
        let world = try World(backend)
        let other = try world.otherHost()
        let groups = try (0..<6).map { try world.addGroup("G\($0)") }
        DispatchQueue.concurrentPerform(iterations: 2) { host in
            let service = host == 0 ? world.service : other.service
            let admin = host == 0 ? world.admin : other.admin
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<100 {
                let parent = groups.randomElement(using: &generator)!, child = groups.randomElement(using: &generator)!
                if Bool.random(using: &generator) {
                    try? service.addMember(.group(child.id), to: parent.id, by: admin)
                } else {
                    try? service.removeMember(.group(child.id), from: parent.id, by: admin)
                }
            }
        }
        // No group reaches itself.
        var edges: [GroupID: [GroupID]] = [:]
        for group in groups {
            edges[group.id] = try world.service.members(of: group.id, by: world.admin).compactMap {
                if case let .group(id) = $0.member { id } else { nil }
            }
        }
        for start in groups.map(\.id) {
            var seen: Set<GroupID> = []
            var frontier = edges[start] ?? []
            while let next = frontier.popLast() {
                #expect(next != start, "a cycle through \(start)")
                if next == start { return }
                if seen.insert(next).inserted { frontier += edges[next] ?? [] }
            }
        }
    }

    @Test("a directory made before pg-v3 upgrades in place: its data stays and its feed then says what changed", arguments: Backend.postgresOnly)
    func upgradeToDirectoryChanges(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        // The schema as the previous release left it: pg-v1 and pg-v2 only.
        let connection = try PGConnection(conninfo: database.location, location: "test")
        try connection.execute(PostgresSchema.bookkeeping)
        for migration in PostgresSchema.migrations.prefix(2) {
            try connection.execute(migration.sql)
            try connection.query("INSERT INTO gatehouse_migration (identifier) VALUES (?)", [.text(migration.identifier)])
        }
        let catalog = try ScopeCatalog(json: Data(contentsOf: World.resources.appendingPathComponent("scopes.json")))
        let older = AccessService(store: try PostgresDirectoryStore(url: database.location, migrate: false, verificationCacheCapacity: 0), catalog: catalog)
        _ = try older.bootstrapIfEmpty(administratorLogin: "admin")
        let store = try PostgresDirectoryStore(url: database.location)
        #expect(try store.migrationStatus().applied == PostgresSchema.identifiers)
        let service = AccessService(store: store, catalog: catalog)
        let admin = try service.resolveActor(login: "admin")
        let organization = try service.organization(named: "Default", by: admin)
        let deadline = Date().addingTimeInterval(5)
        while !store.isListeningForChanges && Date() < deadline { usleep(10_000) }
        let seen = Collected<DirectoryChange>()
        _ = store.subscribe { seen.append($0) }
        let group = try AccessService(store: try database.open(), catalog: catalog)
            .createGroup(named: "After the upgrade", in: organization.id, by: admin)
        Self.waitFor(.group(group.id.uuid), in: seen)
    }

    @Test("the change feed reports another host's revocation", arguments: Backend.postgresOnly)
    func changeFeed(_ backend: Backend) throws {
        let world = try World(backend)
        let (_, seen) = try Self.listeningHost(world)
        let other = try world.otherHost()
        let issued = try other.service.createToken(world.request("feed"), by: other.admin)
        _ = try other.service.revokeToken(issued.token.id, by: other.admin)
        Self.waitFor(.token(issued.token.id.uuid), in: seen)
    }

    /// A store on `world`'s database that listens, and what its feed reports from now on.
    static func listeningHost(_ world: World) throws -> (store: PostgresDirectoryStore, seen: Collected<DirectoryChange>) {
        let store = try #require(world.store as? PostgresDirectoryStore)
        let deadline = Date().addingTimeInterval(5)
        while !store.isListeningForChanges && Date() < deadline { usleep(10_000) }
        #expect(store.isListeningForChanges)
        let seen = Collected<DirectoryChange>()
        _ = store.subscribe { seen.append($0) }
        return (store, seen)
    }

    /// Waits (up to 2 s) until the feed has reported `change` (after its first `mark` reports) and
    /// returns how many it has reported by then.
    @discardableResult
    static func waitFor(_ change: DirectoryChange, in seen: Collected<DirectoryChange>, after mark: Int = 0,
                        sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let deadline = Date().addingTimeInterval(2)
        while !seen.all.dropFirst(mark).contains(change) && Date() < deadline { usleep(10_000) }
        #expect(seen.all.dropFirst(mark).contains(change), "feed reported \(seen.all.dropFirst(mark).map(\.description))", sourceLocation: sourceLocation)
        return seen.all.count
    }

    @Test("the change feed says what another host changed: tokens, accounts, groups, members, permissions, policies, the audit log",
          arguments: Backend.postgresOnly)
    func changeFeedKinds(_ backend: Backend) throws {
        let world = try World(backend)
        let (_, seen) = try Self.listeningHost(world)
        let other = try world.otherHost()
        let issued = try other.service.createToken(world.request("new elsewhere"), by: other.admin)
        Self.waitFor(.token(issued.token.id.uuid), in: seen)
        Self.waitFor(DirectoryChange(.audit), in: seen)
        let user = try other.service.createUser(UserDraft(displayName: "Bea Elsewhere", loginName: "bea", kind: .user), in: [world.organization.id], by: other.admin)
        Self.waitFor(.account(user.id.uuid), in: seen)
        let group = try other.service.createGroup(named: "Elsewhere", in: world.organization.id, by: other.admin)
        let created = Self.waitFor(.group(group.id.uuid), in: seen)
        try other.service.addMember(.user(user.id), to: group.id, by: other.admin)
        Self.waitFor(.group(group.id.uuid), in: seen, after: created)
        try other.service.setPermission(.viewAuditLog, to: .allow, for: group.id, by: other.admin)
        Self.waitFor(.permissions(group.id.uuid), in: seen)
        let policies = try other.service.policies(of: world.organization.id, by: other.admin)
        try other.service.updatePolicy(TokenPolicy(kind: .maximumLifespan, isEnabled: true, maximumLifespanDays: 90), in: world.organization.id,
                                       expectedVersion: policies.version, by: other.admin)
        Self.waitFor(.policy(world.organization.id.uuid), in: seen)
        #expect(!seen.all.contains(.unknown), "nothing was lost, so nothing asks to reload everything")
        #expect(!seen.all.contains { $0.kind == .organization }, "a policy edit is not an organization change")
    }

    @Test("a dropped listening connection says \u{201C}reload everything\u{201D} once, when it is back, and the feed goes on", arguments: Backend.postgresOnly)
    func reconnectSaysUnknownOnce(_ backend: Backend) throws {
        let world = try World(backend)
        let (store, seen) = try Self.listeningHost(world)
        let admin = try PGConnection(conninfo: world.database.location, location: "test")
        try admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        Self.waitFor(.unknown, in: seen)
        let deadline = Date().addingTimeInterval(5)
        while !store.isListeningForChanges && Date() < deadline { usleep(10_000) }
        usleep(500_000)
        #expect(seen.all.filter { $0 == .unknown }.count == 1, "\(seen.all)")
        let other = try world.otherHost()
        let group = try other.service.createGroup(named: "After the drop", in: world.organization.id, by: other.admin)
        Self.waitFor(.group(group.id.uuid), in: seen)
    }

    @Test("a bulk change is one notification of its kind, not one per row", arguments: Backend.postgresOnly)
    func bulkChangeIsOneNotification(_ backend: Backend) throws {
        let world = try World(backend)
        let groups = try (0..<3).map { try world.addGroup("Bulk \($0)") }
        let (store, seen) = try Self.listeningHost(world)
        try store.withConnection { connection in
            try connection.execute("DELETE FROM group_member WHERE group_id IN (\(groups.map { "'\($0.id.uuid.uuidString.lowercased())'" }.joined(separator: ",")))")
            try connection.execute("UPDATE security_group SET description = 'bulk' WHERE name LIKE 'Bulk %'")
        }
        Self.waitFor(.group(nil), in: seen)
        usleep(200_000)
        #expect(seen.all.filter { $0 == .group(nil) }.count == 1, "the DELETE changed nothing, the UPDATE three groups at once: \(seen.all)")
    }

    @Test("a policy, group or permission change elsewhere keeps this host's cached verifications; a revocation evicts",
          arguments: Backend.postgresOnly)
    func verificationCacheSurvivesDirectoryChanges(_ backend: Backend) throws {
        let world = try World(backend)
        let (store, seen) = try Self.listeningHost(world)
        let issued = try world.service.createToken(world.request("cached"), by: world.admin)
        let digest = TokenDigest(of: issued.secret)
        #expect(try world.service.verify(issued.secret).isSuccess)
        #expect(store.cachedVerificationRecord(digest: digest) != nil, "verified once: cached")
        let other = try world.otherHost()
        let policies = try other.service.policies(of: world.organization.id, by: other.admin)
        try other.service.updatePolicy(TokenPolicy(kind: .restrictFullScopedTokens, isEnabled: true), in: world.organization.id,
                                       expectedVersion: policies.version, by: other.admin)
        let group = try other.service.createGroup(named: "Elsewhere", in: world.organization.id, by: other.admin)
        try other.service.setPermission(.createTokens, to: .deny, for: group.id, by: other.admin)
        let mark = Self.waitFor(.permissions(group.id.uuid), in: seen)
        #expect(store.cachedVerificationRecord(digest: digest) != nil, "no verification reads policies, groups or permissions")
        _ = try other.service.revokeToken(issued.token.id, by: other.admin)
        Self.waitFor(.token(issued.token.id.uuid), in: seen, after: mark)
        #expect(store.cachedVerificationRecord(digest: digest) == nil, "the revocation evicted it")
        #expect(try world.service.verify(issued.secret).isSuccess == false)
    }

    @Test("the change log is trimmed to the last hour, and its newest row always stays", arguments: Backend.postgresOnly)
    func changeLogPruning(_ backend: Backend) throws {
        let world = try World(backend)
        let store = try #require(world.store as? PostgresDirectoryStore)
        let issued = try world.service.createToken(world.request("log"), by: world.admin)
        _ = try world.service.revokeToken(issued.token.id, by: world.admin)
        func ids() throws -> [Int64] {
            try store.withConnection { connection in
                try connection.query("SELECT id FROM verification_change ORDER BY id").rows.map { Int64($0.text("id") ?? "") ?? -1 }
            }
        }
        let before = try ids()
        #expect(!before.isEmpty, "the revocation was logged")
        // Everything but one recent row made two hours old: those go, the newest stays even if old.
        try store.withConnection { connection in
            try connection.execute("UPDATE verification_change SET changed_at = changed_at - interval '2 hours'")
            try PostgresVerificationCache.pruneChangeLog(connection)
        }
        #expect(try ids() == [before.last!], "only the newest row is kept")
        try store.withConnection { connection in try PostgresVerificationCache.pruneChangeLog(connection) }
        #expect(try ids() == [before.last!], "and pruning again keeps it")
    }

    static func closedPort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
