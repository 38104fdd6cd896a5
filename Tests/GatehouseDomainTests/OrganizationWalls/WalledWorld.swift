import Foundation
import Testing
import GatehouseTestSupport
@testable import GatehouseDomain
import GatehouseStore

/// Two organizations with a wall between them, built once through the façade and copied for every
/// test that changes it. Contoso ("A") and Northwind ("B"), as in the demo:
/// - pca-a administers Contoso only (like bhoffmann); pca-b administers Northwind only (like cokafor);
/// - shared is a Contributor of Contoso and an administrator of Northwind (like aandersen);
/// - pm-a is a Project Administrator of Contoso (like jlopez), contrib-a a Contributor, reader-a a
///   Reader, contractor-a a Contributor in a group that denies Create tokens and Manage groups;
/// - svc-a is a service account of Contoso; disabled-a was disabled after its actor was resolved;
/// - uadmin-a holds Manage users only (the User Admins group), and acts as pm-a;
/// - target-a, target-b: plain members the matrix acts on.
final class WalledWorld: @unchecked Sendable {
    let folder: TemporaryFolder
    let path: String
    let store: SQLiteDirectoryStore
    let service: AccessService
    let clock: ManualClock
    let root: Actor
    let contoso: Organization
    let northwind: Organization
    private(set) var users: [String: User] = [:]
    private(set) var actors: [String: Actor] = [:]
    private(set) var groups: [String: SecurityGroup] = [:]
    private(set) var tokens: [String: IssuedToken] = [:]
    private(set) var auditEventIDs: [String: Int64] = [:]

    /// The world every read-only check shares; tests that change it work on `copy()`.
    static let template: WalledWorld = {
        do { return try WalledWorld() } catch { fatalError("building the walled world failed: \(error)") }
    }()

    private init() throws {
        folder = try TemporaryFolder()
        path = folder.path("walls.sqlite")
        store = try SQLiteDirectoryStore(path: path)
        clock = ManualClock(TestDirectory.start)
        service = AccessService(store: store, catalog: try RepoResources.catalog(), clock: clock, lastUsedGranularity: 0)
        try service.bootstrapIfEmpty(administratorLogin: "root", organizationName: "Contoso")
        root = try service.resolveActor(login: "root")
        contoso = try service.organization(named: "Contoso", by: root)
        northwind = try service.createOrganization(named: "Northwind", by: root)
        for organization in [contoso, northwind] {
            let policies = try service.policies(of: organization.id, by: root)
            try service.updatePolicy(TokenPolicy(kind: .restrictGlobalTokens, isEnabled: false), in: organization.id,
                                     expectedVersion: policies.version, by: root)
        }
        try build()
    }

    /// Opens a copy of another world's database: same ids, its own file.
    private init(copying world: WalledWorld) throws {
        folder = try TemporaryFolder()
        path = folder.path("walls.sqlite")
        try world.store.checkpoint()
        try FileManager.default.copyItem(atPath: world.path, toPath: path)
        store = try SQLiteDirectoryStore(path: path)
        clock = ManualClock(world.clock.now)
        service = AccessService(store: store, catalog: world.service.catalog, clock: clock, lastUsedGranularity: 0)
        root = world.root
        contoso = world.contoso
        northwind = world.northwind
        users = world.users
        actors = world.actors
        groups = world.groups
        tokens = world.tokens
        auditEventIDs = world.auditEventIDs
    }

    func copy() throws -> WalledWorld { try WalledWorld(copying: self) }

    private func build() throws {
        let a = contoso.id, b = northwind.id
        func add(_ login: String, in organizations: [OrganizationID], kind: AccountKind = .user) throws {
            users[login] = try service.createUser(UserDraft(displayName: login.capitalized, loginName: login, kind: kind), in: organizations, by: root)
        }
        for login in ["pca-a", "pca2-a", "pm-a", "contrib-a", "reader-a", "contractor-a", "disabled-a", "target-a", "uadmin-a"] { try add(login, in: [a]) }
        try add("svc-a", in: [a], kind: .serviceAccount)
        try add("pca-b", in: [b])
        try add("target-b", in: [b])
        try add("shared", in: [a, b])
        let created = try service.auditEvents(AuditQuery(actions: [.userCreated]), page: .first(1), by: root).items[0]
        auditEventIDs["shared created"] = created.id

        func defaultGroup(_ role: DefaultGroup, _ organization: OrganizationID) throws -> SecurityGroup {
            try service.group(named: role.name, in: organization, by: root)
        }
        func join(_ login: String, _ group: SecurityGroup) throws {
            try service.addMember(.user(users[login]!.id), to: group.id, by: root)
        }
        groups["pca A"] = try defaultGroup(.projectCollectionAdministrators, a)
        groups["pca B"] = try defaultGroup(.projectCollectionAdministrators, b)
        for login in ["pca-a", "pca2-a"] { try join(login, groups["pca A"]!) }
        for login in ["pca-b", "shared"] { try join(login, groups["pca B"]!) }
        try join("pm-a", try defaultGroup(.projectAdministrators, a))
        for login in ["contrib-a", "contractor-a", "target-a", "shared"] { try join(login, try defaultGroup(.contributors, a)) }
        try join("reader-a", try defaultGroup(.readers, a))
        try join("target-b", try defaultGroup(.contributors, b))
        let contractors = try service.createGroup(named: "Contractors", in: a, by: root)
        try service.setPermission(.createTokens, to: .deny, for: contractors.id, by: root)
        try service.setPermission(.manageGroups, to: .deny, for: contractors.id, by: root)
        try join("contractor-a", contractors)
        groups["team A"] = try service.createGroup(named: "Team A", in: a, by: root)
        try service.setPermission(.viewAuditLog, to: .allow, for: groups["team A"]!.id, by: root)
        try join("target-a", groups["team A"]!)
        groups["user admins A"] = try service.createGroup(named: "User Admins", in: a, by: root)
        try service.setPermission(.manageUsers, to: .allow, for: groups["user admins A"]!.id, by: root)
        try join("uadmin-a", groups["user admins A"]!)
        groups["team B"] = try service.createGroup(named: "Team B", in: b, by: root)
        try join("target-b", groups["team B"]!)
        let teamA = try service.auditEvents(AuditQuery(actions: [.groupCreated], target: TextSearch("Team A")), page: .first(1), by: root).items[0]
        auditEventIDs["team A created"] = teamA.id
        let teamB = try service.auditEvents(AuditQuery(actions: [.groupCreated], target: TextSearch("Team B")), page: .first(1), by: root).items[0]
        auditEventIDs["team B created"] = teamB.id

        for login in users.keys.sorted() { actors[login] = try service.resolveActor(login: login) }
        func token(_ name: String, owner login: String, target: TokenTarget, scopes: [String] = ["vso.code"]) throws -> IssuedToken {
            try service.createToken(TokenRequest(displayName: name, target: target, scopes: .custom(scopes), expiration: .days(30)), by: actors[login]!)
        }
        tokens["A"] = try token("target-a's", owner: "target-a", target: .organization(a))
        tokens["B"] = try token("target-b's", owner: "target-b", target: .organization(b))
        tokens["global"] = try token("shared's", owner: "shared", target: .allAccessibleOrganizations)
        tokens["service A"] = try token("svc-a's", owner: "svc-a", target: .organization(a))
        tokens["contrib-a tokens scope"] = try token("automation", owner: "contrib-a", target: .organization(a), scopes: ["vso.tokens"])

        // Acting through a token, as `gatehouse serve` will: contrib-a, narrowed to Tokens (no Graph).
        let automation = tokens["contrib-a tokens scope"]!.token
        actors["contrib-a via token"] = Actor(user: users["contrib-a"]!, credential: .token(
            id: automation.id, handle: automation.handle, scopes: automation.scopes, target: automation.target))
        actors["pca-a as contrib-a"] = try service.resolveActor(login: "pca-a", asLogin: "contrib-a")
        actors["uadmin-a as pm-a"] = try service.resolveActor(login: "uadmin-a", asLogin: "pm-a")
        let key = try service.addSSHKey(SampleKeys.ecdsa256.line, to: users["contrib-a"]!.id, by: actors["contrib-a"]!)
        actors["contrib-a via SSH key"] = try service.sshLogin(fingerprint: key.fingerprint)
        let administration = try token("introspection", owner: "pca-a", target: .organization(a), scopes: ["vso.graph", "vso.tokenadministration"]).token
        actors["pca-a via token administration"] = Actor(user: users["pca-a"]!, credential: .token(
            id: administration.id, handle: administration.handle, scopes: administration.scopes, target: administration.target))
        let narrowed = try token("narrowed", owner: "pca-a", target: .organization(a), scopes: ["vso.tokens"]).token
        actors["pca-a via token"] = Actor(user: users["pca-a"]!, credential: .token(
            id: narrowed.id, handle: narrowed.handle, scopes: narrowed.scopes, target: narrowed.target))
        try service.setStatus(.disabled, ofUser: users["disabled-a"]!.id, by: root)
    }

    func user(_ login: String) -> User { users[login]! }
    func actor(_ login: String) -> Actor { actors[login]! }
    func snapshot() throws -> DirectorySnapshot { try service.snapshot(by: root) }
}
