import Foundation
import Testing
@testable import GatehouseDomain

@Suite("Verifying a presented token: every outcome")
struct VerificationTests {
    @Test("a live token authenticates its owner, with its scopes and organizations")
    func success() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let issued = try dir.createToken("ci", by: try dir.actor("bob"), scopes: .custom(["vso.code_write", "vso.build"]))
        let verified = try #require(try dir.service.verify(issued.secret).success)
        #expect(verified.owner.id == bob.id)
        #expect(verified.owner.loginName == "bob")
        #expect(verified.token.id == issued.token.id)
        // Stored in catalog order (Build comes before Code), so a selection always reads the same way.
        #expect(verified.scopes == .custom(["vso.build", "vso.code_write"]))
        #expect(verified.scopes.summary(in: dir.catalog) == "Build: Read, Code: Read & write\u{2020}")
        #expect(verified.organizations.map(\.name) == ["Default"])
        // A secret read back from stdin (a fresh value with the same text) works the same.
        #expect(try dir.service.verify(TokenSecret(presented: issued.secret.reveal())).success?.owner.id == bob.id)
    }

    @Test("a global token works in every organization of its owner")
    func globalToken() throws {
        let dir = try TestDirectory()
        _ = try dir.service.createOrganization(named: "Second", by: dir.admin)
        try dir.setPolicy(.restrictGlobalTokens, enabled: false)
        let organizations = try dir.service.organizations(by: dir.admin)
        let second = try #require(organizations.first { $0.name == "Second" })
        let policies = try dir.service.policies(of: second.id, by: dir.admin)
        try dir.service.updatePolicy(TokenPolicy(kind: .restrictGlobalTokens, isEnabled: false), in: second.id,
                                     expectedVersion: policies.version, by: dir.admin)
        let issued = try dir.createToken("everywhere", target: .allAccessibleOrganizations)
        let verified = try #require(try dir.service.verify(issued.secret).success)
        #expect(Set(verified.organizations.map(\.name)) == ["Default", "Second"])
    }

    @Test("a malformed token is refused offline, with the problem", arguments: [
        ("", TokenFormat.Problem.empty),
        ("Bearer abc", .wrongPrefix),
        ("gpat_short", .wrongLength),
        (replacing(TokenFormatTests.allZeros, at: 40, with: "!"), .invalidCharacter),
        (replacing(TokenFormatTests.allZeros, at: 40, with: "Z"), .checksumMismatch),
    ])
    func malformed(_ text: String, _ problem: TokenFormat.Problem) throws {
        let dir = try TestDirectory()
        let audit = try dir.auditCount()
        let outcome = try dir.service.verify(TokenSecret(presented: text))
        #expect(outcome.failure == .malformed(problem))
        #expect(outcome.failure?.code == "malformed")
        #expect(outcome.failure?.description.contains(problem.rawValue) == true)
        #expect(try dir.auditCount() == audit)
    }

    @Test("a well-formed token that was never issued is unknown")
    func unknown() throws {
        let dir = try TestDirectory()
        _ = try dir.createToken("real")
        let stranger = TokenFormat.generate(using: SystemRandomSource())
        #expect(TokenFormat.validate(stranger.reveal()) == nil)
        #expect(try dir.service.verify(stranger).failure == .unknown)
        #expect(try dir.service.verify(TokenSecret(presented: TokenFormatTests.allZeros)).failure == .unknown)
    }

    @Test("a token stops working at its expiry, to the second")
    func expired() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("short", days: 7)
        dir.clock.advance(by: 7 * 86_400 - 1)
        #expect(try dir.service.verify(issued.secret).success != nil)
        dir.clock.advance(by: 1)
        let failure = try dir.service.verify(issued.secret).failure
        #expect(failure == .expired(at: TestDirectory.start.addingTimeInterval(7 * 86_400)))
        #expect(failure?.description.contains("2026-03-09 12:00 UTC") == true)
        #expect(try dir.service.token(issued.token.id, by: dir.admin).status(at: dir.clock.now) == .expired)
    }

    @Test("a revoked token is refused with the reason")
    func revoked() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("old")
        dir.clock.advance(by: 3_600)
        try dir.service.revokeToken(issued.token.id, reason: "laptop stolen", by: dir.admin)
        let failure = try dir.service.verify(issued.secret).failure
        #expect(failure == .revoked(at: TestDirectory.start.addingTimeInterval(3_600), reason: "laptop stolen"))
        #expect(failure?.description.contains("laptop stolen") == true)
        // Without a reason, the revocation says who did it.
        let other = try dir.createToken("other")
        try dir.service.revokeToken(other.token.id, by: dir.admin)
        #expect(try dir.service.verify(other.secret).failure == .revoked(at: dir.clock.now, reason: "revoked by admin"))
    }

    @Test("after regeneration the old secret is 'replaced', the presentation is audited, and the new one works")
    func replaced() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let bobActor = try dir.actor("bob")
        let first = try dir.createToken("ci", by: bobActor, days: 30)
        dir.clock.advance(by: 86_400)
        let second = try dir.service.regenerateToken(first.token.id, by: bobActor)
        #expect(second.secret != first.secret)
        #expect(second.token.id == first.token.id, "the authorization id survives regeneration")
        #expect(second.token.generation == 2)
        #expect(second.token.scopes == first.token.scopes)
        #expect(second.token.validTo == dir.clock.now.addingTimeInterval(30 * 86_400), "same lifespan, from now")

        let audit = try dir.auditCount()
        #expect(try dir.service.verify(first.secret).failure == .replaced(at: dir.clock.now))
        #expect(try dir.service.verify(second.secret).success?.owner.id == bob.id)
        #expect(try dir.auditCount() == audit + 1)
        let event = try #require(try dir.allAuditEvents().last)
        #expect(event.action == .replacedSecretPresented)
        #expect(event.target.id == first.token.id.description)
        #expect(event.onBehalfOf?.login == "bob")
        #expect(event.details.contains(AuditDetail("generation presented", "1")))
        #expect(event.details.contains(AuditDetail("current generation", "2")))

        // Regenerating again retires the second secret too.
        let third = try dir.service.regenerateToken(first.token.id, by: bobActor)
        #expect(try dir.service.verify(second.secret).failure?.code == "replaced")
        #expect(try dir.service.verify(third.secret).success != nil)
    }

    @Test("a disabled owner's tokens do not work, and work again once the owner is enabled")
    func ownerDisabled() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let issued = try dir.createToken("ci", by: try dir.actor("bob"))
        try dir.service.setStatus(.disabled, ofUser: bob.id, by: dir.admin)
        let failure = try dir.service.verify(issued.secret).failure
        #expect(failure == .ownerDisabled(login: "bob"))
        #expect(failure?.code == "owner-disabled")
        try dir.service.setStatus(.active, ofUser: bob.id, by: dir.admin)
        #expect(try dir.service.verify(issued.secret).success != nil)
    }

    @Test("a deleted owner's tokens are gone")
    func ownerDeleted() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let issued = try dir.createToken("ci", by: try dir.actor("bob"))
        try dir.service.deleteUser(bob.id, by: dir.admin)
        #expect(try dir.service.verify(issued.secret).failure == .unknown)
    }

    @Test("last used is stamped on success, but not rewritten within the granularity")
    func lastUsed() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        #expect(issued.token.lastUsedAt == nil)
        let stored = { try dir.service.token(issued.token.id, by: dir.admin) }

        dir.clock.advance(by: 10)
        _ = try dir.service.verify(issued.secret)
        let firstUse = dir.clock.now
        #expect(try stored().lastUsedAt == firstUse)

        dir.clock.advance(by: 299)
        _ = try dir.service.verify(issued.secret)
        #expect(try stored().lastUsedAt == firstUse, "within 300 seconds the stamp is left alone")

        dir.clock.advance(by: 1)
        _ = try dir.service.verify(issued.secret)
        #expect(try stored().lastUsedAt == dir.clock.now)

        // A failed verification never stamps.
        try dir.service.revokeToken(issued.token.id, by: dir.admin)
        let revokedStamp = try stored().lastUsedAt
        dir.clock.advance(by: 3_600)
        _ = try dir.service.verify(issued.secret)
        #expect(try stored().lastUsedAt == revokedStamp)

        // Stamping is not an edit: it neither bumps the version nor writes an audit row.
        #expect(try stored().version == 2, "one revocation since creation")
    }

    @Test("stamping last used does not make a caller's edit stale")
    func lastUsedDoesNotConflict() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        let audit = try dir.auditCount()
        _ = try dir.service.verify(issued.secret)
        #expect(try dir.auditCount() == audit)
        let renamed = try dir.service.updateToken(issued.token.id, TokenChanges(displayName: "ci-2"), expectedVersion: issued.token.version, by: dir.admin)
        #expect(renamed.displayName == "ci-2")
    }

    // MARK: Scopes of a verified token

    @Test("a level grants the levels below it in its area, and nothing in other areas")
    func grants() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("scoped", scopes: try ScopeSelection.custom(["vso.code_write", "vso.packaging"], catalog: dir.catalog))
        let verified = try #require(try dir.service.verify(issued.secret).success)
        let expectations: [(String, Bool)] = [
            ("vso.code", true), ("vso.code_write", true), ("vso.code_manage", false), ("vso.code_full", false),
            ("vso.packaging", true), ("vso.packaging_write", false),
            ("vso.build", false), ("vso.work", false), ("vso.code_status", false), ("app_token", false), ("vso.nonsense", false),
        ]
        for (identifier, granted) in expectations {
            #expect(verified.grants(identifier, catalog: dir.catalog) == granted, "\(identifier)")
        }
    }

    @Test("full access grants every scope in the catalog")
    func fullAccessGrantsAll() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("full", scopes: .fullAccess)
        let verified = try #require(try dir.service.verify(issued.secret).success)
        #expect(verified.scopes.isFullAccess)
        for identifier in dir.catalog.allIdentifiers {
            #expect(verified.grants(identifier, catalog: dir.catalog), "\(identifier)")
        }
    }
}
