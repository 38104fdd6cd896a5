import Foundation
import Testing
@testable import GatehouseDomain

@Suite("Effective permissions: deny wins, nesting, and the reason")
struct PermissionTests {
    // MARK: The evaluator on its own

    static func path(_ names: String...) -> GroupPath {
        GroupPath(names.map { GroupReference(id: GroupID(), name: $0) })
    }

    @Test("a group's settings as the stores aggregate them: each known pair read, unknown names and values skipped")
    func aggregatedSettings() {
        let read = GroupReachEdge.settings(aggregated: "manage-users=allow create-tokens=deny future-permission=allow manage-groups=maybe edit-policies=not-set =allow manage-others-tokens=")
        #expect(read == [.manageUsers: .allow, .createTokens: .deny, .editPolicies: .notSet])
        #expect(GroupReachEdge.settings(aggregated: nil).isEmpty)
        #expect(GroupReachEdge.settings(aggregated: "").isEmpty)
        #expect(GroupReachEdge.settings(aggregated: "manage-users=allow  manage-users=deny") == [.manageUsers: .deny])
    }

    @Test("a Deny anywhere wins over an Allow, whatever the order the groups are reached in")
    func denyWinsInEvaluator() {
        let allow = Self.path("Contributors")
        let deny = Self.path("Team", "Blocked")
        for reached in [[allow, deny], [deny, allow]] {
            let evaluator = PermissionEvaluator(reachedGroups: reached, settings: [
                allow.group.id: [.manageGroups: .allow],
                deny.group.id: [.manageGroups: .deny],
            ])
            let decision = evaluator.decide(.manageGroups)
            #expect(!decision.isAllowed)
            #expect(decision.source == .denied(by: deny))
            #expect(decision.reasonText == "denied by Blocked via Team \u{2192} Blocked")
        }
    }

    @Test("the closest allowing group is named; Not set everywhere means denied")
    func closestAllowAndNotSet() {
        let near = Self.path("Readers")
        let far = Self.path("Team", "Builders")
        let evaluator = PermissionEvaluator(reachedGroups: [near, far], settings: [
            near.group.id: [.viewAuditLog: .allow],
            far.group.id: [.viewAuditLog: .allow, .createTokens: .allow],
        ])
        #expect(evaluator.decide(.viewAuditLog).source == .allowed(by: near))
        #expect(evaluator.decide(.viewAuditLog).reasonText == "allowed by Readers")
        #expect(evaluator.decide(.createTokens).reasonText == "allowed by Builders via Team \u{2192} Builders")
        let unset = evaluator.decide(.manageUsers)
        #expect(unset.source == .notSet)
        #expect(!unset.isAllowed)
        #expect(unset.reasonText == "not set in any group the account belongs to")
        #expect(evaluator.decideAll().map(\.permission) == Permission.allCases)
    }

    // MARK: Through the façade

    @Test("Deny in one group beats Allow in another: the decision, its reason, and the refusal")
    func denyWins() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.projectAdministrators])
        try dir.addGroup("Blocked", members: [.user(bob.id)], permissions: [.manageGroups: .deny])

        let decision = try #require(try dir.service.effectivePermissions(of: bob.id, in: dir.orgID, by: dir.admin).first { $0.permission == .manageGroups })
        #expect(!decision.isAllowed)
        guard case let .denied(by) = decision.source else {
            Issue.record("expected a denial, got \(decision.source)")
            return
        }
        #expect(by.text == "Blocked")
        #expect(decision.reasonText == "denied by Blocked")

        let before = try dir.snapshot()
        let error = expectError { try dir.service.createGroup(named: "Bob's group", in: dir.orgID, by: try dir.actor("bob")) }
        #expect(error?.denial?.permission == .manageGroups)
        #expect(error?.description.contains("\u{201C}Manage groups\u{201D}") == true)
        #expect(error?.description.contains("denied by Blocked") == true)
        #expect(try dir.snapshot() == before)
    }

    @Test("a Deny reached through nesting beats a direct Allow")
    func nestedDenyBeatsDirectAllow() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.projectAdministrators])
        let team = try dir.addGroup("Team", members: [.user(bob.id)])
        try dir.addGroup("Quarantine", members: [.group(team.id)], permissions: [.manageGroups: .deny])
        let decision = try dir.service.decision(.manageGroups, in: dir.orgID, for: try dir.actor("bob"))
        #expect(!decision.isAllowed)
        #expect(decision.reasonText == "denied by Quarantine via Team \u{2192} Quarantine")
    }

    @Test("Allow is inherited through nesting (user ∈ A ∈ B, B allows), and the reason shows the path")
    func allowThroughNesting() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob")
        let a = try dir.addGroup("A", members: [.user(bob.id)])
        let b = try dir.addGroup("B", members: [.group(a.id)], permissions: [.manageGroups: .allow])

        let decision = try dir.service.decision(.manageGroups, in: dir.orgID, for: try dir.actor("bob"))
        #expect(decision.isAllowed)
        #expect(decision.source == .allowed(by: GroupPath([GroupReference(a), GroupReference(b)])))
        #expect(decision.reasonText == "allowed by B via A \u{2192} B")

        // And the permission really works: bob may now create a group.
        let created = try dir.service.createGroup(named: "Made by Bob", in: dir.orgID, by: try dir.actor("bob"))
        #expect(try dir.service.group(created.id, by: dir.admin).name == "Made by Bob")

        // Take bob out of A: the inherited permission is gone.
        try dir.service.removeMember(.user(bob.id), from: a.id, by: dir.admin)
        let after = try dir.service.decision(.manageGroups, in: dir.orgID, for: try dir.actor("bob"))
        #expect(after.source == .notSet)
    }

    @Test("Not set in every group means denied, and the refusal says so")
    func notSetIsDenied() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.readers])
        let decisions = try dir.service.effectivePermissions(of: bob.id, in: dir.orgID, by: dir.admin)
        let byPermission = Dictionary(uniqueKeysWithValues: decisions.map { ($0.permission, $0) })
        for permission in [Permission.manageUsers, .manageGroups, .manageOthersTokens, .editPolicies, .viewAuditLog] {
            #expect(byPermission[permission]?.source == .notSet, "\(permission)")
            #expect(byPermission[permission]?.isAllowed == false)
        }
        // Every member gets Create tokens from Project Collection Valid Users.
        #expect(byPermission[.createTokens]?.reasonText == "allowed by Project Collection Valid Users")

        let error = expectError { try dir.service.auditEvents(AuditQuery(), by: try dir.actor("bob")) }
        #expect(error?.denial?.permission == .viewAuditLog)
        #expect(error?.description.contains("not set in any group the account belongs to") == true)
    }

    @Test("the first administrator holds every permission through Project Collection Administrators")
    func administratorHoldsEverything() throws {
        let dir = try TestDirectory()
        for decision in try dir.service.effectivePermissions(of: dir.admin.user.id, in: dir.orgID, by: dir.admin) {
            #expect(decision.isAllowed, "\(decision.permission)")
            #expect(decision.reasonText == "allowed by Project Collection Administrators")
        }
        // Nobody can lock the organization out by editing that group.
        let pca = try dir.defaultGroup(.projectCollectionAdministrators)
        let error = expectError { try dir.service.setPermission(.manageUsers, to: .deny, for: pca.id, by: dir.admin) }
        #expect(error?.isNotAllowed == true)
    }

    // MARK: Cycles

    @Test("adding B to A when A ∈ B is refused, naming the groups in order; nothing is written")
    func twoGroupCycle() throws {
        let dir = try TestDirectory()
        let a = try dir.addGroup("A")
        let b = try dir.addGroup("B", members: [.group(a.id)])
        let before = try dir.snapshot()
        let error = expectError { try dir.service.addMember(.group(b.id), to: a.id, by: dir.admin) }
        #expect(error == .membershipCycle(path: ["B", "A", "B"]))
        #expect(error?.description.contains("B \u{2192} A \u{2192} B") == true)
        #expect(try dir.snapshot() == before)
    }

    @Test("a longer cycle (A ∈ B ∈ C, then C into A) is refused with the whole chain")
    func threeGroupCycle() throws {
        let dir = try TestDirectory()
        let a = try dir.addGroup("A")
        let b = try dir.addGroup("B", members: [.group(a.id)])
        let c = try dir.addGroup("C", members: [.group(b.id)])
        let before = try dir.snapshot()
        let error = expectError { try dir.service.addMember(.group(c.id), to: a.id, by: dir.admin) }
        #expect(error == .membershipCycle(path: ["C", "B", "A", "C"]))
        #expect(try dir.snapshot() == before)
        // B into A closes a shorter loop through the same chain.
        #expect(expectError { try dir.service.addMember(.group(b.id), to: a.id, by: dir.admin) } == .membershipCycle(path: ["B", "A", "B"]))
    }

    @Test("a group cannot contain itself")
    func selfMembership() throws {
        let dir = try TestDirectory()
        let a = try dir.addGroup("A")
        let before = try dir.snapshot()
        let error = expectError { try dir.service.addMember(.group(a.id), to: a.id, by: dir.admin) }
        #expect(error == .membershipCycle(path: ["A", "A"]))
        #expect(try dir.snapshot() == before)
    }

    @Test("a diamond (two paths to the same group) is not a cycle and is allowed")
    func diamondIsAllowed() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob")
        let a = try dir.addGroup("A", members: [.user(bob.id)])
        let b = try dir.addGroup("B", members: [.group(a.id)])
        let c = try dir.addGroup("C", members: [.group(a.id)])
        let d = try dir.addGroup("D", members: [.group(b.id)], permissions: [.viewAuditLog: .allow])
        try dir.service.addMember(.group(c.id), to: d.id, by: dir.admin)
        #expect(try dir.service.members(of: d.id, by: dir.admin).map(\.name) == ["B", "C"])
        let decision = try dir.service.decision(.viewAuditLog, in: dir.orgID, for: try dir.actor("bob"))
        #expect(decision.reasonText == "allowed by D via A \u{2192} B \u{2192} D")
    }
}
