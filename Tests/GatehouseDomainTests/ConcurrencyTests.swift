import Foundation
import Testing
import GatehouseTestSupport
@testable import GatehouseDomain
import GatehouseStore


@Suite("Several writers at once: two admins, two processes")
struct ConcurrencyTests {
    /// A second façade on the same database file, as another gatehouse process (or host) would open it.
    static func secondProcess(_ dir: TestDirectory) throws -> AccessService {
        AccessService(store: try SQLiteDirectoryStore(path: dir.databasePath), catalog: dir.catalog, clock: dir.clock)
    }

    @Test("an edit made in another process makes this process's copy stale")
    func staleAcrossProcesses() throws {
        let dir = try TestDirectory()
        let other = try Self.secondProcess(dir)
        let bob = try dir.addUser("bob")
        let otherAdmin = try other.resolveActor(login: "admin")

        var theirs = UserDraft(bob)
        theirs.displayName = "Bob (other host)"
        try other.updateUser(bob.id, to: theirs, expectedVersion: bob.version, by: otherAdmin)

        var mine = UserDraft(bob)
        mine.displayName = "Bob (this host)"
        let before = try dir.snapshot()
        #expect(expectError { try dir.service.updateUser(bob.id, to: mine, expectedVersion: bob.version, by: dir.admin) }?.isStaleVersion == true)
        #expect(try dir.snapshot() == before)
        #expect(try dir.service.user(bob.id, by: dir.admin).displayName == "Bob (other host)")
    }

    @Test("two processes adding opposite memberships at once: exactly one succeeds, the other is a cycle")
    func cycleRace() throws {
        let dir = try TestDirectory()
        let other = try Self.secondProcess(dir)
        let otherAdmin = try other.resolveActor(login: "admin")
        for round in 0..<8 {
            let a = try dir.addGroup("A\(round)")
            let b = try dir.addGroup("B\(round)")
            let outcomes = Collected<(any Error)?>()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                do {
                    if index == 0 {
                        try dir.service.addMember(.group(a.id), to: b.id, by: dir.admin)
                    } else {
                        try other.addMember(.group(b.id), to: a.id, by: otherAdmin)
                    }
                    outcomes.append(nil)
                } catch {
                    outcomes.append(error)
                }
            }
            let errors = outcomes.all.compactMap { $0 }
            #expect(outcomes.all.count == 2)
            #expect(errors.count == 1, "round \(round): \(errors)")
            guard case let .membershipCycle(path)? = errors.first as? GatehouseError else {
                Issue.record("round \(round): expected a cycle refusal, got \(errors)")
                continue
            }
            #expect(path.count == 3)
            let inB = try dir.service.members(of: b.id, by: dir.admin).map(\.member)
            let inA = try dir.service.members(of: a.id, by: dir.admin).map(\.member)
            #expect((inB == [.group(a.id)]) != (inA == [.group(b.id)]), "exactly one membership exists")
        }
    }

    @Test("the same token name requested many times at once: exactly one is created")
    func duplicateNameRace() throws {
        let dir = try TestDirectory()
        let other = try Self.secondProcess(dir)
        let otherAdmin = try other.resolveActor(login: "admin")
        let created = Collected<IssuedToken>()
        let refused = Collected<GatehouseError>()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let service = index.isMultiple(of: 2) ? dir.service : other
            let actor = index.isMultiple(of: 2) ? dir.admin : otherAdmin
            do {
                created.append(try service.createToken(dir.request("release"), by: actor))
            } catch let error as GatehouseError {
                refused.append(error)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(created.all.count == 1)
        #expect(refused.all.count == 7)
        #expect(refused.all.allSatisfy { $0.invalidField == "Name" }, "\(refused.all)")
        #expect(try dir.service.count(TokenQuery(search: TextSearch("release")), by: dir.admin) == 1)
        #expect(try dir.allAuditEvents(AuditQuery(actions: [.tokenCreated])).count == 1)
    }

    @Test("many tokens created and verified at once: all distinct, all work, each audited once")
    func parallelCreateAndVerify() throws {
        let dir = try TestDirectory()
        let other = try Self.secondProcess(dir)
        let otherAdmin = try other.resolveActor(login: "admin")
        let first = try dir.createToken("warm-up")
        let issued = Collected<IssuedToken>()
        let verifications = Collected<Bool>()
        DispatchQueue.concurrentPerform(iterations: 24) { index in
            do {
                if index.isMultiple(of: 3) {
                    verifications.append(try other.verify(first.secret).success != nil)
                } else {
                    let service = index.isMultiple(of: 2) ? dir.service : other
                    let actor = index.isMultiple(of: 2) ? dir.admin : otherAdmin
                    issued.append(try service.createToken(dir.request("parallel-\(index)"), by: actor))
                }
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(issued.all.count == 16)
        #expect(verifications.all == Array(repeating: true, count: 8))
        #expect(Set(issued.all.map { $0.secret.reveal() }).count == 16)
        for token in issued.all {
            #expect(try dir.service.verify(token.secret).success?.token.id == token.token.id)
        }
        #expect(try dir.allAuditEvents(AuditQuery(actions: [.tokenCreated])).count == 17)
    }
}
