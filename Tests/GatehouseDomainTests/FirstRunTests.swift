import Foundation
import Testing
@testable import GatehouseDomain
import GatehouseStore

@Suite("First run and the acting user")
struct FirstRunTests {
    @Test("an empty directory gets one organization, six default groups, initial policies and its first administrator")
    func bootstrap() throws {
        let dir = try TestDirectory()
        #expect(try dir.service.organizations(by: dir.admin).map(\.name) == ["Default"])
        let groups = try dir.service.groups(GroupQuery(organizationID: dir.orgID), by: dir.admin).items
        #expect(Set(groups.map(\.name)) == Set(DefaultGroup.allCases.map(\.name)))
        #expect(groups.count == 6)
        #expect(groups.allSatisfy { $0.isDefault })

        let admin = try dir.service.user(login: "admin", by: dir.admin)
        #expect(admin.kind == .user)
        #expect(admin.isActive)
        let memberOf = try dir.service.groups(of: admin.id, by: dir.admin).map(\.name)
        #expect(memberOf.contains("Project Collection Administrators"))
        #expect(memberOf.contains("Project Collection Valid Users"))
        #expect(try dir.service.members(of: dir.defaultGroup(.projectCollectionAdministrators).id, by: dir.admin).map(\.name) == ["admin"])

        let policies = try dir.service.policies(of: dir.orgID, by: dir.admin)
        #expect(policies[.restrictGlobalTokens].isEnabled)
        #expect(policies[.autoRevokeLeakedTokens].isEnabled)
        #expect(!policies[.restrictFullScopedTokens].isEnabled)
        #expect(!policies[.restrictCreation].isEnabled)
        #expect(!policies[.maximumLifespan].isEnabled)

        let events = try dir.allAuditEvents()
        #expect(events.map(\.action) == [.directoryBootstrapped])
        #expect(events.first?.details.contains(AuditDetail("administrator", "admin")) == true)
        #expect(events.first?.occurredAt == TestDirectory.start)
    }

    @Test("a second first run does nothing and says so")
    func bootstrapOnlyOnce() throws {
        let dir = try TestDirectory()
        let before = try dir.snapshot()
        #expect(try dir.service.bootstrapIfEmpty(administratorLogin: "admin") == false)
        #expect(try dir.service.bootstrapIfEmpty(administratorLogin: "mallory", organizationName: "Evil") == false)
        #expect(try dir.snapshot() == before)
        #expect(expectError { try dir.service.resolveActor(login: "mallory") }?.isNotAllowed == true)
    }

    @Test("a first run with a login that cannot be an account is refused and leaves the directory empty")
    func bootstrapWithBadLogin() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteDirectoryStore(path: folder.path("g.sqlite"))
        let service = AccessService(store: store, catalog: try RepoResources.catalog(), clock: ManualClock(TestDirectory.start))
        #expect(expectError { try service.bootstrapIfEmpty(administratorLogin: "DOMAIN\\alice") }?.invalidField == "Login")
        #expect(try store.read { try $0.isEmpty() })
        #expect(try service.bootstrapIfEmpty(administratorLogin: "alice", displayName: "Alice Admin", organizationName: "Fabrikam"))
        #expect(try service.organizations(by: service.resolveActor(login: "alice")).map(\.name) == ["Fabrikam"])
        #expect(try service.resolveActor(login: "alice").user.displayName == "Alice Admin")
    }

    @Test("an unknown login is told how to get an account; logins match case-insensitively")
    func unknownLogin() throws {
        let dir = try TestDirectory()
        let error = expectError { try dir.service.resolveActor(login: "ghost") }
        #expect(error?.isNotAllowed == true)
        #expect(error?.description.contains("\u{201C}ghost\u{201D} has no account") == true)
        #expect(error?.description.contains("gatehouse users add --login ghost") == true)
        #expect(try dir.service.resolveActor(login: "ADMIN").user.id == dir.admin.user.id)
    }

    @Test("only Project Collection Administrators create organizations; the creator administers the new one")
    func createOrganization() throws {
        let dir = try TestDirectory()
        let second = try dir.service.createOrganization(named: "Fabrikam", by: dir.admin)
        #expect(try dir.service.organizations(of: dir.admin.user.id, by: dir.admin).map(\.name) == ["Default", "Fabrikam"])
        #expect(try dir.service.decision(.editPolicies, in: second.id, for: dir.admin).isAllowed)
        #expect(expectError { try dir.service.createOrganization(named: "fabrikam", by: dir.admin) } == .alreadyExists(kind: .organization, name: "fabrikam"))
        // A user of Default only has no say in Fabrikam.
        let bob = try dir.addUser("bob", groups: [.contributors])
        #expect(try dir.service.decision(.createTokens, in: second.id, for: try dir.actor("bob")).source == .notSet)
        let error = expectError { try dir.createToken("elsewhere", by: try dir.actor("bob"), target: .organization(second.id)) }
        #expect(error?.invalidField == "Organization")
        #expect(error?.description.contains("bob does not belong to Fabrikam") == true)
        _ = bob
    }
}
