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

    @Test("the change feed reports another host's revocation", arguments: Backend.postgresOnly)
    func changeFeed(_ backend: Backend) throws {
        let world = try World(backend)
        let store = try #require(world.store as? PostgresDirectoryStore)
        let deadline = Date().addingTimeInterval(5)
        while !store.isListeningForChanges && Date() < deadline { usleep(10_000) }
        #expect(store.isListeningForChanges)
        let seen = Collected<DirectoryChange>()
        _ = store.subscribe { seen.append($0) }
        let other = try world.otherHost()
        let issued = try other.service.createToken(world.request("feed"), by: other.admin)
        _ = try other.service.revokeToken(issued.token.id, by: other.admin)
        let waitUntil = Date().addingTimeInterval(2)
        while !seen.all.contains(.changed(issued.token.id.uuid)) && Date() < waitUntil { usleep(10_000) }
        #expect(seen.all.contains(.changed(issued.token.id.uuid)))
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
