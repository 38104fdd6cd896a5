import Foundation
import Testing
import GatehouseTestSupport
@testable import GatehouseDomain
import GatehouseStore

/// Every façade entry point × every kind of actor × targets in Contoso (A), in Northwind (B), aimed
/// at all organizations, and an account in both: what each actor gets, as data. A new way in (an
/// HTTP route, an SSH command) adds its rows here.
///
/// One character per actor, in `actorOrder`:
/// `+` allowed (or, for a read, the target is listed) · `0` not found (the target is behind the
/// wall, not even confirmed to exist) · `-` permission denied · `!` refused by a rule (e.g. the
/// Project Collection Administrators group is changed by its members only) · `x` the actor is
/// disabled · `.` does not apply.
@Suite("Authorization matrix: organizations are walls")
struct AuthorizationMatrixTests {
    /// P pca-a · M pm-a (Project Administrator) · C contrib-a · R reader-a · X contractor-a (Deny) ·
    /// S svc-a (a service account) · D disabled-a · I pca-a as contrib-a · T contrib-a through a
    /// token scoped to Tokens only · Q pca-b (the other organization's administrator) · U uadmin-a
    /// (Manage users only) as pm-a: never more than uadmin-a's own rights · V pca-a through a token
    /// scoped to Tokens only: an administrator narrowed by the token · W contrib-a through an SSH
    /// key (`gatehouse ssh session`): exactly the owner · Y pca-a through a token scoped to Token
    /// administration and Graph (read) for Contoso: what `gatehouse serve`'s introspection callers hold.
    static let actorOrder = ["pca-a", "pm-a", "contrib-a", "reader-a", "contractor-a", "svc-a", "disabled-a",
                             "pca-a as contrib-a", "contrib-a via token", "pca-b", "uadmin-a as pm-a", "pca-a via token",
                             "contrib-a via SSH key", "pca-a via token administration"]

    struct Row: Sendable, CustomTestStringConvertible {
        let entry: EntryPoint
        let target: String
        let expected: String
        var testDescription: String { "\(entry.rawValue) on \(target)" }
    }

    enum EntryPoint: String, Sendable, CaseIterable {
        case listUsers, listUsersWithCounts, listUsersCounted, showUser, showUsersByID, listSSHKeys, effectivePermissions, editUser, disableUser, deleteUser, addSSHKey, joinOrganization, impersonate
        case listGroups, listGroupsWithMemberCounts, showGroup, memberCount, listMembers, memberPage, addMember, removeMember, setPermission, setPermissions, createGroup, deleteGroup, listContainingGroups
        case listTokens, showToken, revokeToken, editToken, regenerateToken, bulkRevokeDryRun, listTokensWithOwners, listTokensWithOwnersCounted, bulkRevokeChunk, createTokenFor, introspect
        /// Azure DevOps' Token Administration (`gatehouse serve`): a user's tokens in one organization, revoking a list.
        case administeredTokens, revokeAuthorizations
        case readPolicies, editPolicy, policyImpact
        case readAudit
        /// The console's one read of the acting user's reach (organizations, permission answers, rules).
        case actorOverview

        var changesDirectory: Bool {
            switch self {
            case .editUser, .disableUser, .deleteUser, .addSSHKey, .joinOrganization, .addMember, .removeMember, .setPermission, .setPermissions,
                 .createGroup, .deleteGroup, .revokeToken, .editToken, .regenerateToken, .bulkRevokeChunk, .createTokenFor, .editPolicy,
                 .revokeAuthorizations: true
            default: false
            }
        }
    }

    //                                                         P M C R X S D I T Q U V W Y
    static let rows: [Row] = [
        Row(entry: .listUsers, target: "target-a", expected: "++++++x+00+0++"),
        Row(entry: .listUsers, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .listUsers, target: "shared", expected: "++++++x+0++0++"),
        Row(entry: .listUsersWithCounts, target: "target-a", expected: "++++++x+00+0++"),
        Row(entry: .listUsersWithCounts, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .listUsersWithCounts, target: "shared", expected: "++++++x+0++0++"),
        Row(entry: .listUsersCounted, target: "target-a", expected: "++++++x+00+0++"),
        Row(entry: .listUsersCounted, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .listUsersCounted, target: "shared", expected: "++++++x+0++0++"),
        Row(entry: .showUser, target: "target-a", expected: "++++++x+00+0++"),
        Row(entry: .showUser, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .showUser, target: "shared", expected: "++++++x+0++0++"),
        Row(entry: .showUsersByID, target: "target-a", expected: "++++++x+00+0++"),
        Row(entry: .showUsersByID, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .showUsersByID, target: "shared", expected: "++++++x+0++0++"),
        Row(entry: .listSSHKeys, target: "target-a", expected: "+-----x-00-0--"),
        Row(entry: .listSSHKeys, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .listSSHKeys, target: "shared", expected: "+-----x-0+-0--"),
        Row(entry: .effectivePermissions, target: "target-a", expected: "++++++x+00+0++"),
        Row(entry: .effectivePermissions, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .effectivePermissions, target: "shared", expected: "++++++x+00+0++"),
        Row(entry: .editUser, target: "target-a", expected: "+-----x-00-0--"),
        Row(entry: .editUser, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .editUser, target: "shared", expected: "------x-0--0--"),
        Row(entry: .disableUser, target: "target-a", expected: "+-----x-00-0--"),
        Row(entry: .disableUser, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .disableUser, target: "shared", expected: "------x-0--0--"),
        Row(entry: .deleteUser, target: "target-a", expected: "+-----x-00-0--"),
        Row(entry: .deleteUser, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .deleteUser, target: "shared", expected: "------x-0--0--"),
        Row(entry: .addSSHKey, target: "target-a", expected: "+-----x-00-0--"),
        Row(entry: .addSSHKey, target: "target-b", expected: "000000x00+0000"),
        Row(entry: .addSSHKey, target: "shared", expected: "------x-0--0--"),
        Row(entry: .joinOrganization, target: "target-a", expected: "!-----x-------"),
        Row(entry: .joinOrganization, target: "target-b", expected: "------x-------"),
        Row(entry: .joinOrganization, target: "shared", expected: "!-----x-------"),
        Row(entry: .impersonate, target: "target-a", expected: "+-----x..-..-."),
        Row(entry: .impersonate, target: "target-b", expected: "------x..+..-."),
        Row(entry: .impersonate, target: "shared", expected: "------x..-..-."),

        Row(entry: .listGroups, target: "team A", expected: "++++++x+00+0++"),
        Row(entry: .listGroups, target: "team B", expected: "000000x00+0000"),
        Row(entry: .listGroups, target: "pca A", expected: "++++++x+00+0++"),
        Row(entry: .showGroup, target: "team A", expected: "++++++x+00+0++"),
        Row(entry: .showGroup, target: "team B", expected: "000000x00+0000"),
        Row(entry: .showGroup, target: "pca A", expected: "++++++x+00+0++"),
        Row(entry: .listMembers, target: "team A", expected: "++++++x+00+0++"),
        Row(entry: .listMembers, target: "team B", expected: "000000x00+0000"),
        Row(entry: .listMembers, target: "pca A", expected: "++++++x+00+0++"),
        Row(entry: .addMember, target: "team A", expected: "++----x-00-0--"),
        Row(entry: .addMember, target: "team B", expected: "000000x00+0000"),
        Row(entry: .addMember, target: "pca A", expected: "+!----x-00-0--"),
        Row(entry: .removeMember, target: "team A", expected: "++----x-00-0--"),
        Row(entry: .removeMember, target: "team B", expected: "000000x00+0000"),
        Row(entry: .removeMember, target: "pca A", expected: "+!----x-00-0--"),
        Row(entry: .setPermission, target: "team A", expected: "+-----x-00-0--"),
        Row(entry: .setPermissions, target: "team A", expected: "+-----x-00-0--"),
        Row(entry: .setPermission, target: "team B", expected: "000000x00+0000"),
        Row(entry: .setPermissions, target: "team B", expected: "000000x00+0000"),
        Row(entry: .setPermission, target: "pca A", expected: "!!----x-00-0--"),
        Row(entry: .setPermissions, target: "pca A", expected: "!!----x-00-0--"),
        Row(entry: .createGroup, target: "team A", expected: "++----x-------"),
        Row(entry: .createGroup, target: "team B", expected: "------x--+----"),
        Row(entry: .createGroup, target: "pca A", expected: "++----x-------"),
        Row(entry: .deleteGroup, target: "team A", expected: "++----x-00-0--"),
        Row(entry: .deleteGroup, target: "team B", expected: "000000x00+0000"),
        Row(entry: .deleteGroup, target: "pca A", expected: "!!----x-00-0--"),

        Row(entry: .listGroups, target: "user admins A", expected: "++++++x+00+0++"),
        Row(entry: .showGroup, target: "user admins A", expected: "++++++x+00+0++"),
        Row(entry: .listMembers, target: "user admins A", expected: "++++++x+00+0++"),
        Row(entry: .listGroupsWithMemberCounts, target: "team A", expected: "++++++x+00+0++"),
        Row(entry: .listGroupsWithMemberCounts, target: "team B", expected: "000000x00+0000"),
        Row(entry: .listGroupsWithMemberCounts, target: "pca A", expected: "++++++x+00+0++"),
        Row(entry: .listGroupsWithMemberCounts, target: "user admins A", expected: "++++++x+00+0++"),
        Row(entry: .memberCount, target: "team A", expected: "++++++x+00+0++"),
        Row(entry: .memberCount, target: "team B", expected: "000000x00+0000"),
        Row(entry: .memberCount, target: "pca A", expected: "++++++x+00+0++"),
        Row(entry: .memberCount, target: "user admins A", expected: "++++++x+00+0++"),
        Row(entry: .memberPage, target: "team A", expected: "++++++x+00+0++"),
        Row(entry: .memberPage, target: "team B", expected: "000000x00+0000"),
        Row(entry: .memberPage, target: "pca A", expected: "++++++x+00+0++"),
        Row(entry: .memberPage, target: "user admins A", expected: "++++++x+00+0++"),
        Row(entry: .addMember, target: "user admins A", expected: "+-----x-00-0--"),
        Row(entry: .removeMember, target: "user admins A", expected: "++----x-00-0--"),
        Row(entry: .setPermission, target: "user admins A", expected: "++----x-00-0--"),
        Row(entry: .setPermissions, target: "user admins A", expected: "++----x-00-0--"),
        Row(entry: .createGroup, target: "user admins A", expected: "++----x-------"),
        Row(entry: .deleteGroup, target: "user admins A", expected: "++----x-00-0--"),

        Row(entry: .listTokens, target: "A", expected: "+00000x000000+"),
        Row(entry: .listTokens, target: "B", expected: "000000x00+0000"),
        Row(entry: .listTokens, target: "global", expected: "+00000x00+000+"),
        Row(entry: .listTokens, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .showToken, target: "A", expected: "+00000x000000+"),
        Row(entry: .showToken, target: "B", expected: "000000x00+0000"),
        Row(entry: .showToken, target: "global", expected: "+00000x00+000+"),
        Row(entry: .showToken, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .revokeToken, target: "A", expected: "+00000x000000+"),
        Row(entry: .revokeToken, target: "B", expected: "000000x00+0000"),
        Row(entry: .revokeToken, target: "global", expected: "+00000x00+000+"),
        Row(entry: .revokeToken, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .editToken, target: "A", expected: "+00000x000000+"),
        Row(entry: .editToken, target: "B", expected: "000000x00+0000"),
        Row(entry: .editToken, target: "global", expected: "-00000x00-000-"),
        Row(entry: .editToken, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .regenerateToken, target: "A", expected: "!00000x000000!"),
        Row(entry: .regenerateToken, target: "B", expected: "000000x00!0000"),
        Row(entry: .regenerateToken, target: "global", expected: "-00000x00-000-"),
        Row(entry: .regenerateToken, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .bulkRevokeDryRun, target: "A", expected: "+00000x000000+"),
        Row(entry: .bulkRevokeDryRun, target: "B", expected: "000000x00+0000"),
        Row(entry: .bulkRevokeDryRun, target: "global", expected: "+00000x00+000+"),
        Row(entry: .bulkRevokeDryRun, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .listTokensWithOwners, target: "A", expected: "+00000x000000+"),
        Row(entry: .listTokensWithOwners, target: "B", expected: "000000x00+0000"),
        Row(entry: .listTokensWithOwners, target: "global", expected: "+00000x00+000+"),
        Row(entry: .listTokensWithOwners, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .listTokensWithOwnersCounted, target: "A", expected: "+00000x000000+"),
        Row(entry: .listTokensWithOwnersCounted, target: "B", expected: "000000x00+0000"),
        Row(entry: .listTokensWithOwnersCounted, target: "global", expected: "+00000x00+000+"),
        Row(entry: .listTokensWithOwnersCounted, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .bulkRevokeChunk, target: "A", expected: "+00000x000000+"),
        Row(entry: .bulkRevokeChunk, target: "B", expected: "000000x00+0000"),
        Row(entry: .bulkRevokeChunk, target: "global", expected: "+00000x00+000+"),
        Row(entry: .bulkRevokeChunk, target: "service A", expected: "+0000+x000000+"),
        Row(entry: .createTokenFor, target: "A", expected: "!!!!!!x!00!0!!"),
        Row(entry: .createTokenFor, target: "B", expected: "000000x00!0000"),
        Row(entry: .createTokenFor, target: "global", expected: "!!!!!!x!0!!0!!"),
        Row(entry: .createTokenFor, target: "service A", expected: "+----+x-00-0-+"),

        Row(entry: .introspect, target: "A", expected: "!!!!!!!!!!!!!+"),
        Row(entry: .introspect, target: "B", expected: "!!!!!!!!!!!!!0"),
        Row(entry: .introspect, target: "global", expected: "!!!!!!!!!!!!!+"),
        Row(entry: .introspect, target: "service A", expected: "!!!!!!!!!!!!!+"),

        Row(entry: .administeredTokens, target: "A", expected: "+-----x------+"),
        Row(entry: .administeredTokens, target: "B", expected: "------x--+----"),
        Row(entry: .administeredTokens, target: "global", expected: "+-----x------+"),
        Row(entry: .administeredTokens, target: "service A", expected: "+-----x------+"),
        Row(entry: .revokeAuthorizations, target: "A", expected: "+-----x------+"),
        Row(entry: .revokeAuthorizations, target: "B", expected: "------x--+----"),
        Row(entry: .revokeAuthorizations, target: "global", expected: "+-----x------+"),
        Row(entry: .revokeAuthorizations, target: "service A", expected: "+-----x------+"),

        Row(entry: .listContainingGroups, target: "team A", expected: "++++++x+00+0++"),
        Row(entry: .listContainingGroups, target: "team B", expected: "000000x00+0000"),
        Row(entry: .listContainingGroups, target: "pca A", expected: "++++++x+00+0++"),
        Row(entry: .listContainingGroups, target: "user admins A", expected: "++++++x+00+0++"),

        Row(entry: .readPolicies, target: "A", expected: "++++++x+00+0++"),
        Row(entry: .readPolicies, target: "B", expected: "000000x00+0000"),
        Row(entry: .editPolicy, target: "A", expected: "+-----x------+"),
        Row(entry: .editPolicy, target: "B", expected: "------x--+----"),
        Row(entry: .policyImpact, target: "A", expected: "+-----x------+"),
        Row(entry: .policyImpact, target: "B", expected: "------x--+----"),

        Row(entry: .readAudit, target: "team A created", expected: "++----x--0----"),
        Row(entry: .readAudit, target: "team B created", expected: "00----x--+----"),
        Row(entry: .readAudit, target: "shared created", expected: "++----x--+----"),

        Row(entry: .actorOverview, target: "A", expected: "++++++x+00+0++"),
        Row(entry: .actorOverview, target: "B", expected: "000000x00+0000"),
    ]

    @Test("every entry point has rows")
    func everyEntryPointIsCovered() {
        let covered = Set(Self.rows.map(\.entry))
        #expect(covered == Set(EntryPoint.allCases), "missing: \(Set(EntryPoint.allCases).subtracting(covered))")
    }

    @Test("each cell, through the façade", arguments: rows)
    func cell(_ row: Row) throws {
        let template = WalledWorld.template
        var checked = 0
        for (index, login) in Self.actorOrder.enumerated() {
            let expected = Array(row.expected)[index]
            guard expected != "." else { continue }
            let world = row.entry.changesDirectory ? try template.copy() : template
            let before = row.entry.changesDirectory ? try world.snapshot() : nil
            let got = Self.outcome { try Self.run(row.entry, on: row.target, by: world.actor(login), in: world) }
            checked += 1
            #expect(got.code == expected, "\(row.entry.rawValue) on \(row.target) by \(login): expected \(expected), got \(got.code) (\(got.detail))")
            if let before, got.code != "+" {
                #expect(try world.snapshot() == before, "a refused \(row.entry.rawValue) by \(login) changed the directory")
            }
        }
        #expect(checked == row.expected.filter { $0 != "." }.count)
    }

    @Test("the cells add up")
    func cellCount() throws {
        // Printed for the record: how many cells the matrix asserts.
        let cells = Self.rows.reduce(0) { $0 + $1.expected.filter { $0 != "." }.count }
        print("Authorization matrix: \(cells) cells (\(Self.rows.count) rows × \(Self.actorOrder.count) actors, \(EntryPoint.allCases.count) entry points)")
        #expect(cells > 1_300)
    }

    // MARK: Running one cell

    enum MatrixLeak: Error { case overviewBeyondWall, wrongCount }

    static func outcome(_ body: () throws -> Bool) -> (code: Character, detail: String) {
        do {
            return try body() ? ("+", "allowed") : ("0", "not listed")
        } catch let error as GatehouseError {
            switch error {
            case .notFound: return ("0", error.description)
            case .permissionDenied: return ("-", error.description)
            case .notAllowed(let reason) where reason.contains("disabled"): return ("x", reason)
            case .notAllowed, .invalidInput, .alreadyExists: return ("!", error.description)
            default: return ("?", error.description)
            }
        } catch {
            return ("?", "\(error)")
        }
    }

    static func organization(of target: String, _ world: WalledWorld) -> OrganizationID {
        target.hasSuffix("b") || target.hasSuffix("B") || target.contains("team B") ? world.northwind.id : world.contoso.id
    }

    /// Calls the entry point; true when it succeeded (for a list: when the target is in it).
    static func run(_ entry: EntryPoint, on target: String, by actor: Actor, in world: WalledWorld) throws -> Bool {
        let service = world.service
        switch entry {
        // Accounts
        case .listUsers:
            return try collectAll { try service.users(UserQuery(), page: $0, by: actor) }.contains { $0.loginName == target }
        case .listUsersWithCounts:
            let listed = try collectAll { try service.userList(UserQuery(), page: $0, by: actor) }
            // Counts come only with accounts the reader may list: the same accounts as `users`.
            if listed.map(\.user.id) != (try collectAll { try service.users(UserQuery(), page: $0, by: actor) }).map(\.id) { throw MatrixLeak.wrongCount }
            return listed.contains { $0.user.loginName == target }
        case .listUsersCounted:
            let (page, count) = try service.userList(UserQuery(), page: .first(1_000), countCap: 10_000, by: actor)
            // The count is of the accounts the reader sees, never of those behind the wall.
            if count != .exact(page.items.count) { throw MatrixLeak.wrongCount }
            return page.items.contains { $0.user.loginName == target }
        case .showUser:
            return try service.user(world.user(target).id, by: actor).loginName == target
        case .showUsersByID:
            // Asked with every account's id: only those the reader may see come back.
            let everyone = Set(try collectAll { try world.service.users(UserQuery(), page: $0, by: world.root) }.map(\.id))
            let found = try service.users(withIDs: everyone, by: actor)
            if Set(found.keys) != Set(try collectAll { try service.users(UserQuery(), page: $0, by: actor) }.map(\.id)).union([actor.user.id]).intersection(everyone) {
                throw MatrixLeak.wrongCount
            }
            return found.values.contains { $0.loginName == target }
        case .listSSHKeys:
            _ = try service.sshKeys(of: world.user(target).id, by: actor)
        case .effectivePermissions:
            _ = try service.effectivePermissions(of: world.user(target).id, in: organization(of: target, world), by: actor)
        case .editUser:
            let user = world.user(target)
            var draft = UserDraft(user)
            draft.displayName = "Renamed"
            try service.updateUser(user.id, to: draft, expectedVersion: user.version, by: actor)
        case .disableUser:
            try service.setStatus(.disabled, ofUser: world.user(target).id, by: actor)
        case .deleteUser:
            try service.deleteUser(world.user(target).id, by: actor)
        case .addSSHKey:
            try service.addSSHKey(SampleKeys.ed25519.line, to: world.user(target).id, by: actor)
        case .joinOrganization:
            try service.addUser(world.user(target).id, toOrganization: world.contoso.id, by: actor)
        case .impersonate:
            _ = try service.resolveActor(login: actor.user.loginName, asLogin: target)
        // Groups
        case .listGroups:
            let group = world.groups[target]!
            return try collectAll { try service.groups(GroupQuery(), page: $0, by: actor) }.contains { $0.id == group.id }
        case .listGroupsWithMemberCounts:
            let group = world.groups[target]!
            let listed = try collectAll { try service.groupsWithMemberCounts(GroupQuery(), page: $0, by: actor) }.first { $0.group.id == group.id }
            // The count a reader sees is the group's own, never another's or a wall's.
            if let listed, listed.memberCount != (try world.service.members(of: group.id, by: world.root).count) {
                throw MatrixLeak.wrongCount
            }
            return listed != nil
        case .showGroup:
            _ = try service.group(world.groups[target]!.id, by: actor)
        case .memberCount:
            _ = try service.memberCount(of: world.groups[target]!.id, by: actor)
        case .listMembers:
            _ = try service.members(of: world.groups[target]!.id, by: actor)
        case .memberPage:
            _ = try service.memberPage(of: world.groups[target]!.id, page: .first(), by: actor)
        case .addMember:
            let newcomer = ["team A": "reader-a", "team B": "pca-b", "pca A": "target-a", "user admins A": "reader-a"][target]!
            try service.addMember(.user(world.user(newcomer).id), to: world.groups[target]!.id, by: actor)
        case .removeMember:
            let leaving = ["team A": "target-a", "team B": "target-b", "pca A": "pca2-a", "user admins A": "uadmin-a"][target]!
            try service.removeMember(.user(world.user(leaving).id), from: world.groups[target]!.id, by: actor)
        case .listContainingGroups:
            // Graph's memberships "up" of a group.
            _ = try service.groups(containing: world.groups[target]!.id, by: actor)
        case .setPermission:
            try service.setPermission(.manageUsers, to: .allow, for: world.groups[target]!.id, by: actor)
        case .setPermissions:
            try service.setPermissions([.manageUsers: .allow, .viewAuditLog: .deny], for: world.groups[target]!.id, by: actor)
        case .createGroup:
            try service.createGroup(named: "Brand new", in: world.groups[target]!.organizationID, by: actor)
        case .deleteGroup:
            try service.deleteGroup(world.groups[target]!.id, by: actor)
        // Tokens
        case .listTokens:
            let id = world.tokens[target]!.token.id
            return try collectAll { try service.tokens(TokenQuery(), page: $0, by: actor) }.contains { $0.id == id }
        case .showToken:
            _ = try service.token(world.tokens[target]!.token.id, by: actor)
        case .revokeToken:
            try service.revokeToken(world.tokens[target]!.token.id, reason: "matrix", by: actor)
        case .editToken:
            let token = world.tokens[target]!.token
            try service.updateToken(token.id, TokenChanges(displayName: "renamed"), expectedVersion: token.version, by: actor)
        case .regenerateToken:
            _ = try service.regenerateToken(world.tokens[target]!.token.id, by: actor)
        case .introspect:
            // POST /oauth/introspect: a caller acting with its own token.
            return try service.introspect(world.tokens[target]!.secret, by: actor) != nil
        case .administeredTokens:
            // GET {org}/_apis/tokenadmin/personalaccesstokens/{owner}: the owner's tokens in the token's organization.
            let token = world.tokens[target]!.token
            return try collectAll { try service.administeredTokens(ofUser: token.ownerID, in: organization(of: target, world), page: $0, by: actor) }
                .contains { $0.id == token.id }
        case .revokeAuthorizations:
            // POST {org}/_apis/tokenadmin/revocations
            return try service.revokeAuthorizations([world.tokens[target]!.token.id], in: organization(of: target, world), by: actor).count == 1
        case .bulkRevokeDryRun:
            let id = world.tokens[target]!.token.id
            return try service.revokeTokens(matching: TokenQuery(), dryRun: true, by: actor).tokens.contains { $0.id == id }
        case .listTokensWithOwners:
            let id = world.tokens[target]!.token.id
            return try collectAll { try service.tokensWithOwners(TokenQuery(), page: $0, by: actor) }.contains { $0.token.id == id }
        case .listTokensWithOwnersCounted:
            let id = world.tokens[target]!.token.id
            let (page, count) = try service.tokensWithOwners(TokenQuery(), page: .first(1_000), countCap: 10_000, by: actor)
            if count != .exact(page.items.count) { throw MatrixLeak.wrongCount }
            return page.items.contains { $0.token.id == id }
        case .bulkRevokeChunk:
            // Only the target matches, so a refused cell may not revoke anything else either.
            let id = world.tokens[target]!.token.id
            var query = TokenQuery()
            query.idPrefix = String(id.description.filter(\.isHexDigit))
            return try service.revokeTokens(matching: query, reason: "matrix", after: nil, chunkSize: 10, by: actor).revoked.contains { $0.id == id }
        case .createTokenFor:
            let token = world.tokens[target]!.token
            let organization = token.target.organizationID ?? world.contoso.id
            _ = try service.createToken(TokenRequest(displayName: "for them", ownerID: token.ownerID, target: .organization(organization),
                                                     scopes: .custom(["vso.build"]), expiration: .days(7)), by: actor)
        // Policies
        case .readPolicies:
            _ = try service.policies(of: target == "A" ? world.contoso.id : world.northwind.id, by: actor)
        case .editPolicy:
            let organization = target == "A" ? world.contoso.id : world.northwind.id
            let current = try world.service.policies(of: organization, by: world.root)
            try service.updatePolicy(TokenPolicy(kind: .maximumLifespan, isEnabled: true, maximumLifespanDays: 45), in: organization,
                                     expectedVersion: current.version, by: actor)
        case .policyImpact:
            let organization = target == "A" ? world.contoso.id : world.northwind.id
            _ = try service.policyImpact(of: TokenPolicy(kind: .restrictCreation, isEnabled: true), in: organization, by: actor)
        // Audit
        case .readAudit:
            let id = world.auditEventIDs[target]!
            return try collectAll { try service.auditEvents(AuditQuery(), page: $0, by: actor) }.contains { $0.id == id }
        case .actorOverview:
            // Listed when the organization is readable; nothing comes with it about an organization
            // the actor neither reads nor belongs to.
            let overview = try service.overview(of: actor)
            let readable = Set(overview.organizations.map(\.id))
            let own = Set(try world.service.organizations(of: actor.user.id, by: world.root).map(\.id))
            let answered = Set(overview.decisions.keys).union(overview.holding.values.flatMap { $0 })
                .union(overview.nonComplianceRules.map(\.organizationID)).union(overview.memberships.map(\.id))
            guard answered.isSubset(of: readable.union(own)) else { throw MatrixLeak.overviewBeyondWall }
            return readable.contains(organization(of: target, world))
        }
        return true
    }
}
