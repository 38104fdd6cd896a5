import Foundation
import GatehouseConsole
import GatehouseDomain
import TerminalKit
import Testing

/// The show-once screen: the secret is drawn once, copied with OSC 52, hidden on demand, left
/// only with an explicit acknowledgement, and gone afterwards: from every frame, the audit log
/// and the database files. It verifies with the chosen scopes; regenerate replaces it.
@MainActor @Suite struct ShowOnceTests {
    /// Creates a Contoso token with Code: Read through the wizard, as the demo administrator, and
    /// returns the secret read from the show-once screen.
    func createToken(_ console: ConsoleFixture, named name: String) throws -> String {
        console.send(.character("3"), .character("n"), .enter)
        console.type(name)
        console.send(.enter, .enter, .enter)
        console.type("Code")
        console.send(.character(" "), .enter)
        #expect(console.wizardStep == "Review", "\(console.dump)")
        console.send(.enter)
        #expect(console.headerRow.contains("Tokens \u{203A} Token created"), "\(console.dump)")
        let secrets = console.visibleSecrets
        #expect(secrets.count == 1, "the secret is drawn whole, once\(console.dump)")
        return try #require(secrets.first)
    }

    /// Everything that must never hold the secret after the show-once screen: every pane, the
    /// token's detail, the audit log and an event's detail, the help overlay.
    func expectSecretGoneFromEveryScreen(_ console: ConsoleFixture, secret: String, tokenName: String) {
        let body = String(secret.dropFirst(TokenFormat.prefix.count).prefix(TokenFormat.randomLength))
        func check(_ place: String) {
            #expect(!console.screen.contains(secret), "secret visible in \(place)")
            #expect(!console.screen.contains(String(body.prefix(12))), "part of the secret visible in \(place)")
            #expect(console.visibleSecrets.isEmpty, "a token secret visible in \(place)")
        }
        check("the list after leaving")
        for digit in ["1", "2", "3", "4", "5"] {
            console.send(.character(Character(digit)))
            check("pane \(digit)")
            console.send(.character("?"))
            check("help of pane \(digit)")
            console.send(.escape)
        }
        console.command("token \(tokenName)")
        #expect(console.headerRow.contains("Tokens \u{203A} \(tokenName)"), "\(console.dump)")
        check("the token detail")
        console.send(.escape, .character("4"))
        console.filter("action:token")
        check("the filtered audit log")
        console.send(.enter)
        #expect(console.headerRow.contains("Event #"))
        check("an audit event")
        console.send(.escape, .character("/"), .escape)
    }

    func expectSecretAbsentFromAuditAndDatabase(_ console: ConsoleFixture, secrets: [String]) throws {
        let events = try console.auditEvents()
        #expect(events.count > 300)
        for secret in secrets {
            let body = String(secret.dropFirst(TokenFormat.prefix.count).prefix(TokenFormat.randomLength))
            for event in events {
                var fields = [event.actor.login, event.target.id, event.target.name, event.action.rawValue]
                fields += [event.impersonator?.login, event.onBehalfOf?.login].compactMap { $0 }
                fields += event.details.flatMap { [$0.key, $0.value] }
                #expect(!fields.contains { $0.contains(secret) || $0.contains(body) }, "event #\(event.id) holds the secret")
            }
            for file in console.databaseFiles() {
                #expect(file.data.range(of: Data(secret.utf8)) == nil, "\(file.name) holds the secret")
                #expect(file.data.range(of: Data(body.utf8)) == nil, "\(file.name) holds the secret's random part")
            }
        }
        #expect(console.databaseFiles().contains { $0.name.hasSuffix(".sqlite") })
    }

    @Test func theSecretIsShownOnceCopiedHiddenAndLeftOnlyWithY() throws {
        let console = try DemoConsole()
        let secret = try createToken(console, named: "Show once")
        #expect(TokenFormat.validate(secret) == nil, "what is drawn is a whole, well-formed token")
        #expect(console.shows("It will not be shown again"))
        #expect(console.footerRow.contains("y I have copied the token"))

        console.send(.character("c"))
        #expect(console.driver.clipboard == [secret], "c sends exactly the secret with OSC 52")
        #expect(console.messageRow.contains("Sent to your terminal (OSC 52)"), "outside tmux, no more than that is known")
        #expect(!console.screen.contains("clipboard"), "never claims it reached the clipboard")

        console.send(.character("h"))
        #expect(!console.screen.contains(secret), "h hides it for screen sharing")
        #expect(console.visibleSecrets.isEmpty)
        #expect(console.shows(String(repeating: "\u{2022}", count: secret.count)))
        console.send(.character("h"))
        #expect(console.visibleSecrets == [secret])

        for key: Key in [.character("q"), .escape, .character("1"), .character("5"), .tab, .backTab, .character(":"), .character("?"), .enter, .character("n")] {
            console.send(key)
            #expect(!console.driver.isFinished, "\(key.displayName) does not quit")
            #expect(console.headerRow.contains("Token created"), "\(key.displayName) does not leave")
            #expect(console.visibleSecrets == [secret], "\(key.displayName) keeps the secret on screen")
            #expect(console.activeTab == "3 Tokens")
        }
        #expect(console.driver.clipboard == [secret], "nothing else was copied")

        console.send(.character("y"))
        #expect(!console.headerRow.contains("Token created"))
        #expect(console.headerRow.contains("Gatehouse \u{203A} Tokens"))
        #expect(console.messageRow.contains("is ready; its secret is no longer shown"))
        expectSecretGoneFromEveryScreen(console, secret: secret, tokenName: "Show once")
        try expectSecretAbsentFromAuditAndDatabase(console, secrets: [secret])
    }

    @Test func theSecretVerifiesWithTheChosenScopes() throws {
        let console = try DemoConsole()
        let secret = try createToken(console, named: "Verifiable")
        console.send(.character("y"))
        let result = try console.service.verify(TokenSecret(presented: secret))
        let verified = try result.get()
        #expect(verified.token.displayName == "Verifiable")
        #expect(verified.owner.loginName == "demo-admin")
        #expect(verified.scopes == .custom(["vso.code"]))
        #expect(verified.grants("vso.code", catalog: console.catalog))
        #expect(!verified.grants("vso.code_write", catalog: console.catalog))
        #expect(verified.organizations.map(\.name) == ["Contoso"])
    }

    @Test func regenerateShowsANewSecretOnceAndTheOldOneIsReplaced() throws {
        let console = try DemoConsole()
        let old = try createToken(console, named: "Rotating")
        console.send(.character("y"))
        console.command("token Rotating")
        #expect(console.headerRow.contains("Tokens \u{203A} Rotating"))
        let events = try console.auditCount()

        console.send(.character("r"))
        #expect(console.shows("Regenerate token?"))
        #expect(console.screen.contains("Rotating (gpat_"), "the dialog names the token\(console.dump)")
        console.send(.enter)
        #expect(!console.shows("Regenerate token?"))
        #expect(try console.auditCount() == events, "Cancel is focused first")
        #expect(try console.service.verify(TokenSecret(presented: old)).get().token.displayName == "Rotating")

        console.send(.character("r"), .tab, .enter)
        #expect(console.headerRow.contains("New secret"), "\(console.dump)")
        #expect(console.shows("New secret for \u{201C}Rotating\u{201D}"))
        let secrets = console.visibleSecrets
        #expect(secrets.count == 1)
        let new = try #require(secrets.first)
        #expect(new != old)
        #expect(!console.screen.contains(old))
        console.send(.escape, .character("q"))
        #expect(console.headerRow.contains("New secret"), "leaving still takes y")
        console.send(.character("c"))
        #expect(console.driver.clipboard.last == new)
        console.send(.character("y"))
        #expect(console.headerRow.contains("Tokens \u{203A} Rotating"), "back on the token's detail")
        #expect(console.shows("regenerated 1\u{00D7}"))

        let replaced = try console.service.verify(TokenSecret(presented: old))
        guard case .failure(.replaced) = replaced else {
            Issue.record("the old secret should fail as replaced, got \(replaced)")
            return
        }
        #expect(try console.service.verify(TokenSecret(presented: new)).get().token.displayName == "Rotating")
        #expect(try console.auditCount(AuditQuery(actions: [.tokenRegenerated])) >= 1)
        #expect(try console.auditCount(AuditQuery(actions: [.replacedSecretPresented])) >= 1, "presenting the old secret is reported")
        expectSecretGoneFromEveryScreen(console, secret: new, tokenName: "Rotating")
        try expectSecretAbsentFromAuditAndDatabase(console, secrets: [old, new])
    }

    @Test func regenerateFromTheListEndsInTheSameScreen() throws {
        let console = try DemoConsole()
        _ = try createToken(console, named: "From the list")
        console.send(.character("y"))
        console.filter("From the list")
        console.send(.character("r"), .tab, .enter)
        #expect(console.headerRow.contains("Tokens \u{203A} New secret"), "\(console.dump)")
        #expect(console.visibleSecrets.count == 1)
        console.send(.character("y"))
        #expect(console.headerRow.contains("Gatehouse \u{203A} Tokens"))
        #expect(console.visibleSecrets.isEmpty)
    }

    @Test(arguments: [(60, 16), (80, 24), (200, 60)])
    func theWholeSecretFitsFromTheSmallestSupportedSize(_ width: Int, _ height: Int) throws {
        let console = try DemoConsole(width: width, height: height)
        console.send(.character("3"), .character("n"), .enter)
        console.type("Small screen")
        console.send(.enter, .enter, .enter)
        console.type("Code")
        console.send(.character(" "), .enter, .enter)
        #expect(console.visibleSecrets.count == 1, "the secret is not cut at \(width)x\(height)\(console.dump)")
        // The warning and the prompt wrap inside the frame instead of ending in "…".
        let text = console.frame.lines.map { $0.replacingOccurrences(of: "\u{2502}", with: " ").trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(text.contains("Gatehouse keeps only a digest of it."), "at \(width)x\(height)")
        #expect(text.contains("y once you have stored it (in a password manager or secret store)."), "at \(width)x\(height)")
        console.send(.character("c"))
        #expect(console.driver.clipboard == console.visibleSecrets)
    }

    @Test func resizingTheShowOnceScreenKeepsTheSecretUntilY() throws {
        let console = try DemoConsole()
        let secret = try createToken(console, named: "Resized")
        console.driver.resize(width: 30, height: 8)
        #expect(console.shows("Terminal too small"))
        #expect(!console.screen.contains(secret))
        console.driver.resize(width: 100, height: 30)
        #expect(console.visibleSecrets == [secret], "the secret is still there to copy")
        console.send(.character("y"))
        #expect(console.visibleSecrets.isEmpty)
    }

    @Test func quittingFromTheShowOnceScreenAsksFirst() throws {
        let console = try DemoConsole()
        let secret = try createToken(console, named: "Not yet copied")
        console.send(.ctrl("c"))
        #expect(console.shows("Quit and lose the secret?"), "\(console.dump)")
        let dialog = PolicyImpactTests.dialogText(console, title: "Quit and lose the secret?")
        #expect(dialog.contains("The token \u{201C}Not yet copied\u{201D} exists and works, but its secret is shown only here"), "\(dialog)")
        #expect(dialog.contains("unless you have stored it"))
        #expect(!console.screen.contains("form"), "it is not about form input")
        #expect(!console.driver.isFinished)
        console.send(.escape)
        #expect(console.visibleSecrets == [secret])
        console.send(.ctrl("c"), .tab, .enter)
        #expect(console.driver.isFinished)
    }

    /// Issue #13 item 6: `c` says what is known of where the copy went, tmux's setting included.
    @Test(arguments: [
        (ClipboardReach.tmux(setClipboard: "external", allowPassthrough: false), "Not copied: tmux has set-clipboard external"),
        (.tmux(setClipboard: "off", allowPassthrough: false), "Not copied: tmux has set-clipboard off"),
        (.tmux(setClipboard: "on", allowPassthrough: false), "Sent through tmux (set-clipboard on) to your terminal"),
        (.tmux(setClipboard: "external", allowPassthrough: true), "Sent to your terminal through tmux\u{2019}s passthrough"),
        (.tmuxUnknown, "Sent to tmux, which did not say"),
        (.terminal, "Sent to your terminal (OSC 52)"),
    ])
    func copySaysOnlyWhatIsKnown(_ reach: ClipboardReach, _ expected: String) throws {
        let fixture = try DemoConsole(width: 100, height: 30)
        let console = ConsoleDriver(service: fixture.service, actor: fixture.actor, width: 100, height: 30, clipboardReach: reach)
        console.send(.character("3"), .character("n"), .enter)
        console.type("Copied under tmux")
        console.send(.enter, .enter, .enter)
        console.type("Code")
        console.send(.character(" "), .enter, .enter)
        #expect(console.frame.contains("Token created"), "\(console.screen)")
        console.send(.character("c"))
        let message = console.frame.lines.suffix(5).joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(message.contains(expected), "\(console.screen)")
        #expect(!console.screen.contains("Sent to the clipboard"))
        if reach.isDropped {
            #expect(message.contains("Select the token with the mouse instead (tmux: set -g set-clipboard on)"))
            #expect(!console.screen.contains("Copied? Press y"), "the prompt does not pretend it was copied")
        }
    }

    @Test func escAndQOnTheShowOnceScreenSayPressYOnceStored() throws {
        let console = try DemoConsole()
        let secret = try createToken(console, named: "Esc here")
        for key: Key in [.escape, .character("q")] {
            console.send(key)
            #expect(console.messageRow.contains("press y once you have stored the token"), "\(key.displayName): \(console.messageRow)")
            #expect(console.visibleSecrets == [secret])
        }
    }

    @Test func tmuxAnswersDecideTheReach() {
        #expect(ClipboardReach.decide(tmuxVariable: nil) { _ in "on" } == .terminal)
        #expect(ClipboardReach.decide(tmuxVariable: "") { _ in "on" } == .terminal)
        #expect(ClipboardReach.decide(tmuxVariable: "/tmp/tmux-0/default,42,0") { _ in nil } == .tmuxUnknown)
        #expect(ClipboardReach.decide(tmuxVariable: "/tmp/tmux-0/default,42,0") { $0 == "set-clipboard" ? "external\n" : nil }
                == .tmux(setClipboard: "external", allowPassthrough: false))
        #expect(ClipboardReach.decide(tmuxVariable: "/tmp/tmux-0/default,42,0") { $0 == "set-clipboard" ? "off\n" : "on\n" }
                == .tmux(setClipboard: "off", allowPassthrough: true))
    }
}
