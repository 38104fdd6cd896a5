import Foundation
import Testing
@testable import GatehouseDomain

@Suite("Token lifecycle: on behalf, regenerate, edit, revoke, bulk revoke, risk filters")
struct TokenLifecycleTests {
    // MARK: On behalf

    @Test("an administrator creates a token for a service account: the account owns it and the audit says on behalf of")
    func onBehalfOfServiceAccount() throws {
        let dir = try TestDirectory()
        let bot = try dir.addUser("deploy-bot", kind: .serviceAccount)
        let issued = try dir.createToken("deploy", owner: bot.id)
        #expect(issued.token.ownerID == bot.id)
        #expect(issued.token.createdByID == dir.admin.user.id)
        let event = try #require(try dir.allAuditEvents().last)
        #expect(event.action == .tokenCreated)
        #expect(event.actor.login == "admin")
        #expect(event.onBehalfOf == AuditPrincipal(bot))
        #expect(event.details.contains(AuditDetail("organization", "Default")))
        #expect(event.details.contains(AuditDetail("handle", issued.token.handle)))
        #expect(try dir.service.verify(issued.secret).success?.owner.id == bot.id)

        // Revoking it is on behalf of the bot too; the bot's own tokens list shows it.
        try dir.service.revokeToken(issued.token.id, reason: "rotation", by: dir.admin)
        #expect(try dir.allAuditEvents().last?.onBehalfOf?.login == "deploy-bot")
        #expect(try dir.service.tokens(TokenQuery(ownerID: bot.id), by: dir.admin).items.map(\.id) == [issued.token.id])
        // A name clash is reported in the owner's words.
        _ = try dir.createToken("deploy", owner: bot.id)
        let clash = expectError { try dir.createToken("deploy", owner: bot.id) }
        #expect(clash?.description.contains("deploy-bot already has an active token") == true)
    }

    @Test("tokens on behalf are for non-person accounts only", arguments: AccountKind.allCases)
    func onBehalfByKind(_ kind: AccountKind) throws {
        let dir = try TestDirectory()
        let account = try dir.addUser("acct", kind: kind)
        let before = try dir.snapshot()
        if kind.acceptsDelegatedTokens {
            #expect(try dir.createToken("delegated", owner: account.id).token.ownerID == account.id)
        } else {
            let error = expectError { try dir.createToken("delegated", owner: account.id) }
            #expect(error?.isNotAllowed == true)
            #expect(error?.description.contains("must create their own") == true)
            #expect(try dir.snapshot() == before)
        }
        #expect([AccountKind.serviceAccount, .servicePrincipal, .jobAgent].contains(kind) == kind.acceptsDelegatedTokens)
    }

    @Test("no token is created for a disabled service account")
    func onBehalfOfDisabled() throws {
        let dir = try TestDirectory()
        let bot = try dir.addUser("old-bot", kind: .jobAgent, status: .disabled)
        let before = try dir.snapshot()
        #expect(expectError { try dir.createToken("x", owner: bot.id) }?.description.contains("old-bot is disabled") == true)
        #expect(try dir.snapshot() == before)
    }

    // MARK: Regenerate, edit, revoke

    @Test("regenerate keeps name, scopes, target and lifespan; only the secret, handle and dates change")
    func regenerateKeepsSettings() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci", scopes: .custom(["vso.build", "vso.code_write"]), days: 45)
        dir.clock.advance(by: 10 * 86_400)
        let again = try dir.service.regenerateToken(issued.token.id, by: dir.admin)
        #expect(again.token.displayName == "ci")
        #expect(again.token.scopes == issued.token.scopes)
        #expect(again.token.target == issued.token.target)
        #expect(again.token.lifespan == issued.token.lifespan)
        #expect(again.token.validFrom == dir.clock.now)
        #expect(again.token.createdAt == issued.token.createdAt)
        #expect(again.token.handle == TokenFormat.handle(of: again.secret))
        #expect(TokenFormat.validate(again.secret.reveal()) == nil)
        let event = try #require(try dir.allAuditEvents().last)
        #expect(event.action == .tokenRegenerated)
        #expect(event.details.contains(AuditDetail("generation", "2")))

        try dir.service.revokeToken(issued.token.id, by: dir.admin)
        let error = expectError { try dir.service.regenerateToken(issued.token.id, by: dir.admin) }
        #expect(error?.description.contains("revoked tokens stay revoked") == true)
        #expect(expectError { try dir.service.revokeToken(issued.token.id, by: dir.admin) }?.description.contains("already revoked") == true)
        #expect(expectError { try dir.service.updateToken(issued.token.id, TokenChanges(displayName: "zombie"), expectedVersion: 3, by: dir.admin) }?.isNotAllowed == true)
    }

    @Test("an edit records what changed; an edit that changes nothing records nothing")
    func editIsAudited() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci", scopes: .custom(["vso.code"]))
        let audit = try dir.auditCount()
        let same = try dir.service.updateToken(issued.token.id, TokenChanges(displayName: "ci", scopes: .custom(["vso.code"])),
                                               expectedVersion: issued.token.version, by: dir.admin)
        #expect(same.version == issued.token.version)
        #expect(try dir.auditCount() == audit)

        let edited = try dir.service.updateToken(issued.token.id, TokenChanges(displayName: "ci-main", scopes: .custom(["vso.code_write"])),
                                                 expectedVersion: issued.token.version, by: dir.admin)
        #expect(edited.displayName == "ci-main")
        #expect(edited.isHighPrivilege, "the stored risk flag follows the scopes")
        let event = try #require(try dir.allAuditEvents().last)
        #expect(event.action == .tokenUpdated)
        #expect(event.details.contains(AuditDetail("name", "ci \u{2192} ci-main")))
        #expect(event.details.contains(AuditDetail("scopes", "Code: Read \u{2192} Code: Read & write\u{2020}")))
        #expect(try dir.service.verify(issued.secret).success?.scopes == .custom(["vso.code_write"]), "the same secret, new scopes")
    }

    // MARK: Bulk revoke

    @Test("bulk revoke in chunks: each chunk one transaction, audited, with a required reason; the dry run pages with owners")
    func bulkRevokeInChunks() throws {
        let dir = try TestDirectory()
        try dir.addUser("bob", groups: [.contributors])
        let bob = try dir.actor("bob")
        var issued: [IssuedToken] = []
        for index in 0..<7 { issued.append(try dir.createToken("bob-full-\(index)", by: bob, scopes: .fullAccess)) }
        let custom = try dir.createToken("bob-custom", by: bob)
        var query = TokenQuery()
        query.fullAccessOnly = true

        let preview = try dir.service.tokensWithOwners(query, page: .first(5), by: dir.admin)
        #expect(preview.items.count == 5 && preview.hasMoreAfter)
        #expect(preview.items.allSatisfy { $0.ownerLogin == "bob" }, "owners come with the page")

        let before = try dir.snapshot()
        #expect(throws: GatehouseError.self) { try dir.service.revokeTokens(matching: query, reason: "  ", after: nil, chunkSize: 3, by: dir.admin) }
        #expect(try dir.snapshot() == before, "no reason, nothing revoked")

        var cursor: PageCursor?
        var chunks: [Int] = []
        repeat {
            let chunk = try dir.service.revokeTokens(matching: query, reason: "full access retired", after: cursor, chunkSize: 3, by: dir.admin)
            chunks.append(chunk.revoked.count)
            #expect(chunk.revoked.allSatisfy { $0.revocation?.reason == "full access retired" })
            // Stopped here, the chunks so far are revoked and the rest still active.
            if chunks.count == 1 { #expect(try dir.service.count(query.withStatuses([.active]), by: dir.admin) == 4) }
            cursor = chunk.resumeAfter
        } while cursor != nil
        #expect(chunks == [3, 3, 1])
        #expect(try dir.service.count(query.withStatuses([.active]), by: dir.admin) == 0)
        #expect(try dir.service.token(custom.token.id, by: dir.admin).revocation == nil)
        let events = try dir.allAuditEvents().suffix(from: before.auditCount)
        #expect(events.count == issued.count && events.allSatisfy { $0.action == .tokenRevoked })
    }

    @Test("bulk revoke: the dry run lists the matching active tokens and changes nothing; the real run revokes exactly those")
    func bulkRevoke() throws {
        let dir = try TestDirectory()
        try dir.addUser("bob", groups: [.contributors])
        try dir.addUser("carol", groups: [.contributors])
        let bob = try dir.actor("bob")
        let carol = try dir.actor("carol")
        var full: [IssuedToken] = []
        for index in 0..<3 { full.append(try dir.createToken("bob-full-\(index)", by: bob, scopes: .fullAccess)) }
        full.append(try dir.createToken("carol-full", by: carol, scopes: .fullAccess))
        let custom = [try dir.createToken("bob-custom", by: bob), try dir.createToken("carol-custom", by: carol)]
        let alreadyRevoked = try dir.createToken("old-full", by: bob, scopes: .fullAccess)
        try dir.service.revokeToken(alreadyRevoked.token.id, by: bob)
        let expired = try dir.createToken("short-full", by: carol, scopes: .fullAccess, days: 1)
        dir.clock.advance(by: 2 * 86_400)

        var query = TokenQuery()
        query.fullAccessOnly = true
        let expected = Set(full.map(\.token.id))

        let before = try dir.snapshot()
        let dryRun = try dir.service.revokeTokens(matching: query, reason: "full access retired", dryRun: true, by: dir.admin)
        #expect(dryRun.dryRun)
        #expect(Set(dryRun.tokens.map(\.id)) == expected)
        #expect(try dir.snapshot() == before, "a dry run changes nothing, not even the audit log")

        let run = try dir.service.revokeTokens(matching: query, reason: "full access retired", dryRun: false, by: dir.admin)
        #expect(!run.dryRun)
        #expect(Set(run.tokens.map(\.id)) == expected)
        #expect(run.tokens.allSatisfy { $0.revocation?.reason == "full access retired" })

        let events = try dir.allAuditEvents().suffix(from: before.auditCount)
        #expect(events.count == expected.count)
        #expect(events.allSatisfy { $0.action == .tokenRevoked })
        #expect(Set(events.map(\.target.id)) == Set(expected.map(\.description)))

        for issued in full {
            #expect(try dir.service.verify(issued.secret).failure == .revoked(at: dir.clock.now, reason: "full access retired"))
        }
        for issued in custom { #expect(try dir.service.verify(issued.secret).success != nil) }
        #expect(try dir.service.token(alreadyRevoked.token.id, by: dir.admin).revocation?.reason == "revoked by bob")
        #expect(try dir.service.token(expired.token.id, by: dir.admin).revocation == nil, "expired tokens are left alone")

        // Nothing left to revoke.
        #expect(try dir.service.revokeTokens(matching: query, dryRun: true, by: dir.admin).tokens.isEmpty)
    }

    // MARK: Risk filters

    @Test("the risk filters find exactly the risky tokens")
    func riskFilters() throws {
        let dir = try TestDirectory()
        try dir.setPolicy(.restrictGlobalTokens, enabled: false)
        let bob = try dir.addUser("bob", groups: [.contributors])
        let bobActor = try dir.actor("bob")
        let full = try dir.createToken("full", scopes: .fullAccess, days: 200)
        let high = try dir.createToken("high", scopes: .custom(["vso.code_manage"]), days: 200)
        let global = try dir.createToken("global", target: .allAccessibleOrganizations, days: 200)
        let soon = try dir.createToken("soon", days: 5)
        let used = try dir.createToken("used", days: 200)
        let bobs = try dir.createToken("bobs", by: bobActor, days: 200)
        dir.clock.advance(by: 86_400)
        _ = try dir.service.verify(used.secret)
        try dir.service.setStatus(.disabled, ofUser: bob.id, by: dir.admin)

        func names(_ configure: (inout TokenQuery) -> Void) throws -> Set<String> {
            var query = TokenQuery()
            configure(&query)
            #expect(try dir.service.count(query, by: dir.admin) == dir.allTokens(query).count)
            return Set(try dir.allTokens(query).map(\.displayName))
        }
        #expect(try names { $0.fullAccessOnly = true } == [full.token.displayName])
        #expect(try names { $0.highPrivilegeOnly = true } == ["full", "high"])
        #expect(try names { $0.globalOnly = true } == [global.token.displayName])
        #expect(try names { $0.expiringWithin = 7 * 86_400 } == [soon.token.displayName])
        #expect(try names { $0.neverUsedOnly = true } == ["full", "high", "global", "soon", "bobs"])
        #expect(try names { $0.disabledOwnerOnly = true } == [bobs.token.displayName])
        #expect(try names { $0.ownerID = bob.id } == ["bobs"])
        #expect(try names { $0.search = TextSearch("bob", mode: .prefix) } == ["bobs"], "owner login matches too")

        // 90 days on, "used" is used again; the others have not been used since they were made.
        dir.clock.advance(by: 90 * 86_400)
        _ = try dir.service.verify(used.secret)
        #expect(try names { $0.unusedFor = 90 * 86_400 } == ["full", "high", "global", "soon", "bobs"])
        #expect(try names { $0.statuses = [.expired] } == ["soon"])
        #expect(try names { $0.statuses = [.active] } == ["full", "high", "global", "used", "bobs"])
        _ = high
    }
}

extension TokenQuery {
    func withStatuses(_ statuses: Set<TokenStatus>) -> TokenQuery {
        var query = self
        query.statuses = statuses
        return query
    }
}
