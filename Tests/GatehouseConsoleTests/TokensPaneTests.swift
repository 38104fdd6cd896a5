import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// The Tokens pane: filters and quick filters (the risk view), the token detail without any
/// secret, revoke behind a dialog, bulk revoke with its dry run, and "yours only".
@MainActor @Suite struct TokensPaneTests {
    /// Ticks quick filters by their position in the "Risk filters" list, starting from none.
    func applyQuickFilters(_ console: ConsoleFixture, positions: [Int]) {
        console.send(.character("f"), .character("c"))
        var at = 0
        for position in positions.sorted() {
            for _ in at..<position { console.send(.down) }
            at = position
            console.send(.character(" "))
        }
        console.send(.enter)
    }

    static let active = 0, revoked = 3, fullAccess = 4

    @Test func opensOnActiveTokensSoonestToExpireFirst() throws {
        let console = try DemoConsole()
        console.send(.character("3"))
        let active = try console.tokenCount(TokenQuery(statuses: [.active]))
        #expect(console.counter?.total == active)
        #expect(console.titleRow.contains("everyone's"))
        #expect(console.titleRow.contains("active"))
        #expect(console.frame.text(row: 3).contains("Expires \u{25B2}"))
        #expect(console.tableRows.allSatisfy { $0.contains("Active") || $0.contains("Expiring") })
    }

    @Test func slashFiltersTokensByName() throws {
        let console = try DemoConsole()
        console.send(.character("3"), .character("/"))
        console.type("Queue builds")
        let rows = console.tableRows
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.hasPrefix("Queue builds") }, "\(console.dump)")
        console.send(.enter)
        let expected = try console.tokenCount(TokenQuery(search: TextSearch("Queue builds"), statuses: [.active]))
        #expect(console.counter?.total == expected)
        console.send(.character("/"), .escape)
        #expect(console.counter?.total == (try console.tokenCount(TokenQuery(statuses: [.active]))))
    }

    @Test func quickFilterRevokedShowsOnlyRevokedTokens() throws {
        let console = try DemoConsole()
        console.send(.character("3"))
        applyQuickFilters(console, positions: [Self.revoked])
        let revoked = try console.tokenCount(TokenQuery(statuses: [.revoked]))
        #expect(revoked > 0)
        #expect(console.counter?.total == revoked, "\(console.dump)")
        #expect(console.titleRow.contains("revoked"))
        #expect(console.tableRows.count == min(revoked, 18))
        #expect(console.tableRows.allSatisfy { $0.contains("Revoked") }, "\(console.dump)")
        console.send(.character("G"))
        #expect(console.tableRows.allSatisfy { $0.contains("Revoked") })
    }

    @Test func riskFiltersCombine() throws {
        let console = try DemoConsole()
        console.send(.character("3"))
        applyQuickFilters(console, positions: [Self.active, Self.fullAccess])
        var query = TokenQuery(statuses: [.active])
        query.fullAccessOnly = true
        let expected = try console.tokenCount(query)
        #expect(expected > 0)
        #expect(console.counter?.total == expected)
        #expect(console.tableRows.allSatisfy { $0.contains("Full acc") }, "\(console.dump)")
    }

    @Test func tokenDetailShowsEverythingButTheSecret() throws {
        let console = try DemoConsole(width: 120, height: 30)
        console.send(.character("3"))
        let token = try #require(try console.service.tokens(TokenQuery(statuses: [.active]), page: .first(1), by: console.actor).items.first)
        console.send(.enter)
        #expect(console.headerRow.contains("Tokens \u{203A} \(token.displayName)"))
        let owner = try console.service.user(token.ownerID, by: console.administrator)
        #expect(console.row(containing: "Owner")?.contains("\(owner.displayName) (\(owner.loginName)") == true, "\(console.dump)")
        #expect(console.row(containing: "Handle")?.contains(token.handle) == true)
        #expect(console.shows("the secret itself is never shown again"))
        #expect(console.row(containing: "Authorization")?.contains(token.id.description) == true)
        #expect(console.shows("Valid"))
        #expect(console.shows("Last used"))
        #expect(console.shows("Scopes"))
        #expect(console.shows("Policies"))
        #expect(console.visibleSecrets.isEmpty)
        #expect(!console.screen.contains(token.id.description + "_"), "no digest or secret material next to the id")
    }

    @Test func revokeNamesTokenAndOwnerCancelsFirstAndConfirmRevokesWithAnAuditEvent() throws {
        let console = try DemoConsole(width: 120, height: 30)
        console.send(.character("3"))
        let token = try #require(try console.service.tokens(TokenQuery(statuses: [.active]), page: .first(1), by: console.actor).items.first)
        let owner = try console.service.user(token.ownerID, by: console.administrator)
        let events = try console.auditCount()
        console.send(.character("d"))
        #expect(console.shows("Revoke token?"))
        let dialog = console.screen
        #expect(dialog.contains(token.displayName))
        #expect(dialog.contains("owned by \(owner.displayName)"), "\(console.dump)")
        #expect(dialog.contains("(\(owner.loginName))"))
        #expect(dialog.contains("stops working immediately"))
        console.send(.enter)
        #expect(!console.shows("Revoke token?"))
        #expect(try console.service.token(token.id, by: console.actor).revocation == nil, "Enter right away cancels")
        #expect(try console.auditCount() == events)

        console.send(.character("d"), .tab, .enter)
        let revoked = try console.service.token(token.id, by: console.actor)
        #expect(revoked.revocation != nil)
        #expect(try console.auditCount() == events + 1)
        let event = try #require(try console.auditEvents().first)
        #expect(event.action == .tokenRevoked)
        #expect(event.target.id == token.id.description)
        #expect(console.messageRow.contains("Revoked \u{201C}\(token.displayName)\u{201D}"))
        #expect(console.counter?.total == (try console.tokenCount(TokenQuery(statuses: [.active]))), "the active list drops it")
    }

    @Test func revokeFromTheDetailAndARevokedTokenCannotBeRevokedAgain() throws {
        let console = try DemoConsole(width: 120, height: 30)
        console.send(.character("3"), .enter)
        console.send(.character("d"), .tab, .enter)
        #expect(console.row(containing: "Status")?.contains("Revoked") == true, "\(console.dump)")
        let events = try console.auditCount()
        console.send(.character("d"))
        #expect(!console.shows("Revoke token?"))
        #expect(console.messageRow.contains("already revoked"))
        console.send(.character("r"))
        #expect(!console.shows("Regenerate token?"))
        #expect(console.messageRow.contains("revoked"))
        #expect(try console.auditCount() == events)
    }

    @Test func bulkRevokeDryRunListsExactlyTheMatchesThenRevokesExactlyThose() throws {
        let console = try DemoConsole(width: 120, height: 40)
        console.send(.character("3"))
        applyQuickFilters(console, positions: [Self.active, Self.fullAccess])
        var matching = TokenQuery(statuses: [.active])
        matching.fullAccessOnly = true
        let expected = try console.service.tokens(matching, page: .first(1_000), by: console.administrator).items
        #expect(expected.count > 0 && expected.count < 30)
        let activeBefore = try console.tokenCount(TokenQuery(statuses: [.active]))
        let revokedBefore = try console.tokenCount(TokenQuery(statuses: [.revoked]))
        let events = try console.auditCount()

        console.send(.character("B"))
        #expect(console.headerRow.contains("Bulk revoke (dry run)"))
        #expect(console.shows("Dry run: these \(expected.count) active tokens would be revoked"), "\(console.dump)")
        #expect(console.shows("Nothing has changed yet"))
        for token in expected {
            #expect(console.shows(token.handle), "\(token.displayName) is listed")
        }
        let listed = console.frame.lines.filter { line in line.contains("gpat_\u{2026}") }
        #expect(listed.count == expected.count, "exactly the matching tokens, no others\(console.dump)")
        #expect(try console.tokenCount(matching) == expected.count, "a dry run revokes nothing")
        #expect(try console.auditCount() == events)

        // R asks for the reason (required, as the CLI keeps one), with the count; nothing yet.
        console.send(.character("R"))
        #expect(console.shows("Revoke \(expected.count) active tokens matching: active, full access"), "\(console.dump)")
        console.send(.enter)
        #expect(console.shows("A reason is required"), "\(console.dump)")
        #expect(try console.tokenCount(matching) == expected.count, "no reason, nothing revoked")
        console.send(.escape)
        #expect(console.shows("Nothing has changed yet"), "Esc goes back to the dry run")
        #expect(try console.tokenCount(matching) == expected.count)

        console.send(.character("R"))
        console.type("rotating full-access tokens")
        console.send(.enter)
        #expect(try console.tokenCount(matching) == 0)
        #expect(try console.tokenCount(TokenQuery(statuses: [.active])) == activeBefore - expected.count)
        #expect(try console.tokenCount(TokenQuery(statuses: [.revoked])) == revokedBefore + expected.count)
        for token in expected {
            #expect(try console.service.token(token.id, by: console.administrator).revocation?.reason == "rotating full-access tokens")
        }
        #expect(try console.auditCount() == events + expected.count, "one audit event per token")
        #expect(console.shows("Revoked \(expected.count) tokens (\u{201C}rotating full-access tokens\u{201D})"), "\(console.dump)")
        console.send(.escape)
        #expect(!console.headerRow.contains("Bulk revoke"), "back on the list")
        #expect(console.counter?.total == 0)
    }

    @Test func bulkRevokeNeedsAFilter() throws {
        let console = try DemoConsole(width: 120, height: 40)
        console.send(.character("3"))
        let active = try console.tokenCount(TokenQuery(statuses: [.active]))
        console.send(.character("B"))
        #expect(!console.headerRow.contains("Bulk revoke"), "every active token is never one key away\(console.dump)")
        #expect(console.messageRow.contains("Bulk revoke needs a filter"), "\(console.messageRow)")
        #expect(try console.tokenCount(TokenQuery(statuses: [.active])) == active)
    }

    @Test func aBigRevocationRunsInChunksAndCanStopHalfway() throws {
        let console = try DemoConsole(width: 100, height: 30)
        console.driver.setBulkRevocation(chunk: 3, budget: .zero)
        console.send(.character("3"))
        console.filter("e")
        let matching = TokenQuery(search: TextSearch("e"), statuses: [.active])
        let total = try console.tokenCount(matching)
        #expect(total > 7, "enough for three chunks")
        let events = try console.auditCount()
        console.send(.character("B"), .character("R"))
        console.type("audit finding 42")
        console.send(.enter)
        // One chunk per key or tick: each a transaction of its own, each token audited.
        #expect(try console.tokenCount(matching) == total - 3)
        #expect(console.shows("Revoking\u{2026} 3 of \(total)"), "\(console.dump)")
        console.driver.tick()
        #expect(try console.tokenCount(matching) == total - 6)
        #expect(try console.auditCount() == events + 6)
        // Ctrl-C now says what quitting leaves half-done, not "a form was not saved".
        console.send(.ctrl("c"))
        #expect(console.shows("bulk revocation is running: 6 of \(total) tokens revoked"), "\(console.dump)")
        #expect(!console.shows("not saved"))
        console.send(.escape)
        #expect(try console.tokenCount(matching) == total - 6, "the dialog itself revokes nothing")
        console.send(.escape)
        #expect(console.shows("Stopped: 6 of \(total) revoked"), "\(console.dump)")
        #expect(console.shows("the rest are still active"))
        console.driver.tick()
        #expect(try console.tokenCount(matching) == total - 6, "stopped means stopped")
        // R goes on from there, to the end.
        console.send(.character("R"))
        for _ in 0..<(total / 3 + 1) { console.driver.tick() }
        #expect(try console.tokenCount(matching) == 0)
        #expect(try console.auditCount() == events + total)
        #expect(console.shows("Revoked \(total) tokens"), "\(console.dump)")
    }

    @Test func bulkRevokeRespectsTheTextFilterToo() throws {
        let console = try DemoConsole(width: 120, height: 40)
        console.send(.character("3"))
        console.filter("Expiring soon")
        let matching = TokenQuery(search: TextSearch("Expiring soon"), statuses: [.active])
        let count = try console.tokenCount(matching)
        let activeBefore = try console.tokenCount(TokenQuery(statuses: [.active]))
        console.send(.character("B"))
        #expect(console.shows("these \(count) active tokens would be revoked"), "\(console.dump)")
        console.send(.escape)
        #expect(try console.tokenCount(TokenQuery(statuses: [.active])) == activeBefore, "Esc leaves the dry run without revoking")
        #expect(console.headerRow.contains("Gatehouse \u{203A} Tokens"))
    }

    @Test func aContributorSeesOnlyTheirOwnTokens() throws {
        let console = try DemoConsole(as: "ymoreau")
        console.send(.character("3"))
        #expect(console.titleRow.contains("yours only"))
        let mine = try console.service.count(TokenQuery(statuses: [.active]), by: console.actor)
        #expect(console.counter?.total == mine)
        #expect(!console.tableRows.isEmpty)
        #expect(console.tableRows.allSatisfy { $0.contains("ymoreau") }, "\(console.dump)")
        applyQuickFilters(console, positions: [])
        let all = try console.service.count(TokenQuery(ownerID: try console.user("ymoreau").id), by: console.administrator)
        #expect(console.counter?.total == all)
        #expect(console.tableRows.allSatisfy { $0.contains("ymoreau") })
        #expect(all < (try console.tokenCount()))
    }

    @Test func aContractorMayNotCreateTokensAndIsToldWhy() throws {
        let console = try DemoConsole(as: "sweber")
        console.send(.character("3"))
        let hint = try #require(console.frame.find("n New token"))
        #expect(console.frame.style(atX: hint.x, y: hint.y) == Theme.color[.disabled], "the key is dimmed")
        console.send(.character("n"))
        #expect(console.messageRow.contains("Create tokens"), "\(console.dump)")
        #expect(console.messageRow.contains("denied by Contractors"))
        #expect(!console.headerRow.contains("New token"))
    }
}
