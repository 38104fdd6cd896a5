import Foundation
import GatehouseDemo
import GatehouseDomain
import GatehouseStore
import Testing

/// The demo is what new admins see first: it must seed without error and show every state the
/// console can display.
@Suite struct DemoDirectoryTests {
    let service: AccessService
    let admin: Actor
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-demo-\(UUID().uuidString)")
        let resources = ResourceLocator(directory: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources"))
        let catalog = try resources.scopeCatalog()
        let store = try SQLiteDirectoryStore(path: folder.appendingPathComponent("demo.sqlite").path)
        let seeder = try DemoSeeder(resources: resources)
        try seeder.seed(into: store, catalog: catalog, now: Date())
        service = AccessService(store: store, catalog: catalog)
        admin = try service.resolveActor(login: seeder.administratorLogin)
    }

    @Test func hasThreeOrganizationsAndSixtyAccountsOfEveryKind() throws {
        #expect(try service.organizations(by: admin).count >= 3)
        #expect(try service.count(UserQuery(), by: admin) >= 60)
        for kind in AccountKind.allCases {
            #expect(try service.count(UserQuery(kinds: [kind]), by: admin) > 0, "no \(kind.title) in the demo")
        }
        for source in IdentitySource.allCases {
            #expect(try service.count(UserQuery(identitySources: [source]), by: admin) > 0, "no \(source.title) account in the demo")
        }
        for level in AccessLevel.allCases {
            let users = try service.users(UserQuery(), page: .first(1_000), by: admin).items
            #expect(users.contains { $0.accessLevel == level }, "no \(level.title) account in the demo")
        }
        #expect(try service.count(UserQuery(statuses: [.disabled]), by: admin) >= 3)
    }

    @Test func groupsIncludeCustomNestingAndADeny() throws {
        let groups = try service.groups(GroupQuery(), page: .first(1_000), by: admin).items
        #expect(groups.filter { !$0.isDefault }.count >= 5)
        let nested = try groups.contains { group in try service.members(of: group.id, by: admin).contains { if case .group = $0 { true } else { false } } }
        #expect(nested)
        let denies = try groups.contains { try service.permissionSettings(of: $0.id, by: admin).values.contains(.deny) }
        #expect(denies)
    }

    @Test func tokensCoverEveryStateOfTheRiskView() throws {
        func count(_ configure: (inout TokenQuery) -> Void) throws -> Int {
            var query = TokenQuery()
            configure(&query)
            return try service.count(query, by: admin)
        }
        #expect(try count { _ in } >= 150)
        #expect(try count { $0.statuses = [.active] } > 0)
        #expect(try count { $0.statuses = [.expired] } > 0)
        #expect(try count { $0.statuses = [.revoked] } > 0)
        #expect(try count { $0.expiringWithin = 7 * 86_400 } > 0)
        #expect(try count { $0.fullAccessOnly = true } > 0)
        #expect(try count { $0.highPrivilegeOnly = true } > 0)
        #expect(try count { $0.globalOnly = true } > 0)
        #expect(try count { $0.neverUsedOnly = true } > 0)
        #expect(try count { $0.unusedFor = 90 * 86_400 } > 0)
        #expect(try count { $0.disabledOwnerOnly = true } > 0)
        let rules = try service.nonComplianceRules(by: admin)
        #expect(try count { $0.nonCompliantWith = rules } > 0)
    }

    @Test func auditLogTellsTheStory() throws {
        let events = try service.count(AuditQuery(), by: admin)
        #expect(events > 300)
        for action in [AuditAction.tokenCreated, .tokenRevoked, .tokenRegenerated, .policyUpdated, .userDisabled, .groupMemberAdded, .sshKeyAdded] {
            #expect(try service.count(AuditQuery(actions: [action]), by: admin) > 0, "no \(action.rawValue) in the demo audit log")
        }
        let onBehalf = try service.auditEvents(AuditQuery(actions: [.tokenCreated]), page: .first(1_000), by: admin).items
        #expect(onBehalf.contains { $0.onBehalfOf != nil })
    }
}
