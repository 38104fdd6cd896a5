import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// The Audit pane (filter terms, event detail, who may read it) and the Policies pane (on/off,
/// the policy editor's validation, who may change them).
@MainActor @Suite struct AuditAndPoliciesTests {
    @Test func auditFilterByActionShowsOnlyThatAction() throws {
        let console = try DemoConsole()
        console.send(.character("4"))
        #expect(console.counter?.total == (try console.auditCount()))
        console.filter("action:token.revoke")
        let expected = try console.auditCount(AuditQuery(actions: [.tokenRevoked]))
        #expect(expected > 0)
        #expect(console.counter?.total == expected, "\(console.dump)")
        #expect(console.tableRows.allSatisfy { $0.contains("Token revoked") })
    }

    @Test func auditFilterByActorAndAPrefixOfAnAction() throws {
        let console = try DemoConsole()
        console.send(.character("4"))
        console.filter("actor:demo-admin action:user")
        var query = AuditQuery(actorLogin: "demo-admin")
        query.actions = Set(AuditAction.allCases.filter { $0.rawValue.hasPrefix("user") })
        #expect(console.counter?.total == (try console.auditCount(query)), "\(console.dump)")
        #expect(console.tableRows.allSatisfy { $0.contains("demo-admin") && $0.contains("User") })
    }

    /// Issue #13 item 8: an invalid filter is refused with the accepted forms and the list stays
    /// as it was (it showed every event under a title saying a filter was on).
    @Test func anInvalidAuditFilterIsRefusedAndTheListIsUnchanged() throws {
        let console = try DemoConsole()
        console.send(.character("4"))
        console.filter("actor:demo-admin")
        let kept = try #require(console.counter?.total)
        #expect(kept == (try console.auditCount(AuditQuery(actorLogin: "demo-admin"))))
        console.send(.character("/"))
        console.type(" action:nope")
        #expect(console.counter == nil || console.counter?.total == kept)
        // As you type, "action" was a word (a valid filter, matching nothing); "action:nope" is not a
        // filter: the list stays on the last one that was, and says which.
        #expect(console.screen.contains("Nothing matches \u{201C}actor:demo-admin action\u{201D}"), "\(console.dump)")
        #expect(!console.screen.contains("action:nope\u{201D}"))
        console.send(.enter)
        #expect(console.messageRow.contains("no action is \u{201C}nope\u{201D}"), "\(console.dump)")
        #expect(console.messageRow.contains("Accepted:"))
        // Still typing: fix it and keep it.
        for _ in 0..<" action:nope".count { console.send(.backspace) }
        console.send(.enter)
        #expect(console.counter?.total == kept, "\(console.dump)")
        #expect(console.titleRow.contains("filter \u{201C}actor:demo-admin\u{201D}"))

        console.send(.escape)
        console.filter("since:yesterday")
        #expect(console.messageRow.contains("since: \u{201C}yesterday\u{201D} is not a moment"), "\(console.dump)")
        #expect(console.messageRow.contains("an age such as"))
    }

    @Test func theAuditFilterTakesLabelsAndAgesAsTheCLIDoes() throws {
        let console = try DemoConsole()
        console.send(.character("4"))
        console.filter("action:\"Token revoked\"")
        #expect(console.counter?.total == (try console.auditCount(AuditQuery(actions: [.tokenRevoked]))), "\(console.dump)")
        #expect(console.counter?.total ?? 0 > 0)
        console.send(.escape)
        console.filter("action:token-revoked")
        #expect(console.counter?.total == (try console.auditCount(AuditQuery(actions: [.tokenRevoked]))))
        console.send(.escape)
        let total = try console.auditCount()
        console.filter("since:7d")
        let recent = try #require(console.counter?.total, "\(console.dump)")
        var query = AuditQuery()
        query.since = Date().addingTimeInterval(-7 * 86_400)
        #expect(recent == (try console.auditCount(query)), "since:7d is accepted, as in the CLI")
        #expect(recent <= total)
    }

    @Test(arguments: [
        ("since:7d", true), ("since:2026-11-01", true), ("until:2026-11-30T08:00Z", true), ("until:2026-11-30T08:00:00Z", true),
        ("action:token", true), ("action:Token", true), ("action:\"User disabled\"", true), ("bob actor:alice", true),
        ("since:0d", false), ("since:-3d", false), ("since:99999999999999d", false), ("since:2026-13-01", false),
        ("action:nope", false), ("colour:red", false), ("actor:", false), ("since:2026-11-02 until:2026-11-01", false),
    ])
    func oneSyntaxAcceptsAndRefuses(_ text: String, _ accepted: Bool) {
        let result = AuditFilterSyntax.parse(text, now: Date())
        switch result {
        case .success: #expect(accepted, "\(text) should be refused")
        case let .failure(error):
            #expect(!accepted, "\(text): \(error)")
            #expect(error.description.contains("Accepted:"))
        }
    }

    @Test func enterOpensTheEventWithEveryField() throws {
        let console = try DemoConsole(width: 120, height: 30)
        console.send(.character("4"))
        console.filter("action:token.create")
        let event = try #require(try console.auditEvents(AuditQuery(actions: [.tokenCreated]), limit: 1).first)
        console.send(.enter)
        #expect(console.headerRow.contains("Audit \u{203A} Event #\(event.id)"))
        #expect(console.row(containing: "Actor")?.contains(event.actor.login) == true)
        #expect(console.row(containing: "Action")?.contains("token.create") == true)
        #expect(console.row(containing: "Target id")?.contains(event.target.id) == true)
        for detail in event.details {
            let row = console.row(containing: "\u{2502} \(detail.key) ")
            #expect(row?.contains(String(detail.value.prefix(20))) == true, "detail \(detail.key)")
        }
        console.send(.escape)
        #expect(console.headerRow.contains("Gatehouse \u{203A} Audit"))
    }

    @Test func aChangeMadeInTheConsoleIsAtTheTopOfTheAuditPane() throws {
        let console = try DemoConsole()
        console.send(.character("4"))
        let before = try #require(console.counter?.total)
        console.send(.character("1"))
        console.filter("gquist")
        console.send(.character("x"), .tab, .enter)
        console.send(.character("4"))
        #expect(console.counter?.total == before + 1)
        #expect(console.tableRows.first?.contains("User disabled") == true, "\(console.dump)")
        #expect(console.tableRows.first?.contains("gquist") == true)
    }

    @Test func withoutViewAuditLogThePaneSaysWhy() throws {
        let console = try DemoConsole(as: "ymoreau")
        console.send(.character("4"))
        #expect(console.screen.contains("View audit log"), "\(console.dump)")
        #expect(console.tableRows.allSatisfy { !$0.contains("Token created") })
    }

    // MARK: Policies

    @Test func spaceTurnsAPolicyOnAndOffWithAnAuditEvent() throws {
        let console = try DemoConsole()
        let contoso = try console.organization("Contoso")
        let events = try console.auditCount()
        #expect(try console.service.policies(of: contoso.id, by: console.administrator)[.maximumLifespan].isEnabled == false)
        console.send(.character("5"), .character("j"), .character("j"))
        #expect(console.row(containing: "Enforce maximum token lifespan")?.contains("[Off]") == true)
        console.send(.character(" "))
        #expect(try console.service.policies(of: contoso.id, by: console.administrator)[.maximumLifespan].isEnabled)
        #expect(try console.auditCount() == events + 1)
        #expect(try console.auditEvents().first?.action == .policyUpdated)
        #expect(console.row(containing: "Enforce maximum token lifespan")?.contains("[On]") == true)
        #expect(console.messageRow.contains("is now on in Contoso"))
    }

    @Test(arguments: ["0", "400", "abc"])
    func maximumDaysOutOfRangeIsRefusedAndChangesNothing(_ days: String) throws {
        let console = try DemoConsole()
        let contoso = try console.organization("Contoso")
        let before = try console.service.policies(of: contoso.id, by: console.administrator)
        let events = try console.auditCount()
        console.send(.character("5"), .character("j"), .character("j"), .enter)
        #expect(console.headerRow.contains("Policies \u{203A} Enforce maximum token lifespan"))
        console.send(.tab, .ctrl("u"))
        console.type(days)
        console.send(.ctrl("s"))
        #expect(console.headerRow.contains("Enforce maximum token lifespan"), "the editor stays open")
        if days == "abc" {
            #expect(console.shows("type a number of days, 1 to 365"), "\(console.dump)")
        } else {
            #expect(console.shows("\(days) days is out of range; choose 1 to 365 days"), "\(console.dump)")
        }
        #expect(try console.service.policies(of: contoso.id, by: console.administrator) == before)
        #expect(try console.auditCount() == events)
        // Esc now asks first: the field was edited.
        console.send(.escape)
        #expect(console.shows("Discard changes?"))
        console.send(.tab, .enter)
        #expect(console.headerRow.contains("Gatehouse \u{203A} Policies"))
        #expect(try console.service.policies(of: contoso.id, by: console.administrator) == before)
    }

    @Test func aValidMaximumIsSavedAndShown() throws {
        let console = try DemoConsole()
        let contoso = try console.organization("Contoso")
        console.send(.character("5"), .character("j"), .character("j"), .enter)
        console.send(.character(" "), .tab, .ctrl("u"))
        console.type("45")
        console.send(.ctrl("s"))
        let saved = try console.service.policies(of: contoso.id, by: console.administrator)[.maximumLifespan]
        #expect(saved.isEnabled)
        #expect(saved.maximumLifespanDays == 45)
        #expect(console.headerRow.contains("Gatehouse \u{203A} Policies"))
        #expect(console.row(containing: "Enforce maximum token lifespan")?.contains("[On]  Enforce maximum token lifespan: 45 days") == true, "\(console.dump)")
    }

    @Test func vListsTheNonCompliantTokens() throws {
        let console = try DemoConsole()
        console.send(.character("5"))
        #expect(console.shows("1 active token in Contoso breaks the current policies"))
        console.send(.character("v"))
        #expect(console.titleRow.contains("non-compliant"), "\(console.dump)")
        let contoso = try console.organization("Contoso")
        var query = TokenQuery(organizationID: contoso.id)
        query.nonCompliantWith = try console.service.nonComplianceRules(by: console.administrator).filter { $0.organizationID == contoso.id }
        #expect(console.counter?.total == (try console.tokenCount(query)))
        #expect(console.counter?.total == 1, "the list matches the count it was opened from (issue #13 item 9)")
    }

    @Test func withoutEditPoliciesEnterAndSpaceExplainWhy() throws {
        let console = try DemoConsole(as: "ymoreau")
        let fabrikam = try console.organization("Fabrikam")
        let before = try console.service.policies(of: fabrikam.id, by: console.administrator)
        console.send(.character("5"))
        #expect(console.footerRow.contains("Enter Edit"))
        console.send(.enter)
        #expect(console.messageRow.contains("Edit policies"), "\(console.dump)")
        #expect(!console.headerRow.contains("Policies \u{203A}"))
        console.send(.character(" "))
        #expect(console.messageRow.contains("Edit policies"))
        #expect(try console.service.policies(of: fabrikam.id, by: console.administrator) == before)
    }

    /// Issue #13 item 9: `v` lists exactly the tokens the Policies pane counts, of that organization.
    @Test func policiesVListsTheTokensItCountsInThatOrganization() throws {
        let console = try DemoConsole(width: 120, height: 30)
        console.send(.character("5"))
        var tries = 0
        while !console.frame.text(row: 2).contains("\u{2039} Fabrikam \u{203A}") && tries < 10 {
            console.send(.right)
            tries += 1
        }
        let line = try #require(console.row(containing: "in Fabrikam break"), "\(console.dump)")
        let counted = try #require(line.firstMatch(of: /(\d+) active tokens? in Fabrikam/).flatMap { Int($0.1) })
        console.send(.character("v"))
        #expect(console.headerRow.contains("Tokens in Fabrikam"), "\(console.headerRow)")
        #expect(console.counter?.total == counted, "the list matches its count\(console.dump)")
        console.send(.escape)
        #expect(console.frame.text(row: 2).contains("\u{2039} Fabrikam \u{203A}"))
    }
}
