import Foundation
import Testing
import GatehouseTestSupport
@testable import GatehouseDomain
import GatehouseStore

/// A session that ended on the show-once screen leaves an active token nobody may hold: the audit
/// log records it, and the risk filter finds it until the secret is regenerated (or the token revoked).
@Suite struct SecretAcknowledgementTests {
    @Test func theRiskFilterFindsTokensWhoseSecretWasNeverAcknowledged() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", kind: .serviceAccount)
        let kept = try dir.createToken("kept")
        let dropped = try dir.createToken("dropped", owner: bob.id)
        try dir.service.recordSecretNotAcknowledged(dropped.token.id, sessionEnd: "signal 1", by: dir.admin)
        var query = TokenQuery()
        query.secretNeverAcknowledgedOnly = true
        #expect(try dir.allTokens(query).map(\.displayName) == ["dropped"])
        #expect(try dir.service.count(query, by: dir.admin) == 1)
        #expect(try dir.service.secretNeverAcknowledged(dropped.token) != nil)
        #expect(try dir.service.secretNeverAcknowledged(kept.token) == nil)
        // A new secret, shown and acknowledged, clears it; a revoked token is no risk either.
        dir.clock.advance(by: 60)
        let regenerated = try dir.service.regenerateToken(dropped.token.id, by: dir.admin)
        #expect(try dir.allTokens(query).isEmpty, "the regenerated secret is a new one")
        try dir.service.recordSecretNotAcknowledged(regenerated.token.id, sessionEnd: "terminal closed", by: dir.admin)
        #expect(try dir.allTokens(query).map(\.displayName) == ["dropped"])
        try dir.service.revokeToken(regenerated.token.id, reason: "nobody holds it", by: dir.admin)
        #expect(try dir.allTokens(query).isEmpty)
    }
}
