import Foundation
import Testing
import GatehouseTestSupport
import GatehouseDomain
import GatehouseStore

/// `DirectoryReader.permissionHolders` (what Restrict token creation's confirmation counts), on
/// every backend, against the one-person evaluation the façade uses for `effectivePermissions`:
/// nesting, Deny winning, exempt users and groups (nested too), disabled accounts and the cap.
@Suite("Permission holders, on every backend")
struct PermissionHoldersTests {
    /// Builders (Allow Create tokens) ⊃ Team; Contractors (Deny); Exempt ⊃ Exempt inner.
    struct Directory {
        let world: World
        let users: [String: User]
        let exempt: Set<PolicyExemption>

        init(_ backend: Backend) throws {
            let world = try World(backend)
            let service = world.service, admin = world.admin, organization = world.organization.id
            var users: [String: User] = [:]
            for login in ["direct", "nested", "denied", "plain", "disabled", "inexempt", "exemptuser", "both"] {
                users[login] = try world.addUser(login)
            }
            let builders = try world.addGroup("Builders"), team = try world.addGroup("Team")
            let contractors = try world.addGroup("Contractors")
            let exempt = try world.addGroup("Exempt"), exemptInner = try world.addGroup("Exempt inner")
            try service.setPermissions([.createTokens: .allow], for: builders.id, by: admin)
            try service.setPermissions([.createTokens: .deny], for: contractors.id, by: admin)
            try service.addMember(.group(team.id), to: builders.id, by: admin)
            try service.addMember(.group(exemptInner.id), to: exempt.id, by: admin)
            func add(_ login: String, _ group: SecurityGroup) throws {
                try service.addMember(.user(users[login]!.id), to: group.id, by: admin)
            }
            try add("direct", builders)
            try add("nested", team)
            try add("denied", team)
            try add("denied", contractors)
            try add("disabled", team)
            try add("inexempt", team)
            try add("inexempt", exemptInner)
            try add("exemptuser", builders)
            try add("both", builders)
            try add("both", team)
            _ = try service.setStatus(.disabled, ofUser: users["disabled"]!.id, by: admin)
            self.world = world
            self.users = users
            self.exempt = [.group(exempt.id), .user(users["exemptuser"]!.id)]
        }

        /// Who the policy would stop, person by person: active members holding Create tokens by
        /// the façade's own evaluation, minus the exempt ones.
        func expected() throws -> Set<String> {
            var holders: Set<String> = []
            for user in try world.allUsers(UserQuery(organizationID: world.organization.id)) where user.isActive {
                let decisions = try world.service.effectivePermissions(of: user.id, in: world.organization.id, by: world.admin)
                guard decisions.contains(where: { $0.permission == .createTokens && $0.isAllowed }) else { continue }
                guard !["inexempt", "exemptuser"].contains(user.loginName) else { continue }
                holders.insert(user.loginName)
            }
            return holders
        }

        func holders(only user: UserID? = nil, cap: Int = 1_000) throws -> ListCount {
            try world.store.read { reader in
                try reader.permissionHolders(.createTokens, in: world.organization.id, exempt: exempt, only: user, cap: cap)
            }
        }
    }

    @Test("counts who holds the permission: nested Allow counts, Deny wins, exempt and disabled do not", arguments: Backend.available)
    func countsWhatOnePersonsEvaluationSays(_ backend: Backend) throws {
        let directory = try Directory(backend)
        let expected = try directory.expected()
        #expect(expected.isSuperset(of: ["direct", "nested", "both", "admin"]))
        #expect(expected.isDisjoint(with: ["denied", "disabled", "inexempt", "exemptuser"]))
        #expect(try directory.holders() == .exact(expected.count))
        for (login, user) in directory.users {
            #expect(try directory.holders(only: user.id) == .exact(expected.contains(login) ? 1 : 0), "\(login)")
        }
    }

    @Test("stops at the cap, saying the count is a lower bound", arguments: Backend.available)
    func capped(_ backend: Backend) throws {
        let directory = try Directory(backend)
        let expected = try directory.expected().count
        #expect(try directory.holders(cap: expected - 1) == ListCount(expected - 1, isExact: false))
        #expect(try directory.holders(cap: expected) == .exact(expected))
    }

    @Test("the policy's impact is the same count, with the actor among them", arguments: Backend.available)
    func policyImpact(_ backend: Backend) throws {
        let directory = try Directory(backend)
        let world = directory.world
        var policy = try world.service.policies(of: world.organization.id, by: world.admin)[.restrictCreation]
        policy.isEnabled = true
        policy.exemptions = directory.exempt
        let impact = try world.service.policyImpact(of: policy, in: world.organization.id, by: world.admin)
        #expect(impact.usersLosingCreation == (try directory.expected().count))
        #expect(impact.usersLosingCreationIsExact)
        #expect(impact.includesActor)
        policy.exemptions.insert(.user(world.admin.user.id))
        #expect(try world.service.policyImpact(of: policy, in: world.organization.id, by: world.admin).includesActor == false)
    }
}
