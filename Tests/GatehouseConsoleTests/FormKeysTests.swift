import Foundation
@testable import GatehouseConsole
import GatehouseDomain
import TerminalKit
import Testing

/// Forms, the wizard and the pickers on their binding tables: the footer says what the keys do on
/// the field that has the focus, and saves run as effects (a progress note, keys still read).
@MainActor @Suite struct FormKeysTests {
    static let size = Size(width: 80, height: 24)

    @Test func theFooterSaysWhatKeysDoOnTheFocusedField() throws {
        let console = try TinyConsole()
        console.type("n")
        #expect(console.shows("New user"))
        #expect(!console.footerRow.contains("Change choice"), "a text field has no choice: \(console.footerRow)")
        #expect(console.footerRow.contains("Tab Next field"))
        #expect(console.footerRow.contains("Ctrl-S Add user"))
        console.send(.tab, .tab, .tab)  // Kind
        #expect(console.footerRow.contains("\u{2190}/\u{2192} Change choice"), "\(console.footerRow)")
        console.send(.backTab, .backTab, .backTab, .backTab)  // Organizations: a checklist
        #expect(console.footerRow.contains("Space Tick"), "\(console.footerRow)")
    }

    @Test func questionMarkOpensHelpOnAChoiceButIsTypedInATextField() throws {
        let console = try TinyConsole()
        console.type("n?")
        #expect(!console.shows("Help \u{2014}"), "typed into the name")
        #expect(console.shows("?"))
        console.send(.tab, .tab, .tab)
        console.type("?")
        #expect(console.shows("Help \u{2014} New user"), "\(console.dump)")
    }

    @Test func savingAUserRunsOffTheMainLoopWithAProgressNote() throws {
        let fixture = try TinyConsole()
        let console = fixture.driver.console
        fixture.type("n")
        fixture.type("Effect Person")
        fixture.send(.tab)
        fixture.type("eperson")
        let before = try fixture.userCount()
        // Straight to the console: the driver would run the effect at once.
        console.handle(.ctrl("s"), size: Self.size)
        #expect(console.hasRunningEffects)
        #expect(console.flash?.message == "Adding eperson\u{2026}")
        #expect(try fixture.userCount() == before, "nothing is written on the key press itself")
        // A second Ctrl-S while it runs says so instead of saving twice.
        console.handle(.ctrl("s"), size: Self.size)
        #expect(console.flash?.message == "Still saving\u{2026}")
        console.runEffectsNow()
        fixture.driver.draw()
        #expect(try fixture.userCount() == before + 1)
        #expect(console.topScreen?.breadcrumb == "eperson", "the form became the new user's detail: \(fixture.dump)")
    }

    @Test func aRefusedSaveComesBackToItsField() throws {
        let fixture = try TinyConsole()
        fixture.type("n")
        fixture.send(.tab)
        fixture.type("bad login!")
        fixture.send(.ctrl("s"))
        #expect(fixture.driver.console.topScreen?.breadcrumb == "New user", "the form stays")
        #expect(fixture.shows("\u{2717}"), "\(fixture.dump)")
    }

    /// Tokens › n, past the Owner step (myself) and the Name step.
    static func openWizard(_ fixture: ConsoleFixture, name: String) {
        fixture.type("3n")
        if fixture.wizardStep == "Owner" { fixture.send(.enter) }
        fixture.type(name)
        fixture.send(.enter)
    }

    @Test func theWizardsCreateIsAnEffectAndEndsOnTheShowOnceScreen() throws {
        let fixture = try TinyConsole()
        let console = fixture.driver.console
        Self.openWizard(fixture, name: "effect token")
        fixture.send(.enter, .enter)  // organization, expiration
        fixture.type(" ")
        fixture.send(.enter)  // scopes
        #expect(fixture.wizardStep == "Review", "\(fixture.dump)")
        let before = try fixture.tokenCount()
        console.handle(.enter, size: Self.size)
        #expect(console.hasRunningEffects)
        #expect(console.flash?.message == "Creating \u{201C}effect token\u{201D}\u{2026}")
        #expect(try fixture.tokenCount() == before)
        console.handle(.enter, size: Self.size)
        #expect(console.flash?.message == "Creating the token\u{2026}", "Enter waits for the first Create")
        console.runEffectsNow()
        fixture.driver.draw()
        #expect(try fixture.tokenCount() == before + 1, "one token, however often Enter was pressed")
        #expect(fixture.visibleSecrets.count == 1, "\(fixture.dump)")
        fixture.type("y")
    }

    @Test func theWizardsStepsOpenOnceTheirPoliciesAreReadOffTheMainLoop() throws {
        let fixture = try TinyConsole()
        let console = fixture.driver.console
        Self.openWizard(fixture, name: "read off the loop")
        #expect(fixture.wizardStep == "Organization")
        console.handle(.enter, size: Self.size)
        #expect(console.hasRunningEffects)
        #expect(console.flash?.message == "Reading the lifespan policy\u{2026}")
        #expect(fixture.wizardStep == "Organization", "the step opens with its data")
        // Typed ahead meanwhile: Enter waits, then accepts the Expiration step's first choice.
        console.handle(.enter, size: Self.size)
        console.runEffectsNow()
        fixture.driver.draw()
        #expect(fixture.wizardStep == "Scopes", "\(fixture.dump)")
        fixture.send(.escape)
        #expect(fixture.wizardStep == "Expiration")
        fixture.send(.enter)
        fixture.type(" ")
        console.handle(.enter, size: Self.size)
        #expect(console.flash?.message == "Checking the policies\u{2026}")
        // Esc before the answer: the review does not open behind the user's back.
        console.handle(.escape, size: Self.size)
        console.runEffectsNow()
        fixture.driver.draw()
        #expect(fixture.wizardStep == "Expiration", "\(fixture.dump)")
    }

    @Test func clearingQuickFiltersWithNothingTickedSaysSo() throws {
        let console = try TinyConsole()
        console.type("f")
        console.type("c")
        #expect(console.messageRow.contains("No filter is ticked"), "\(console.dump)")
        console.type(" c")
        #expect(!console.shows("[x]"), "c clears the tick")
    }

    @Test func addingAMemberRunsAsAnEffect() throws {
        let fixture = try TinyConsole { service, admin, organization in
            _ = try service.createGroup(named: "Release Managers", in: organization, by: admin)
            _ = try service.createUser(UserDraft(displayName: "Bea Builder", loginName: "bea"), in: [organization], by: admin)
        }
        fixture.type("2")
        fixture.filter("Release")
        fixture.send(.enter)
        fixture.type("a")
        fixture.type("bea")
        let console = fixture.driver.console
        console.handle(.enter, size: Self.size)
        #expect(console.flash?.message == "Adding Bea Builder to Release Managers\u{2026}", "\(String(describing: console.flash?.message))")
        console.runEffectsNow()
        fixture.driver.draw()
        #expect(fixture.messageRow.contains("Added Bea Builder to Release Managers"), "\(fixture.dump)")
    }
}
