import Foundation
import Testing
import GatehouseTestSupport
@testable import GatehouseDomain
import GatehouseStore

/// The audit's findings, one test each: each reproduced what an attacker did with the demo
/// directory (bhoffmann ≈ pca-a, cokafor ≈ pca-b, aandersen ≈ shared, jlopez ≈ pm-a).
@Suite("Organization walls: the audit's findings")
struct OrganizationWallFindingsTests {
    // 1. Taking over another organization's administrator.
    @Test("an administrator cannot pull another organization's administrator in, then manage the account from there")
    func takeover() throws {
        let world = try WalledWorld.template.copy()
        let pcaA = world.actor("pca-a")
        let before = try world.snapshot()
        let join = expectError { try world.service.addUser(world.user("pca-b").id, toOrganization: world.contoso.id, by: pcaA) }
        #expect(join?.denial?.permission == .manageUsers, "got \(String(describing: join))")
        // shared is already in Contoso, and administers Northwind: Contoso's admin cannot reach into Northwind through it.
        let shared = world.user("shared")
        #expect(expectError { try world.service.setStatus(.disabled, ofUser: shared.id, by: pcaA) }?.denial?.permission == .manageUsers)
        #expect(expectError { try world.service.addSSHKey(SampleKeys.ed25519.line, to: shared.id, by: pcaA) }?.denial?.permission == .manageUsers)
        var renamed = UserDraft(shared)
        renamed.loginName = "nobody"
        #expect(expectError { try world.service.updateUser(shared.id, to: renamed, expectedVersion: shared.version, by: pcaA) }?.denial?.permission == .manageUsers)
        #expect(expectError { try world.service.deleteUser(shared.id, by: pcaA) }?.denial?.permission == .manageUsers)
        #expect(try world.snapshot() == before)
        // With Manage users in an organization the account already belongs to, joining is allowed.
        let third = try world.service.createOrganization(named: "Fabrikam", by: world.root)
        try world.service.addUser(world.user("target-a").id, toOrganization: third.id, by: world.root)
        // An edit of a shared account is seen by the auditors of both organizations.
        var edited = UserDraft(shared)
        edited.email = "shared@example.com"
        try world.service.updateUser(shared.id, to: edited, expectedVersion: shared.version, by: world.root)
        for auditor in ["pca-a", "pca-b"] {
            let events = try world.service.auditEvents(AuditQuery(actions: [.userUpdated]), by: world.actor(auditor)).items
            #expect(events.contains { $0.target.name == "shared" }, "\(auditor) does not see the edit of a member of their organization")
        }
    }

    // 2. --as checked only the impersonator's right to impersonate.
    @Test("acting as someone needs Manage users wherever they are, and never gives more than one's own rights")
    func impersonation() throws {
        let world = try WalledWorld.template.copy()
        #expect(expectError { try world.service.resolveActor(login: "pca-a", asLogin: "pca-b") }?.denial?.permission == .manageUsers)
        #expect(expectError { try world.service.resolveActor(login: "pca-a", asLogin: "shared") }?.denial?.permission == .manageUsers)
        // uadmin-a holds only Manage users; acting as pm-a (who manages groups) does not lend pm-a's rights.
        let asProjectAdmin = world.actor("uadmin-a as pm-a")
        let refusal = expectError { try world.service.createGroup(named: "Mine", in: world.contoso.id, by: asProjectAdmin) }
        #expect(refusal?.description.contains("uadmin-a does not hold it there") == true, "got \(String(describing: refusal))")
        #expect(expectError { try world.service.auditEvents(AuditQuery(), by: asProjectAdmin) }?.denial?.permission == .viewAuditLog)
        // pca-a as contrib-a cannot touch Northwind's administrators.
        let northwindAdmins = world.groups["pca B"]!
        #expect(expectError { try world.service.addMember(.user(world.user("target-b").id), to: northwindAdmins.id, by: world.actor("pca-a as contrib-a")) }?.isNotFound == true)
    }

    // 3. Cross-organization reads.
    @Test("every list, count and detail shows an organization's objects only to those who may read them there")
    func crossOrganizationReads() throws {
        let world = WalledWorld.template
        let pcaB = world.actor("pca-b")
        let tokens = try collectAll { try world.service.tokens(TokenQuery(), page: $0, by: pcaB) }
        #expect(Set(tokens.map(\.displayName)) == ["target-b's", "shared's"], "Northwind's admin sees Northwind's tokens and global ones of its members")
        #expect(try world.service.count(TokenQuery(), by: pcaB) == tokens.count)
        #expect(try world.service.count(TokenQuery(), cap: 10_000, by: pcaB) == .exact(tokens.count))
        // pm-a reads Contoso's audit log: nothing of Northwind, even when asking for it.
        let pm = world.actor("pm-a")
        let asked = try collectAll { try world.service.auditEvents(AuditQuery(organizationID: world.northwind.id), page: $0, by: pm) }
        #expect(!asked.contains { $0.id == world.auditEventIDs["team B created"] }, "a Northwind-only event")
        #expect(asked.map(\.id) == [world.auditEventIDs["shared created"]], "only the event that affects Contoso too: \(asked.map(\.action))")
        #expect(try world.service.count(AuditQuery(organizationID: world.northwind.id), by: pm) == asked.count)
        let users = try collectAll { try world.service.users(UserQuery(), page: $0, by: pcaB) }
        #expect(Set(users.map(\.loginName)) == ["root", "pca-b", "target-b", "shared"])
        #expect(try world.service.count(UserQuery(), by: pcaB) == users.count)
        #expect(try world.service.organizations(by: pcaB).map(\.name) == ["Northwind"])
        #expect(expectError { try world.service.organization(named: "Contoso", by: pcaB) }?.isNotFound == true)
        // shared, in both: Contoso's admin sees only the Contoso side.
        let pcaA = world.actor("pca-a")
        #expect(try world.service.organizations(of: world.user("shared").id, by: pcaA).map(\.name) == ["Contoso"])
        #expect(try world.service.groups(of: world.user("shared").id, by: pcaA).allSatisfy { $0.organizationID == world.contoso.id })
        let counts = try world.service.listCounts(for: [world.user("shared")], by: pcaA)
        #expect(counts[world.user("shared").id]?.groups == 2, "Contributors and Project Collection Valid Users of Contoso, not Northwind's")
        // The bulk revoke's dry run is exactly the list.
        let dryRun = try world.service.revokeTokens(matching: TokenQuery(), dryRun: true, by: pcaB)
        #expect(Set(dryRun.tokens.map(\.id)) == Set(tokens.map(\.id)))
        // The policy view's non-compliance rules are the reader's organizations' only.
        #expect(try world.service.nonComplianceRules(by: pcaB).allSatisfy { $0.organizationID == world.northwind.id })
    }

    // 4. Granting yourself more.
    @Test("nobody gives anyone, themselves included, a permission they do not hold")
    func noSelfGranting() throws {
        let world = try WalledWorld.template.copy()
        let pm = world.actor("pm-a")
        let before = try world.snapshot()
        let administrators = world.groups["pca A"]!
        #expect(expectError { try world.service.addMember(.user(pm.user.id), to: administrators.id, by: pm) }?.isNotAllowed == true)
        let userAdmins = world.groups["user admins A"]!
        #expect(expectError { try world.service.addMember(.user(pm.user.id), to: userAdmins.id, by: pm) }?.denial?.permission == .manageUsers)
        let team = world.groups["team A"]!
        #expect(expectError { try world.service.setPermission(.editPolicies, to: .allow, for: team.id, by: pm) }?.denial?.permission == .editPolicies)
        // Nesting a group inside the administrators is the same as adding its members.
        #expect(expectError { try world.service.addMember(.group(team.id), to: administrators.id, by: pm) }?.isNotAllowed == true)
        #expect(try world.snapshot() == before)
        // Lifting a Deny gives the permission back: only someone who holds it may.
        let noAudit = try world.service.createGroup(named: "No audit", in: world.contoso.id, by: world.root)
        try world.service.setPermission(.viewAuditLog, to: .deny, for: noAudit.id, by: world.root)
        try world.service.addMember(.user(world.user("target-a").id), to: noAudit.id, by: world.root)
        let uadmin = try world.service.resolveActor(login: "uadmin-a")
        try world.service.setPermission(.manageGroups, to: .allow, for: userAdmins.id, by: world.root)
        #expect(expectError { try world.service.removeMember(.user(world.user("target-a").id), from: noAudit.id, by: uadmin) }?.denial?.permission == .viewAuditLog)
        #expect(expectError { try world.service.deleteGroup(noAudit.id, by: uadmin) }?.denial?.permission == .viewAuditLog)
        // The last active administrator stays.
        try world.service.setStatus(.disabled, ofUser: world.user("pca2-a").id, by: world.root)
        try world.service.removeMember(.user(world.root.user.id), from: administrators.id, by: world.root)
        let last = expectError { try world.service.removeMember(.user(world.user("pca-a").id), from: administrators.id, by: world.actor("pca-a")) }
        #expect(last?.description.contains("last active member") == true, "got \(String(describing: last))")
        let lastDisabled = expectError { try world.service.setStatus(.disabled, ofUser: world.user("pca-a").id, by: uadmin) }
        #expect(lastDisabled?.description.contains("last active Project Collection Administrator of Contoso") == true, "got \(String(describing: lastDisabled))")
    }

    // 6. Regenerate handed an admin someone else's credential.
    @Test("an administrator regenerates only tokens of accounts it may create tokens for; it may revoke anyone's")
    func regenerateRule() throws {
        let world = try WalledWorld.template.copy()
        let pcaA = world.actor("pca-a")
        let persons = world.tokens["A"]!
        let refusal = expectError { try world.service.regenerateToken(persons.token.id, by: pcaA) }
        #expect(refusal?.description.contains("only its owner may regenerate it") == true)
        #expect(try world.service.verify(persons.secret).success != nil)
        let global = expectError { try world.service.regenerateToken(world.tokens["global"]!.token.id, by: pcaA) }
        #expect(global?.denial?.permission == .manageOthersTokens, "a global token works in Northwind too")
        let service = try world.service.regenerateToken(world.tokens["service A"]!.token.id, by: pcaA)
        #expect(try world.service.verify(service.secret).success?.owner.loginName == "svc-a")
        try world.service.revokeToken(persons.token.id, reason: "admin revoke", by: pcaA)
    }

    // 7. Disabled actors kept going.
    @Test("every call re-reads the actor and the impersonator, reads included")
    func disabledActorsStop() throws {
        let world = try WalledWorld.template.copy()
        let impersonating = world.actor("pca-a as contrib-a")
        try world.service.setStatus(.disabled, ofUser: world.user("pca-a").id, by: world.root)
        let change = expectError { try world.service.createToken(TokenRequest(displayName: "late", target: .organization(world.contoso.id), scopes: .custom(["vso.code"]), expiration: .days(7)), by: impersonating) }
        #expect(change?.description.contains("disabled") == true)
        #expect(expectError { try world.service.users(UserQuery(), by: impersonating) }?.description.contains("disabled") == true)
        let pm = world.actor("pm-a")
        try world.service.setStatus(.disabled, ofUser: pm.user.id, by: world.root)
        #expect(expectError { try world.service.auditEvents(AuditQuery(), by: pm) }?.description.contains("disabled") == true)
    }

    @Test("an SSH session stops at its next call once its key is deleted; a token's actor once the token is revoked")
    func credentialsAreReread() throws {
        let world = try WalledWorld.template.copy()
        let session = world.actor("contrib-a via SSH key")
        #expect(try world.service.users(UserQuery(), by: session).items.isEmpty == false)
        guard case let .sshKey(fingerprint)? = session.credential else { Issue.record("not an SSH actor"); return }
        let key = try #require(try world.service.sshKeys(of: session.user.id, by: session).first { $0.fingerprint == fingerprint })
        try world.service.removeSSHKey(key.id, by: world.root)
        #expect(expectError { try world.service.users(UserQuery(), by: session) }?.description.contains("no longer registered") == true)
        let automation = world.actor("contrib-a via token")
        #expect(try world.service.tokens(TokenQuery(), by: automation).items.isEmpty == false)
        try world.service.revokeToken(world.tokens["contrib-a tokens scope"]!.token.id, reason: "leaked", by: world.root)
        #expect(expectError { try world.service.tokens(TokenQuery(), by: automation) }?.description.contains("no longer active") == true)
    }

    // 8. A revoke lost a race against a regenerate.
    @Test("a revocation racing a regeneration always wins, from two processes' worth of stores")
    func revocationWins() throws {
        let world = try WalledWorld.template.copy()
        let other = AccessService(store: try SQLiteDirectoryStore(path: world.path), catalog: world.service.catalog, clock: world.clock)
        let admin = world.actor("pca-a")
        for round in 0..<30 {
            let issued = try world.service.createToken(TokenRequest(displayName: "race \(round)", ownerID: world.user("svc-a").id,
                                                                  target: .organization(world.contoso.id), scopes: .custom(["vso.code"]), expiration: .days(7)), by: admin)
            let seen = issued.token
            let group = DispatchGroup()
            let failures = Failures()
            DispatchQueue.global().async(group: group) {
                do { _ = try other.regenerateToken(seen.id, by: admin) } catch { failures.note("regenerate: \(error)") }
            }
            DispatchQueue.global().async(group: group) {
                do { try world.service.revokeToken(seen.id, reason: "race", expectedVersion: seen.version, by: admin) } catch { failures.note("revoke: \(error)") }
            }
            group.wait()
            #expect(!failures.messages.contains { $0.hasPrefix("revoke") }, "round \(round): \(failures.messages)")
            #expect(try world.service.token(seen.id, by: admin).revocation != nil, "round \(round): the token stayed active")
        }
    }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var messages: [String] = []
        func note(_ message: String) { lock.lock(); messages.append(message); lock.unlock() }
    }

    // 9. Look-alike names.
    @Test("a group, organization or login that looks like an existing one is refused, naming it",
          arguments: [
            ("group", "Project Collection Administr\u{0430}tors", "Project Collection Administrators"),
            ("organization", "\u{0421}\u{043E}ntoso", "Contoso"),
            ("login", "rnary", "mary"),
            ("login", "paypa1", "paypal"),
          ])
    func lookAlikes(_ kind: String, _ name: String, _ existing: String) throws {
        let world = try WalledWorld.template.copy()
        let root = world.root
        if kind == "login" {
            try world.service.createUser(UserDraft(displayName: existing, loginName: existing), in: [world.contoso.id], by: root)
        }
        let before = try world.snapshot()
        let error = expectError {
            switch kind {
            case "group": _ = try world.service.createGroup(named: name, in: world.contoso.id, by: root)
            case "organization": _ = try world.service.createOrganization(named: name, by: root)
            default: _ = try world.service.createUser(UserDraft(displayName: name, loginName: name), in: [world.contoso.id], by: root)
            }
        }
        #expect(error?.category == .invalid, "got \(String(describing: error))")
        #expect(error?.description.contains("\u{201C}\(existing)\u{201D}") == true, "names the existing one: \(String(describing: error))")
        #expect(try world.snapshot() == before)
        // Different names stay possible.
        _ = try world.service.createGroup(named: "Project Reviewers", in: world.contoso.id, by: root)
    }

    @Test("skeletons: case, Cyrillic, digits and rn are folded; different names are not")
    func skeletons() {
        #expect(ConfusableText.areConfusable("Contoso", "\u{0421}\u{043E}ntoso"))
        #expect(ConfusableText.areConfusable("mary", "rnary"))
        #expect(ConfusableText.areConfusable("Readers", "READERS"))
        #expect(!ConfusableText.areConfusable("Readers", "Leaders"))
        #expect(ConfusableText.skeleton("") == "")
    }
}
