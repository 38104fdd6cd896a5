import Foundation
import Testing
@testable import GatehouseDomain
import GatehouseStore

/// What `gatehouse serve` decides, in the domain: scope grants, the gateway decision, verification
/// with deferred writes, introspection and leak reports from a secret scanner.
@Suite("Gateway")
struct GatewayTests {
    // MARK: Scope grants

    @Test("a higher level in an area grants the lower ones, never another area's", arguments: [
        ("vso.code_write", "vso.code", true), ("vso.code_manage", "vso.code_write", true), ("vso.code_full", "vso.code", true),
        ("vso.code", "vso.code_write", false), ("vso.code_write", "vso.code_manage", false), ("vso.code", "vso.code", true),
        ("vso.code_full", "vso.code_status", false), ("vso.packaging_manage", "vso.packaging", true), ("vso.build_execute", "vso.code", false),
        ("vso.tokenadministration", "vso.tokens", true), ("vso.tokens", "vso.tokenadministration", false),
        ("vso.nonsense", "vso.code", false), ("vso.code", "vso.nonsense", false),
    ])
    func levelGrants(held: String, wanted: String, granted: Bool) throws {
        let catalog = try RepoResources.catalog()
        #expect(catalog.level(held, grants: wanted) == granted)
    }

    @Test("Full access grants every scope and app_token; a custom set grants only what it holds")
    func selectionGrants() throws {
        let catalog = try RepoResources.catalog()
        for identifier in catalog.allIdentifiers + [ScopeCatalog.fullAccessIdentifier] {
            #expect(ScopeSelection.fullAccess.grants(identifier, in: catalog), "\(identifier)")
        }
        let custom = try ScopeSelection.custom(["vso.code_write", "vso.build"], catalog: catalog)
        #expect(custom.firstMissing(of: ["vso.code", "vso.build"], in: catalog) == nil)
        #expect(custom.firstMissing(of: ["vso.code", "vso.build_execute"], in: catalog) == "vso.build_execute")
        #expect(!custom.grants(ScopeCatalog.fullAccessIdentifier, in: catalog))
    }

    // MARK: The gateway decision

    @Test("allowed with the owner and token when org and every scope match (org name in any case)")
    func allows() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("git", scopes: .custom(["vso.code_write"]))
        let verification = try dir.service.verify(issued.secret)
        let decision = GatewayDecision.decide(GatewayRequest(organization: "default", scopes: ["vso.code", "vso.code_write"]),
                                              verification: verification, catalog: dir.catalog)
        guard case let .allow(user, token, organization) = decision else {
            Issue.record("expected allow, got \(decision)")
            return
        }
        #expect(user.loginName == "admin")
        #expect(token.id == issued.token.id)
        #expect(organization.name == "Default")
    }

    @Test("a missing scope is forbidden, naming the scope")
    func missingScope() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("read")
        let decision = GatewayDecision.decide(GatewayRequest(organization: "Default", scopes: ["vso.code_write"]),
                                              verification: try dir.service.verify(issued.secret), catalog: dir.catalog)
        #expect(decision == .forbidden(GatewayDenial(code: "scope", message: "The token lacks the scope vso.code_write (Code: Read & write).")))
    }

    @Test("another organization is forbidden: a token made for one, or a global token whose owner is not a member")
    func otherOrganization() throws {
        let dir = try TestDirectory()
        let fabrikam = try dir.service.createOrganization(named: "Fabrikam", by: dir.admin)
        let contoso = try dir.service.createOrganization(named: "Contoso", by: dir.admin)
        _ = contoso
        let one = try dir.createToken("one")
        let decision = GatewayDecision.decide(GatewayRequest(organization: "Fabrikam", scopes: []),
                                              verification: try dir.service.verify(one.secret), catalog: dir.catalog)
        #expect(decision == .forbidden(GatewayDenial(code: "organization", message: "The token was made for another organization, not Fabrikam.")))
        let alice = try dir.addUser("alice", groups: [.contributors])
        try dir.setPolicy(.restrictGlobalTokens, enabled: false)
        let global = try dir.createToken("global", by: try dir.actor("alice"), target: .allAccessibleOrganizations)
        #expect(global.token.ownerID == alice.id)
        let outside = GatewayDecision.decide(GatewayRequest(organization: fabrikam.name, scopes: []),
                                             verification: try dir.service.verify(global.secret), catalog: dir.catalog)
        #expect(outside == .forbidden(GatewayDenial(code: "organization", message: "The token's owner (alice) is not a member of Fabrikam.")))
    }

    @Test("a token that does not verify is unauthenticated with the verification's code")
    func unauthenticated() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("soon", days: 1)
        dir.clock.advance(by: 2 * 86_400)
        let decision = GatewayDecision.decide(GatewayRequest(organization: "Default", scopes: []),
                                              verification: try dir.service.verify(issued.secret), catalog: dir.catalog)
        guard case let .unauthenticated(denial) = decision else {
            Issue.record("expected unauthenticated, got \(decision)")
            return
        }
        #expect(denial.code == "expired")
    }

    @Test("no organization or an unknown scope is the gateway's misconfiguration, whatever the token")
    func misconfigured() throws {
        let catalog = try RepoResources.catalog()
        let unknown = Result<VerifiedToken, VerificationFailure>.failure(.unknown)
        #expect(GatewayRequest(organization: " ", scopes: []).misconfiguration(in: catalog) != nil)
        if case .misconfigured = GatewayDecision.decide(GatewayRequest(organization: "Default", scopes: ["vso.cod"]), verification: unknown, catalog: catalog) {} else {
            Issue.record("an unknown scope should be a misconfiguration")
        }
        #expect(GatewayRequest(organization: "Default", scopes: ["vso.code", "app_token"]).misconfiguration(in: catalog) == nil)
    }

    // MARK: Verification with deferred writes

    @Test("verify(deferring:) writes nothing; record(_:) stamps last used once")
    func deferredLastUsed() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        var effects: [VerificationEffect] = []
        let outcome = try dir.service.verify(issued.secret, deferring: &effects)
        #expect(outcome.success != nil)
        #expect(effects == [.used(issued.token.id, at: TestDirectory.start)])
        #expect(try dir.service.token(issued.token.id, by: dir.admin).lastUsedAt == nil)
        try dir.service.record(effects + effects)
        #expect(try dir.service.token(issued.token.id, by: dir.admin).lastUsedAt == TestDirectory.start)
    }

    @Test("a replaced secret is refused at once and audited when the deferred writes are recorded")
    func deferredReplacedAudit() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        _ = try dir.service.regenerateToken(issued.token.id, by: dir.admin)
        let before = try dir.auditCount()
        var effects: [VerificationEffect] = []
        let outcome = try dir.service.verify(issued.secret, deferring: &effects)
        #expect(outcome.failure?.code == "replaced")
        #expect(try dir.auditCount() == before)
        try dir.service.record(effects)
        #expect(try dir.allAuditEvents().last?.action == .replacedSecretPresented)
    }

    @Test("without blocking: nil until the record is cached, then the same answer; a malformed token at once")
    func withoutBlocking() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        var effects: [VerificationEffect] = []
        #expect(dir.service.verifyWithoutBlocking(TokenSecret(presented: "gpat_nope"), deferring: &effects)?.failure?.code == "malformed")
        #expect(dir.service.verifyWithoutBlocking(issued.secret, deferring: &effects) == nil)
        _ = try dir.service.verify(issued.secret, deferring: &effects)
        let inline = try #require(dir.service.verifyWithoutBlocking(issued.secret, deferring: &effects))
        #expect(inline.success?.token.id == issued.token.id)
        // A revocation commits: memory can no longer answer, the database says revoked.
        _ = try dir.service.revokeToken(issued.token.id, by: dir.admin)
        #expect(dir.service.verifyWithoutBlocking(issued.secret, deferring: &effects) == nil)
        #expect(try dir.service.verify(issued.secret, deferring: &effects).failure?.code == "revoked")
    }

    // MARK: Introspection

    @Test("introspection needs a token with vso.tokenadministration and Manage others' tokens")
    func introspection() throws {
        let dir = try TestDirectory()
        try dir.addUser("alice", groups: [.contributors])
        let alices = try dir.createToken("alices", by: try dir.actor("alice"))
        let adminsTool = try dir.createToken("introspector", scopes: .custom(["vso.tokenadministration"]))
        let adminVerified = try #require(try dir.service.verify(adminsTool.secret).success)
        let seen = try dir.service.introspect(alices.secret, by: AccessService.actor(for: adminVerified))
        #expect(seen?.owner.loginName == "alice")
        #expect(try dir.service.introspect(TokenSecret(presented: "gpat_x"), by: AccessService.actor(for: adminVerified)) == nil)

        let narrow = try dir.createToken("narrow", scopes: .custom(["vso.code"]))
        let narrowVerified = try #require(try dir.service.verify(narrow.secret).success)
        #expect(expectError { try dir.service.introspect(alices.secret, by: AccessService.actor(for: narrowVerified)) }?.isNotAllowed == true)

        let alicesAdminScope = try dir.createToken("alice-admin", by: try dir.actor("alice"), scopes: .custom(["vso.tokenadministration"]))
        let aliceVerified = try #require(try dir.service.verify(alicesAdminScope.secret).success)
        #expect(expectError { try dir.service.introspect(adminsTool.secret, by: AccessService.actor(for: aliceVerified)) }?.denial != nil)
    }

    // MARK: Leak reports from a secret scanner

    @Test("a reported active token is revoked by policy with the URL as reason, audited as the system")
    func leakRevokes() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("leaky")
        let outcome = try dir.service.reportLeaked(issued.secret, reportedBy: "GitHub secret scanning", url: "https://github.com/o/r/blob/main/x")
        guard case let .revoked(token) = outcome else {
            Issue.record("expected revoked, got \(outcome)")
            return
        }
        #expect(token.revocation?.reason == "https://github.com/o/r/blob/main/x")
        let events = try dir.allAuditEvents().suffix(2)
        #expect(events.map(\.action) == [.tokenLeakReported, .tokenRevoked])
        #expect(events.allSatisfy { $0.actor == .system })
        #expect(try dir.service.verify(issued.secret).failure?.code == "revoked")
        #expect(try dir.service.reportLeaked(issued.secret, reportedBy: "GitHub", url: "u") == .alreadyInactive(token))
    }

    @Test("with the policy off the token is only reported; unknown and malformed tokens are not ours")
    func leakReportedOnly() throws {
        let dir = try TestDirectory()
        try dir.setPolicy(.autoRevokeLeakedTokens, enabled: false)
        let issued = try dir.createToken("leaky")
        guard case .reportedOnly = try dir.service.reportLeaked(issued.secret, reportedBy: "GitHub", url: "https://x") else {
            Issue.record("expected reported only")
            return
        }
        #expect(try dir.service.verify(issued.secret).success != nil)
        #expect(try dir.service.reportLeaked(TokenSecret(presented: "gpat_short"), reportedBy: "GitHub", url: "") == .notFound(.malformed(.wrongLength)))
        let other = TokenFormat.generate(using: SystemRandomSource())
        #expect(try dir.service.reportLeaked(other, reportedBy: "GitHub", url: "") == .notFound(.unknown))
    }
}
