import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// The New Token wizard (Owner ▸ Name ▸ Organization ▸ Expiration ▸ Scopes ▸ Review): every
/// step validates on the spot, back and forward keep the input, policies refuse before Create.
@MainActor @Suite struct WizardTests {
    static let width = 120, height = 30

    /// Opens the wizard from the Tokens pane.
    func open(_ console: ConsoleFixture) {
        console.send(.character("3"), .character("n"))
    }

    /// Filters the scope areas and ticks the first match at its first level.
    func tick(_ area: String, _ console: ConsoleFixture) {
        console.type(area)
        console.send(.character(" "))
        console.send(.ctrl("u"))
    }

    func tokens(_ console: ConsoleFixture) throws -> Int { try console.tokenCount() }

    // MARK: Name

    @Test func anEmptyNameIsRefusedOnTheSpot() throws {
        let console = try DemoConsole(as: "ymoreau", width: Self.width, height: Self.height)
        open(console)
        #expect(console.wizardStep == "Name", "without \u{201C}Manage others' tokens\u{201D} there is no Owner step\(console.dump)")
        console.send(.enter)
        #expect(console.shows("Give the token a name, so you recognize it later"))
        #expect(console.wizardStep == "Name")
        // Right under the field it is about, not at the foot of the box.
        let lines = console.frame.lines
        let field = try #require(lines.firstIndex { $0.contains("Name    ") }, "\(console.dump)")
        #expect(lines[field + 1].contains("\u{2717} Give the token a name"), "\(console.dump)")
        console.type("   ")
        console.send(.enter)
        #expect(console.shows("Give the token a name"), "blanks are not a name")
        #expect(console.wizardStep == "Name")
    }

    @Test func aDuplicateActiveNameIsRefused() throws {
        let console = try DemoConsole(as: "ymoreau", width: Self.width, height: Self.height)
        let existing = try #require(try console.service.tokens(TokenQuery(statuses: [.active]), page: .first(1), by: console.actor).items.first)
        open(console)
        console.type(existing.displayName)
        console.send(.enter)
        #expect(console.shows("You already have an active token named \u{201C}\(existing.displayName)\u{201D}; choose another name."), "\(console.dump)")
        #expect(console.wizardStep == "Name")
        console.type(" 2")
        console.send(.enter)
        #expect(console.wizardStep == "Organization")
    }

    @Test func keysThatMeanSomethingElseAreTypedIntoTheName() throws {
        let console = try DemoConsole(as: "ymoreau", width: Self.width, height: Self.height)
        open(console)
        console.type("q1?:/ 5")
        #expect(!console.driver.isFinished)
        #expect(console.activeTab == "3 Tokens")
        #expect(console.shows("q1?:/ 5"))
    }

    // MARK: Organization

    @Test func aGlobalTokenIsDisabledWithThePolicyAsTheReason() throws {
        let console = try DemoConsole(width: Self.width, height: Self.height)
        open(console)
        #expect(console.wizardStep == "Owner")
        console.send(.enter)
        console.type("Global attempt")
        console.send(.enter)
        #expect(console.wizardStep == "Organization")
        let row = try #require(console.row(containing: "All accessible organizations"))
        #expect(row.contains("Not allowed: \u{201C}Restrict global tokens\u{201D} is on in"), "\(console.dump)")
        console.send(.down, .down, .down)
        #expect(console.screen.contains("Not allowed: \u{201C}Restrict global tokens\u{201D} is on in"))
        console.send(.enter)
        #expect(console.wizardStep == "Organization", "Enter on the refused choice does not go on with another one\(console.dump)")
        #expect(console.row(containing: "All accessible organizations")?.contains("( )") == true)
    }

    // MARK: Expiration

    /// Goes to the Expiration step of a Fabrikam token (Fabrikam allows at most 90 days).
    func toFabrikamExpiration(_ console: ConsoleFixture) {
        open(console)
        console.send(.enter)
        console.type("Dated token")
        console.send(.enter, .down, .enter)
    }

    @Test func theLifespanPolicyCapsThePresets() throws {
        let console = try DemoConsole(width: Self.width, height: Self.height)
        try console.setPolicy(.maximumLifespan, in: "Fabrikam") { $0.maximumLifespanDays = 45 }
        toFabrikamExpiration(console)
        #expect(console.wizardStep == "Expiration")
        #expect(console.shows("Maximum here: 45 days."))
        #expect(console.row(containing: "60 days")?.contains("Over the 45-day maximum of the lifespan policy") == true, "\(console.dump)")
        console.send(.down)
        #expect(console.screen.contains("Over the 45-day maximum"))
        console.send(.enter)
        #expect(console.wizardStep == "Expiration", "a refused preset does not pass")
    }

    struct DateCase: CustomTestStringConvertible, Sendable {
        let digits: String
        let message: String
        var testDescription: String { digits.isEmpty ? "empty" : digits }
    }

    nonisolated static let badDates: [DateCase] = {
        let calendar = Calendar(identifier: .gregorian)
        var utc = calendar
        utc.timeZone = TimeZone(identifier: "UTC")!
        func digits(_ date: Date) -> String { TextFormat.date(date).replacingOccurrences(of: "-", with: "") }
        let yesterday = Date().addingTimeInterval(-86_400)
        let beyond = Date().addingTimeInterval(120 * 86_400)
        return [
            DateCase(digits: digits(yesterday), message: "or later"),
            DateCase(digits: digits(beyond), message: "or earlier"),
            DateCase(digits: "20270230", message: "2027-02-30 is not a real date"),
            DateCase(digits: "2027", message: "Enter a date as YYYY-MM-DD"),
            DateCase(digits: "", message: "Enter a date as YYYY-MM-DD"),
        ]
    }()

    @Test(arguments: badDates)
    func aBadCustomDateIsRefused(_ bad: DateCase) throws {
        let console = try DemoConsole(width: Self.width, height: Self.height)
        toFabrikamExpiration(console)
        #expect(console.shows("Maximum here: 90 days."), "\(console.dump)")
        console.send(.down, .down, .down)
        #expect(console.shows("Date"))
        console.type(bad.digits)
        console.type("ab-")  // not digits: a date field ignores them
        console.send(.enter)
        #expect(console.wizardStep == "Expiration")
        #expect(console.screen.contains(bad.message), "\(console.dump)")
        // A good date then passes.
        console.send(.ctrl("u"))
        console.type(TextFormat.date(Date().addingTimeInterval(20 * 86_400)).replacingOccurrences(of: "-", with: ""))
        console.send(.enter)
        #expect(console.wizardStep == "Scopes")
    }

    // MARK: Scopes

    @Test func noScopeIsRefused() throws {
        let console = try DemoConsole(as: "ymoreau", width: Self.width, height: Self.height)
        open(console)
        console.type("Scopeless")
        console.send(.enter, .enter, .enter)
        #expect(console.wizardStep == "Scopes")
        console.send(.enter)
        #expect(console.shows("Choose at least one scope, or switch to Full access (F)."))
        #expect(console.wizardStep == "Scopes")
        tick("Code", console)
        console.send(.enter)
        #expect(console.wizardStep == "Review")
    }

    @Test func fullAccessIsRefusedWhereRestrictFullScopedTokensApplies() throws {
        let console = try DemoConsole(as: "tdubois", width: Self.width, height: Self.height)
        let before = try tokens(console)
        open(console)
        console.type("Everything")
        console.send(.enter, .enter, .enter)
        #expect(console.wizardStep == "Scopes", "\(console.dump)")
        console.send(.character("F"))
        let reason = "Full access is not allowed: \u{201C}Restrict full-scoped tokens\u{201D} is on in Contoso. Choose custom scopes."
        #expect(console.shows(reason), "\(console.dump)")
        console.send(.enter)
        #expect(console.wizardStep == "Scopes")
        #expect(try tokens(console) == before)
    }

    @Test func highPrivilegeScopesAreMarkedBeforeChoosing() throws {
        let console = try DemoConsole(width: Self.width, height: Self.height)
        open(console)
        console.send(.enter)
        console.type("Tokens admin")
        console.send(.enter, .enter, .enter)
        console.type("Tokens")
        console.send(.character(" "))
        #expect(console.screen.contains("\u{2020} vso.tokens is high-privilege"), "\(console.dump)")
    }

    // MARK: Back and forward

    @Test func backAndForwardKeepWhatWasTyped() throws {
        let console = try DemoConsole(width: Self.width, height: Self.height)
        open(console)
        console.send(.enter)
        console.type("Keep me")
        console.send(.enter)
        #expect(console.wizardStep == "Organization")
        console.send(.down)  // Fabrikam
        console.send(.enter)
        #expect(console.wizardStep == "Expiration")
        console.send(.escape)
        #expect(console.wizardStep == "Organization")
        #expect(console.row(containing: "Fabrikam")?.contains("(\u{2022})") == true, "\(console.dump)")
        console.send(.backTab)
        #expect(console.wizardStep == "Name")
        #expect(console.shows("Keep me"))
        console.send(.enter, .enter)
        #expect(console.wizardStep == "Expiration")
        console.send(.down)  // 60 days
        console.send(.enter)
        tick("Build", console)
        console.send(.enter)
        #expect(console.wizardStep == "Review")
        #expect(console.row(containing: "Name  ")?.contains("Keep me") == true)
        #expect(console.row(containing: "Organization  ")?.contains("Fabrikam") == true, "\(console.dump)")
        #expect(console.row(containing: "Scopes  ")?.contains("Build: Read") == true)
        // Back from Review to Scopes keeps the ticks.
        console.send(.escape)
        #expect(console.wizardStep == "Scopes")
        #expect(console.shows("Chosen: Build: Read"))
    }

    // MARK: Review

    @Test func restrictCreationRefusesInTheReviewAndCreateIsRefused() throws {
        let console = try DemoConsole(as: "rpetrov", width: Self.width, height: Self.height)
        let before = try tokens(console)
        let events = try console.auditCount()
        open(console)
        console.type("Northwind code")
        console.send(.enter, .enter, .enter)
        tick("Code", console)
        console.send(.enter)
        #expect(console.wizardStep == "Review")
        #expect(console.screen.contains("\u{2717} Refused by the policy \u{201C}Restrict token creation\u{201D} of Northwind"), "\(console.dump)")
        #expect(console.screen.contains("ask a policy administrator for an exemption."), "the remedy is wrapped, not cut\(console.dump)")
        console.send(.enter)
        #expect(console.wizardStep == "Review", "Create is refused")
        #expect(console.screen.contains("Go back with Esc to change it."))
        #expect(try tokens(console) == before)
        #expect(try console.auditCount() == events)

        // Packaging only passes.
        console.send(.escape)
        tick("Code", console)  // untick
        tick("Packaging", console)
        console.send(.enter)
        #expect(console.screen.contains("packaging-only tokens are allowed"), "\(console.dump)")
        console.send(.enter)
        #expect(console.headerRow.contains("Token created"))
        #expect(try tokens(console) == before + 1)
    }

    /// Issue #13 item 5: where the owner may not create tokens, the Organization step says so, with
    /// the reason, instead of a Review all green and a Create that fails.
    @Test func anOrganizationWithoutCreateTokensIsUnavailableWithTheReason() throws {
        let console = try DemoConsole(as: "pbarros", width: Self.width, height: Self.height)
        open(console)
        console.type("Fabrikam build")
        console.send(.enter)
        #expect(console.wizardStep == "Organization", "\(console.dump)")
        let fabrikam = try #require(console.frame.lines.first { $0.contains("( ) Fabrikam") }, "\(console.dump)")
        #expect(fabrikam.contains("Not available: You may not create tokens in Fabrikam"), "\(fabrikam)")
        #expect(console.frame.lines.first { $0.contains(") Contoso") }?.contains("Not available") == false)
        var moves = 0
        while !console.screen.contains("\u{2717} Not available") && moves < 3 { console.send(.down); moves += 1 }
        #expect(console.screen.contains("\u{2717} Not available: You may not create tokens in Fabrikam"), "the reason in full, below\(console.dump)")
        console.send(.enter)
        #expect(console.wizardStep == "Organization", "Enter on it says why and stays")
    }

    @Test func restrictTokenCreationWithoutAnExemptionMarksTheOrganizationUnavailable() throws {
        let console = try TinyConsole(width: 80, height: 24) { service, admin, organization in
            let policies = try service.policies(of: organization, by: admin)
            var policy = policies[.restrictCreation]
            policy.isEnabled = true
            try service.updatePolicy(policy, in: organization, expectedVersion: policies.version, by: admin)
        }
        open(console)
        console.send(.enter)
        console.type("Blocked")
        console.send(.enter)
        #expect(console.wizardStep == "Organization", "\(console.dump)")
        #expect(console.frame.lines.first { $0.contains("( ) Default") }?.contains("Not available: \u{201C}Restrict token creation\u{201D} is on in Default") == true, "\(console.dump)")
        console.send(.enter)
        #expect(console.wizardStep == "Organization")
        let message = console.frame.lines.suffix(6).joined(separator: " ")
        #expect(message.contains("Restrict token creation"), "\(console.dump)")
    }

    /// Review scrolls at the smallest size, and says when refusals are below.
    @Test func theReviewScrollsToEveryRefusalOnASmallTerminal() throws {
        let console = try TinyConsole(width: 80, height: 16) { service, admin, organization in
            let policies = try service.policies(of: organization, by: admin)
            var policy = policies[.restrictCreation]
            policy.isEnabled = true
            policy.packagingOnly = true
            try service.updatePolicy(policy, in: organization, expectedVersion: policies.version, by: admin)
        }
        open(console)
        console.send(.enter)
        console.type("Small screen")
        console.send(.enter, .enter, .enter)
        tick("Code", console)
        console.send(.enter)
        #expect(console.wizardStep == "Review", "\(console.dump)")
        let refusal = "\u{2717} Refused by the policy \u{201C}Restrict token creation\u{201D}"
        if !console.screen.contains(refusal) {
            #expect(console.screen.contains("including refusals"), "the review says refusals are below\(console.dump)")
        }
        var seen = console.screen.contains(refusal)
        var remedy = console.screen.contains("for an exemption.")
        for _ in 0..<12 where !(seen && remedy) {
            console.send(.down)
            seen = seen || console.screen.contains(refusal)
            remedy = console.screen.contains("for an exemption.")
        }
        #expect(seen, "\(console.dump)")
        #expect(remedy, "scrolling reaches the end of the refusal, its remedy\(console.dump)")
        console.send(.character("?"))
        #expect(console.shows("Help \u{2014} New token"), "? opens help on the Review step\(console.dump)")
    }

    enum MidWizardChange: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case global, fullAccess, lifespan
        var testDescription: String { rawValue }
    }

    /// A policy that changes while the wizard is open is caught in the review, before Create.
    @Test(arguments: MidWizardChange.allCases)
    func aPolicyThatChangedMidWizardIsExplainedInTheReview(_ change: MidWizardChange) throws {
        let console: ConsoleFixture
        let policy: PolicyKind
        switch change {
        case .global:
            console = try DemoConsole(width: Self.width, height: Self.height)
            for organization in ["Contoso", "Fabrikam"] { try console.setPolicy(.restrictGlobalTokens, in: organization) { $0.isEnabled = false } }
            policy = .restrictGlobalTokens
            open(console)
            console.send(.enter)
            console.type("Everywhere")
            console.send(.enter, .down, .down, .down, .enter, .enter)
            tick("Code", console)
            try console.setPolicy(.restrictGlobalTokens, in: "Fabrikam") { $0.isEnabled = true }
        case .fullAccess:
            console = try DemoConsole(as: "tdubois", width: Self.width, height: Self.height)
            try console.setPolicy(.restrictFullScopedTokens, in: "Contoso") { $0.isEnabled = false }
            policy = .restrictFullScopedTokens
            open(console)
            console.type("Everything")
            console.send(.enter, .enter, .enter, .character("F"))
            try console.setPolicy(.restrictFullScopedTokens, in: "Contoso") { $0.isEnabled = true }
        case .lifespan:
            console = try DemoConsole(width: Self.width, height: Self.height)
            policy = .maximumLifespan
            open(console)
            console.send(.enter)
            console.type("Long lived")
            console.send(.enter, .enter, .down, .down, .enter)  // Contoso, 90 days
            tick("Code", console)
            try console.setPolicy(.maximumLifespan, in: "Contoso") {
                $0.isEnabled = true
                $0.maximumLifespanDays = 30
            }
        }
        let before = try tokens(console)
        console.send(.enter)
        #expect(console.wizardStep == "Review", "\(console.dump)")
        #expect(console.screen.contains("\u{2717} Refused by the policy \u{201C}\(policy.title)\u{201D}"), "\(console.dump)")
        #expect(console.screen.contains("choose") || console.screen.contains("ask a policy administrator"), "the remedy shows")
        console.send(.enter)
        #expect(console.wizardStep == "Review")
        #expect(console.screen.contains("Go back with Esc to change it."))
        #expect(try tokens(console) == before)
    }

    @Test func aPolicyThatChangedAfterTheReviewIsStillRefusedByCreate() throws {
        let console = try DemoConsole(as: "tdubois", width: Self.width, height: Self.height)
        try console.setPolicy(.restrictFullScopedTokens, in: "Contoso") { $0.isEnabled = false }
        open(console)
        console.type("Everything")
        console.send(.enter, .enter, .enter, .character("F"), .enter)
        #expect(console.wizardStep == "Review")
        #expect(console.screen.contains("Restrict full-scoped tokens (Contoso): off"), "\(console.dump)")
        try console.setPolicy(.restrictFullScopedTokens, in: "Contoso") { $0.isEnabled = true }
        let before = try tokens(console)
        console.send(.enter)
        #expect(console.wizardStep == "Review")
        #expect(console.screen.contains("Refused by the policy \u{201C}Restrict full-scoped tokens\u{201D} of Contoso"), "\(console.dump)")
        #expect(try tokens(console) == before)
    }

    // MARK: On behalf

    @Test func anAdminCreatesATokenOnBehalfOfAServiceAccount() throws {
        let console = try DemoConsole(width: Self.width, height: Self.height)
        let service = try console.user("svc-deploy")
        open(console)
        console.type("deploy")
        #expect(console.shows("Deployment Service  svc-deploy"), "typing finds service accounts\(console.dump)")
        console.send(.down, .enter)
        #expect(console.wizardStep == "Name")
        #expect(console.shows("Owner: Deployment Service (svc-deploy, service account)"))
        #expect(console.shows("unique among svc-deploy's active tokens"))
        console.type("Nightly deploy")
        console.send(.enter)
        #expect(console.shows("Where may svc-deploy's token be used?"))
        console.send(.enter, .enter)
        tick("Release", console)
        console.send(.enter)
        #expect(console.row(containing: "Owner  ")?.contains("Deployment Service (svc-deploy), created on its behalf by you") == true, "\(console.dump)")
        console.send(.enter)
        #expect(console.headerRow.contains("Token created"))
        #expect(console.row(containing: "Owner  ")?.contains("Deployment Service (svc-deploy)") == true)
        console.send(.character("y"))

        let created = try #require(try console.service.tokens(TokenQuery(search: TextSearch("Nightly deploy")), page: .first(5), by: console.actor).items.first)
        #expect(created.ownerID == service.id)
        #expect(created.createdByID == console.actor.user.id)
        let event = try #require(try console.auditEvents(AuditQuery(actions: [.tokenCreated]), limit: 1).first)
        #expect(event.target.id == created.id.description)
        #expect(event.actor.login == "demo-admin")
        #expect(event.onBehalfOf?.login == "svc-deploy")
        #expect(event.onBehalfOf?.id == service.id)
    }

    @Test func newFromAServiceAccountsTokensProposesThatAccountAsOwner() throws {
        let console = try DemoConsole(width: Self.width, height: Self.height)
        let service = try console.user("svc-deploy")
        console.command("user svc-deploy")
        console.send(.character("t"), .character("n"))
        #expect(console.wizardStep == "Owner")
        console.send(.enter)
        #expect(console.shows("Owner: Deployment Service (svc-deploy, service account)"), "Enter keeps the proposed owner\(console.dump)")
        console.type("From the account")
        console.send(.enter, .enter, .enter)
        tick("Code", console)
        console.send(.enter, .enter)
        console.send(.character("y"))
        let created = try #require(try console.service.tokens(TokenQuery(search: TextSearch("From the account")), page: .first(5), by: console.actor).items.first)
        #expect(created.ownerID == service.id)
    }

    // MARK: Leaving

    @Test func escAtTheFirstStepWithATypedNameAsksFirst() throws {
        let console = try DemoConsole(as: "ymoreau", width: Self.width, height: Self.height)
        let before = try tokens(console)
        open(console)
        console.type("Half done")
        console.send(.escape)
        #expect(console.shows("Discard changes?"))
        console.send(.enter)
        #expect(!console.shows("Discard changes?"))
        #expect(console.wizardStep == "Name", "Cancel is focused: Enter keeps the wizard")
        #expect(console.shows("Half done"))
        console.send(.escape, .tab, .enter)
        #expect(!console.headerRow.contains("New token"))
        #expect(console.headerRow.contains("Gatehouse \u{203A} Tokens"))
        #expect(try tokens(console) == before)
    }

    @Test func escAfterGoingBackToTheOwnerStepStillAsks() throws {
        let console = try DemoConsole(width: Self.width, height: Self.height)
        open(console)
        console.send(.escape)
        #expect(!console.shows("Discard changes?"), "nothing typed: leaves at once")
        #expect(!console.headerRow.contains("New token"))
        open(console)
        console.send(.enter)
        console.type("Typed")
        console.send(.escape)
        #expect(console.wizardStep == "Owner")
        console.send(.escape)
        #expect(console.shows("Discard changes?"))
    }

    @Test func quittingWithAnOpenWizardAsksFirst() throws {
        let console = try DemoConsole(as: "ymoreau", width: Self.width, height: Self.height)
        open(console)
        console.type("Unsaved")
        console.send(.ctrl("c"))
        #expect(console.shows("Quit Gatehouse?"))
        #expect(!console.driver.isFinished)
        console.send(.enter)
        #expect(!console.driver.isFinished)
        console.send(.ctrl("c"), .tab, .enter)
        #expect(console.driver.isFinished)
    }
}
