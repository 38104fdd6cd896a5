import Foundation
import Testing
@testable import GatehouseDomain

/// One creation policy, set up as an administrator would, with a request it refuses and (when there is
/// one) a request it lets through.
struct CreationPolicyCase: Sendable, CustomTestStringConvertible {
    let name: String
    let kind: PolicyKind
    let maximumLifespanDays: Int
    let packagingOnly: Bool
    let refusedTarget: Bool // true: the refused request is global
    let refusedScopes: ScopeSelection
    let refusedDays: Int
    let allowedScopes: ScopeSelection?
    let allowedDays: Int

    var testDescription: String { name }

    static let all: [CreationPolicyCase] = [
        CreationPolicyCase(name: "Restrict global tokens", kind: .restrictGlobalTokens, maximumLifespanDays: 90, packagingOnly: false,
                           refusedTarget: true, refusedScopes: .custom(["vso.code"]), refusedDays: 30,
                           allowedScopes: .custom(["vso.code"]), allowedDays: 30),
        CreationPolicyCase(name: "Restrict full-scoped tokens", kind: .restrictFullScopedTokens, maximumLifespanDays: 90, packagingOnly: false,
                           refusedTarget: false, refusedScopes: .fullAccess, refusedDays: 30,
                           allowedScopes: .custom(["vso.code_manage", "vso.build"]), allowedDays: 30),
        // Boundary: exactly the maximum passes, one day more fails.
        CreationPolicyCase(name: "Maximum lifespan (30 days)", kind: .maximumLifespan, maximumLifespanDays: 30, packagingOnly: false,
                           refusedTarget: false, refusedScopes: .custom(["vso.code"]), refusedDays: 31,
                           allowedScopes: .custom(["vso.code"]), allowedDays: 30),
        CreationPolicyCase(name: "Restrict creation", kind: .restrictCreation, maximumLifespanDays: 90, packagingOnly: false,
                           refusedTarget: false, refusedScopes: .custom(["vso.packaging"]), refusedDays: 30,
                           allowedScopes: nil, allowedDays: 30),
        CreationPolicyCase(name: "Restrict creation (packaging only)", kind: .restrictCreation, maximumLifespanDays: 90, packagingOnly: true,
                           refusedTarget: false, refusedScopes: .custom(["vso.packaging", "vso.code"]), refusedDays: 30,
                           allowedScopes: .custom(["vso.packaging_manage"]), allowedDays: 30),
    ]

    func enable(in dir: TestDirectory, exemptions: Set<PolicyExemption>) throws {
        try dir.setPolicy(kind, enabled: true, maximumLifespanDays: maximumLifespanDays, packagingOnly: packagingOnly, exemptions: exemptions)
    }

    func refusedRequest(_ dir: TestDirectory) -> TokenRequest {
        dir.request("refused", target: refusedTarget ? .allAccessibleOrganizations : nil, scopes: refusedScopes, days: refusedDays)
    }
}

/// How the token owner is exempted from a policy.
enum ExemptionRoute: String, Sendable, CaseIterable {
    case user = "the user is on the allow-list"
    case group = "a group the user is in is on the allow-list"
    case nestedGroup = "a group containing the user's group is on the allow-list"
}

@Suite("Organization policies and their allow-lists")
struct PolicyTests {
    /// bob (a Contributor), carol and the groups Team (bob ∈ Team) and Exempt (Team ∈ Exempt).
    struct Setup {
        let dir: TestDirectory
        let bob: User
        let bobActor: Actor
        let carol: User
        let team: SecurityGroup
        let outer: SecurityGroup

        init() throws {
            dir = try TestDirectory()
            bob = try dir.addUser("bob", groups: [.contributors])
            carol = try dir.addUser("carol", groups: [.contributors])
            team = try dir.addGroup("Team", members: [.user(bob.id)])
            outer = try dir.addGroup("Exempt", members: [.group(team.id)])
            bobActor = try dir.actor("bob")
        }

        func exemption(_ route: ExemptionRoute) -> PolicyExemption {
            switch route {
            case .user: .user(bob.id)
            case .group: .group(team.id)
            case .nestedGroup: .group(outer.id)
            }
        }
    }

    @Test("a policy refuses a non-exempt owner, naming the policy; nothing is written", arguments: CreationPolicyCase.all)
    func refusesNonExempt(_ policy: CreationPolicyCase) throws {
        let s = try Setup()
        // Exemptions for someone else, and for a group bob is not in, do not help bob.
        let carolsGroup = try s.dir.addGroup("Carol's", members: [.user(s.carol.id)])
        try policy.enable(in: s.dir, exemptions: [.user(s.carol.id), .group(carolsGroup.id)])

        let before = try s.dir.snapshot()
        let error = expectError { try s.dir.service.createToken(policy.refusedRequest(s.dir), by: s.bobActor) }
        let violation = try #require(error?.violation)
        #expect(violation.kind == policy.kind)
        #expect(violation.organizationName == "Default")
        #expect(error?.description.contains("\u{201C}\(policy.kind.title)\u{201D}") == true)
        #expect(error?.description.contains("Default") == true)
        #expect(try s.dir.snapshot() == before, "a refused token leaves no token and no audit row")

        if let scopes = policy.allowedScopes {
            let issued = try s.dir.service.createToken(s.dir.request("allowed", scopes: scopes, days: policy.allowedDays), by: s.bobActor)
            #expect(issued.token.ownerID == s.bob.id)
        }
        // carol, on the allow-list, gets the refused settings.
        let carols = try s.dir.service.createToken(policy.refusedRequest(s.dir), by: try s.dir.actor("carol"))
        #expect(carols.token.ownerID == s.carol.id)
    }

    @Test("an exempt owner may create what the policy refuses others",
          arguments: CreationPolicyCase.all, ExemptionRoute.allCases)
    func exemptOwnerPasses(_ policy: CreationPolicyCase, _ route: ExemptionRoute) throws {
        let s = try Setup()
        try policy.enable(in: s.dir, exemptions: [s.exemption(route)])
        let issued = try s.dir.service.createToken(policy.refusedRequest(s.dir), by: s.bobActor)
        #expect(issued.token.ownerID == s.bob.id)
        let checks = try s.dir.service.policyChecks(for: policy.refusedRequest(s.dir), by: s.bobActor)
        #expect(checks.first { $0.kind == policy.kind }?.outcome == .exempt)
        #expect(checks.allSatisfy { $0.violation == nil })
    }

    @Test("maximum lifespan: exactly the maximum passes, one day more is refused with the numbers")
    func lifespanBoundary() throws {
        let s = try Setup()
        try s.dir.setPolicy(.maximumLifespan, enabled: true, maximumLifespanDays: 60)
        #expect(try s.dir.service.maximumLifespanDays(for: s.bob.id, target: .organization(s.dir.orgID), by: s.dir.admin) == 60)
        _ = try s.dir.service.createToken(s.dir.request("sixty", days: 60), by: s.bobActor)
        let error = expectError { try s.dir.service.createToken(s.dir.request("sixty-one", days: 61), by: s.bobActor) }
        #expect(error?.violation?.kind == .maximumLifespan)
        #expect(error?.description.contains("61 days, over the maximum of 60") == true)
        // A custom date is valid through the end of that day (UTC); part of a day counts as a whole day.
        func throughEndOfDay(_ daysAhead: Int, _ name: String) throws -> TokenRequest {
            let day = try #require(TextFormat.parseDay(TextFormat.date(TestDirectory.start.addingTimeInterval(Double(daysAhead) * 86_400))))
            return TokenRequest(displayName: name, target: .organization(s.dir.orgID), scopes: .custom(["vso.code"]), expiration: .endOfDay(day))
        }
        // From noon: 59.5 days, counted as 60.
        _ = try s.dir.service.createToken(try throughEndOfDay(59, "day-59"), by: s.bobActor)
        // 60.5 days, counted as 61.
        #expect(expectError { try s.dir.service.createToken(try throughEndOfDay(60, "day-60"), by: s.bobActor) }?.violation?.kind == .maximumLifespan)
    }

    @Test("policyChecks lists every creation policy's outcome for the wizard's review step, and writes nothing")
    func policyChecksListEveryOutcome() throws {
        let s = try Setup()
        try s.dir.setPolicy(.restrictFullScopedTokens, enabled: true)
        try s.dir.setPolicy(.maximumLifespan, enabled: true, maximumLifespanDays: 30)
        try s.dir.setPolicy(.restrictCreation, enabled: true, exemptions: [.user(s.bob.id)])
        let audit = try s.dir.auditCount()

        let request = s.dir.request("review", scopes: .fullAccess, days: 45)
        let checks = try s.dir.service.policyChecks(for: request, by: s.bobActor)
        #expect(checks.map(\.kind) == [.restrictCreation, .restrictGlobalTokens, .restrictFullScopedTokens, .maximumLifespan])
        #expect(checks.allSatisfy { $0.organizationName == "Default" })
        #expect(checks[0].outcome == .exempt)
        #expect(checks[1].outcome == .passed("targets one organization"))
        #expect(checks[2].violation?.kind == .restrictFullScopedTokens)
        #expect(checks[3].violation?.remedy.contains("45 days, over the maximum of 30") == true)

        // Turned off, a policy says so.
        try s.dir.setPolicy(.maximumLifespan, enabled: false)
        let relaxed = try s.dir.service.policyChecks(for: request, by: s.bobActor)
        #expect(relaxed[3].outcome == .notEnabled)
        #expect(try s.dir.auditCount() == audit + 1, "only the policy change is audited, not the checks")

        // Creation is refused by the first failing check.
        #expect(expectError { try s.dir.service.createToken(request, by: s.bobActor) }?.violation?.kind == .restrictFullScopedTokens)
    }

    @Test("a global token is checked against the policies of every organization of its owner")
    func globalTokenChecksEveryOrganization() throws {
        let dir = try TestDirectory()
        let second = try dir.service.createOrganization(named: "Second", by: dir.admin)
        try dir.setPolicy(.restrictGlobalTokens, enabled: false)
        let request = dir.request("everywhere", target: .allAccessibleOrganizations)
        let checks = try dir.service.policyChecks(for: request, by: dir.admin)
        #expect(Set(checks.map(\.organizationName)) == ["Default", "Second"])
        #expect(checks.count == 2 * PolicyEvaluator.creationPolicies.count)
        // Default allows global tokens now, Second (a new organization) still restricts them.
        let error = expectError { try dir.service.createToken(request, by: dir.admin) }
        #expect(error?.violation?.kind == .restrictGlobalTokens)
        #expect(error?.violation?.organizationName == second.name)
    }

    // MARK: Existing tokens

    @Test("tokens that break a newly enabled policy are listed as non-compliant, not revoked")
    func nonCompliantTokensAreListed() throws {
        let s = try Setup()
        let dave = try s.dir.addUser("dave", groups: [.contributors])
        let davesTeam = try s.dir.addGroup("Dave's team", members: [.user(dave.id)])
        let trusted = try s.dir.addGroup("Trusted", members: [.group(davesTeam.id)])
        try s.dir.setPolicy(.restrictGlobalTokens, enabled: false)
        #expect(try s.dir.service.nonComplianceRules(by: s.dir.admin).isEmpty, "no creation policy is on")

        let full = try s.dir.service.createToken(s.dir.request("full", scopes: .fullAccess), by: s.bobActor)
        let long = try s.dir.service.createToken(s.dir.request("long", days: 200), by: s.bobActor)
        let global = try s.dir.service.createToken(s.dir.request("global", target: .allAccessibleOrganizations), by: s.bobActor)
        _ = try s.dir.service.createToken(s.dir.request("fine"), by: s.bobActor)
        _ = try s.dir.service.createToken(s.dir.request("carol-full", scopes: .fullAccess, days: 200), by: try s.dir.actor("carol"))
        _ = try s.dir.service.createToken(s.dir.request("dave-full", scopes: .fullAccess, days: 200), by: try s.dir.actor("dave"))
        let revokedFull = try s.dir.service.createToken(s.dir.request("revoked-full", scopes: .fullAccess), by: s.bobActor)
        try s.dir.service.revokeToken(revokedFull.token.id, by: s.bobActor)

        // With no policy on, nothing is non-compliant (the filter never turns into "everything").
        var none = TokenQuery()
        none.nonCompliantWith = try s.dir.service.nonComplianceRules(by: s.dir.admin)
        #expect(try s.dir.allTokens(none).isEmpty)
        #expect(try s.dir.service.count(none, by: s.dir.admin) == 0)

        // Full-scoped tokens are fine while their policy is off.
        try s.dir.setPolicy(.maximumLifespan, enabled: true, maximumLifespanDays: 365)
        var query = TokenQuery()
        query.nonCompliantWith = try s.dir.service.nonComplianceRules(by: s.dir.admin)
        #expect(try s.dir.allTokens(query).isEmpty, "no token breaks the policies that are on")

        try s.dir.setPolicy(.restrictGlobalTokens, enabled: true)
        // carol by name, dave through Dave's team ∈ Trusted.
        try s.dir.setPolicy(.restrictFullScopedTokens, enabled: true, exemptions: [.user(s.carol.id), .group(trusted.id)])
        try s.dir.setPolicy(.maximumLifespan, enabled: true, maximumLifespanDays: 90, exemptions: [.user(s.carol.id), .group(trusted.id)])
        let tokensBefore = try s.dir.allTokens()

        query.nonCompliantWith = try s.dir.service.nonComplianceRules(by: s.dir.admin)
        let listed = try s.dir.allTokens(query)
        #expect(Set(listed.map(\.displayName)) == ["full", "long", "global"])
        #expect(try s.dir.service.count(query, by: s.dir.admin) == 3)
        // bob sees his own non-compliant tokens.
        #expect(Set(try s.dir.service.tokens(query, by: s.bobActor).items.map(\.id)) == [full.token.id, long.token.id, global.token.id])

        // Nothing was revoked or changed, and the tokens still work.
        #expect(try s.dir.allTokens() == tokensBefore)
        #expect(listed.allSatisfy { $0.status(at: s.dir.clock.now) == .active })
        #expect(try s.dir.service.verify(full.secret).success != nil)

        // Only a policy that is on counts: turning one off drops its tokens from the list.
        try s.dir.setPolicy(.restrictFullScopedTokens, enabled: false)
        query.nonCompliantWith = try s.dir.service.nonComplianceRules(by: s.dir.admin)
        #expect(Set(try s.dir.allTokens(query).map(\.displayName)) == ["long", "global"])
    }

    @Test("restrict creation (packaging only) lists every non-packaging token of non-exempt owners")
    func nonCompliantWithPackagingOnly() throws {
        let s = try Setup()
        _ = try s.dir.service.createToken(s.dir.request("pkg", scopes: .custom(["vso.packaging_write"])), by: s.bobActor)
        _ = try s.dir.service.createToken(s.dir.request("code"), by: s.bobActor)
        _ = try s.dir.service.createToken(s.dir.request("exempt-code"), by: try s.dir.actor("carol"))
        try s.dir.setPolicy(.restrictCreation, enabled: true, packagingOnly: true, exemptions: [.user(s.carol.id)])
        var query = TokenQuery()
        query.nonCompliantWith = try s.dir.service.nonComplianceRules(by: s.dir.admin)
        #expect(try s.dir.allTokens(query).map(\.displayName) == ["code"])
    }

    @Test("regenerating or extending a token is judged by today's policies; shortening is not")
    func regenerateAndExtendFollowNewPolicy() throws {
        let s = try Setup()
        let issued = try s.dir.service.createToken(s.dir.request("ci", days: 60), by: s.bobActor)
        let before = try s.dir.snapshot()
        try s.dir.setPolicy(.maximumLifespan, enabled: true, maximumLifespanDays: 30)
        let afterPolicy = try s.dir.snapshot()
        #expect(afterPolicy.tokens == before.tokens, "enabling a policy does not touch existing tokens")

        #expect(expectError { try s.dir.service.regenerateToken(issued.token.id, by: s.bobActor) }?.violation?.kind == .maximumLifespan)
        let extend = TokenChanges(expiration: .days(90))
        #expect(expectError {
            try s.dir.service.updateToken(issued.token.id, extend, expectedVersion: issued.token.version, by: s.bobActor)
        }?.violation?.kind == .maximumLifespan)
        #expect(try s.dir.snapshot() == afterPolicy)

        let shortened = try s.dir.service.updateToken(issued.token.id, TokenChanges(expiration: .days(20)), expectedVersion: issued.token.version, by: s.bobActor)
        #expect(shortened.validTo == TestDirectory.start.addingTimeInterval(20 * 86_400))
        let regenerated = try s.dir.service.regenerateToken(issued.token.id, by: s.bobActor)
        #expect(regenerated.token.validTo == TestDirectory.start.addingTimeInterval(20 * 86_400))
    }

    // MARK: Leaked tokens

    @Test("auto-revoke on (the default): a reported leak revokes the token, and both are audited")
    func leakRevokedWhenOn() throws {
        let s = try Setup()
        #expect(try s.dir.service.policies(of: s.dir.orgID, by: s.dir.admin)[.autoRevokeLeakedTokens].isEnabled)
        let issued = try s.dir.service.createToken(s.dir.request("leaky"), by: s.bobActor)
        let outcome = try s.dir.service.reportLeaked(issued.secret, by: try s.dir.actor("carol"))
        guard case let .revoked(token) = outcome else {
            Issue.record("expected the token to be revoked, got \(outcome)")
            return
        }
        #expect(token.id == issued.token.id)
        #expect(token.revocation?.reason == "reported as leaked")
        #expect(try s.dir.service.verify(issued.secret).failure?.code == "revoked")
        let actions = try s.dir.allAuditEvents().suffix(2).map(\.action)
        #expect(actions == [.tokenLeakReported, .tokenRevoked])
        // Reported again: already inactive, not revoked twice.
        #expect(try s.dir.service.reportLeaked(issued.secret, by: s.dir.admin) == .alreadyInactive(token))
    }

    @Test("auto-revoke off: a reported leak is only reported; the token keeps working")
    func leakReportedWhenOff() throws {
        let s = try Setup()
        try s.dir.setPolicy(.autoRevokeLeakedTokens, enabled: false)
        let issued = try s.dir.service.createToken(s.dir.request("leaky"), by: s.bobActor)
        let outcome = try s.dir.service.reportLeaked(issued.secret, by: s.dir.admin)
        #expect(outcome == .reportedOnly(issued.token))
        #expect(try s.dir.service.verify(issued.secret).success != nil)
        let last = try #require(try s.dir.allAuditEvents().last)
        #expect(last.action == .tokenLeakReported)
        #expect(last.details.contains(AuditDetail("outcome", "not revoked: the auto-revoke policy is off")))
    }

    @Test("auto-revoke honours its allow-list: an exempt owner's leaked token is reported, not revoked",
          arguments: ExemptionRoute.allCases)
    func leakOfExemptOwner(_ route: ExemptionRoute) throws {
        let s = try Setup()
        try s.dir.setPolicy(.autoRevokeLeakedTokens, enabled: true, exemptions: [s.exemption(route)])
        let bobs = try s.dir.service.createToken(s.dir.request("exempt"), by: s.bobActor)
        let carols = try s.dir.service.createToken(s.dir.request("not-exempt"), by: try s.dir.actor("carol"))
        #expect(try s.dir.service.reportLeaked(bobs.secret, by: s.dir.admin) == .reportedOnly(bobs.token))
        #expect(try s.dir.service.verify(bobs.secret).success != nil)
        guard case .revoked = try s.dir.service.reportLeaked(carols.secret, by: s.dir.admin) else {
            Issue.record("a non-exempt owner's leaked token must be revoked")
            return
        }
    }

    @Test("a leak report of something that is not a live token says why")
    func leakOfUnknownToken() throws {
        let s = try Setup()
        #expect(try s.dir.service.reportLeaked(TokenSecret(presented: "gpat_nope"), by: s.dir.admin) == .notFound(.malformed(.wrongLength)))
        let stranger = TokenFormat.generate(using: SystemRandomSource())
        #expect(try s.dir.service.reportLeaked(stranger, by: s.dir.admin) == .notFound(.unknown))
    }

    // MARK: Editing policies

    @Test("policy edits are validated, versioned and audited")
    func editingPolicies() throws {
        let s = try Setup()
        let audit = try s.dir.auditCount()
        for days in [0, 366] {
            let error = expectError { try s.dir.setPolicy(.maximumLifespan, enabled: true, maximumLifespanDays: days) }
            #expect(error?.invalidField == "Maximum lifespan")
        }
        let other = try s.dir.service.createOrganization(named: "Other", by: s.dir.admin)
        let foreign = try s.dir.service.group(named: DefaultGroup.readers.name, in: other.id, by: s.dir.admin)
        #expect(expectError { try s.dir.setPolicy(.restrictFullScopedTokens, enabled: true, exemptions: [.group(foreign.id)]) }?.invalidField == "Exemptions")
        #expect(try s.dir.auditCount() == audit + 1, "only the organization creation was audited")

        let stale = try s.dir.service.policies(of: s.dir.orgID, by: s.dir.admin)
        try s.dir.setPolicy(.restrictFullScopedTokens, enabled: true, exemptions: [.user(s.carol.id), .group(s.team.id)])
        let event = try #require(try s.dir.allAuditEvents().last)
        #expect(event.action == .policyUpdated)
        let names = event.details.first { $0.key == "exemptions" }?.value.components(separatedBy: ", ")
        #expect(Set(names ?? []) == ["carol", "Team"])
        let stored = try s.dir.service.policies(of: s.dir.orgID, by: s.dir.admin)[.restrictFullScopedTokens]
        #expect(stored.isEnabled && stored.exemptions == [.user(s.carol.id), .group(s.team.id)])

        let before = try s.dir.snapshot()
        let error = expectError {
            try s.dir.service.updatePolicy(TokenPolicy(kind: .restrictCreation, isEnabled: true), in: s.dir.orgID,
                                           expectedVersion: stale.version, by: s.dir.admin)
        }
        #expect(error?.isStaleVersion == true)
        #expect(try s.dir.snapshot() == before)

        // Saving the same settings again changes nothing and is not audited.
        try s.dir.setPolicy(.restrictFullScopedTokens, enabled: true, exemptions: [.user(s.carol.id), .group(s.team.id)])
        #expect(try s.dir.auditCount() == before.auditCount)
    }
}
