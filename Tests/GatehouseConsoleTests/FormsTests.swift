import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// Every form's validation: the façade's message lands where the user looks, and a refused
/// submit changes nothing (counted through the façade before and after).
@MainActor @Suite struct FormsTests {
    struct Snapshot: Equatable {
        let users: Int
        let groups: Int
        let audit: Int
        let tokens: Int
    }

    func snapshot(_ console: ConsoleFixture) throws -> Snapshot {
        Snapshot(users: try console.userCount(), groups: try console.groupCount(), audit: try console.auditCount(), tokens: try console.tokenCount())
    }

    // MARK: User form

    struct UserCase: CustomTestStringConvertible, Sendable {
        let name: String
        let login: String
        let email: String
        let message: String
        var testDescription: String { message }
    }

    nonisolated static let badUsers = [
        UserCase(name: "", login: "newbie", email: "", message: "required; type at least one character."),
        UserCase(name: "New Person", login: "bad login!", email: "", message: "use ASCII letters, digits, dot, dash and underscore"),
        UserCase(name: "New Person", login: "", email: "", message: "required; type at least one character."),
        UserCase(name: "New Person", login: "newbie", email: "not-an-email", message: "\u{201C}not-an-email\u{201D} is not an email address"),
        UserCase(name: "New Person", login: "aandersen", email: "", message: "A user named \u{201C}aandersen\u{201D} already exists"),
    ]

    @Test(arguments: badUsers)
    func userFormShowsTheProblemAndAddsNobody(_ bad: UserCase) throws {
        let console = try DemoConsole()
        let before = try snapshot(console)
        console.send(.character("n"))
        #expect(console.headerRow.contains("Users \u{203A} New user"))
        console.type(bad.name)
        console.send(.tab)
        console.type(bad.login)
        console.send(.tab)
        console.type(bad.email)
        console.send(.ctrl("s"))
        #expect(console.screen.contains(bad.message), "\(console.dump)")
        #expect(console.headerRow.contains("New user"), "the form stays open with what was typed")
        if !bad.name.isEmpty { #expect(console.shows(bad.name)) }
        #expect(try snapshot(console) == before)
    }

    @Test func aValidUserIsAddedAndOpens() throws {
        let console = try DemoConsole()
        let before = try snapshot(console)
        console.send(.character("n"))
        console.type("Nova Newcomer")
        console.send(.tab)
        console.type("nnewcomer")
        console.send(.tab)
        console.type("nova@fabrikam.example")
        console.send(.ctrl("s"))
        let user = try console.user("nnewcomer")
        #expect(user.displayName == "Nova Newcomer")
        #expect(user.email == "nova@fabrikam.example")
        #expect(try console.userCount() == before.users + 1)
        #expect(try console.auditCount() > before.audit)
        #expect(try console.auditEvents(AuditQuery(actions: [.userCreated]), limit: 1).first?.target.name == "nnewcomer")
        #expect(console.headerRow.contains("Users \u{203A} nnewcomer"), "the form becomes the new user's detail")
        #expect(console.messageRow.contains("Added nnewcomer"))
    }

    @Test func leavingATypedFormAsksFirstAndCancelKeepsIt() throws {
        let console = try DemoConsole()
        let before = try snapshot(console)
        console.send(.character("n"))
        console.type("Half Typed")
        console.send(.escape)
        #expect(console.shows("Discard changes?"))
        console.send(.enter)
        #expect(!console.shows("Discard changes?"))
        #expect(console.headerRow.contains("New user"), "Cancel is focused: Enter keeps the form")
        #expect(console.shows("Half Typed"))
        console.send(.escape, .tab, .enter)
        #expect(!console.headerRow.contains("New user"))
        #expect(try snapshot(console) == before)
    }

    @Test func anUntouchedFormLeavesWithoutAsking() throws {
        let console = try DemoConsole()
        console.send(.character("n"), .escape)
        #expect(!console.shows("Discard changes?"))
        #expect(!console.headerRow.contains("New user"))
    }

    @Test func editingAUserToAnEmptyNameIsRefused() throws {
        let console = try DemoConsole()
        let alice = try console.user("aandersen")
        let before = try snapshot(console)
        console.filter("aandersen")
        console.send(.character("e"))
        #expect(console.headerRow.contains("Edit aandersen"))
        #expect(console.shows("Alice Andersen"), "the form starts from the stored values")
        console.send(.ctrl("u"), .ctrl("s"))
        #expect(console.shows("required; type at least one character."), "\(console.dump)")
        #expect(try console.user("aandersen") == alice)
        #expect(try snapshot(console) == before)
    }

    // MARK: Group form

    @Test(arguments: [("", "required; type at least one character."),
                      ("Auditors", "A security group named \u{201C}Auditors\u{201D} already exists")])
    func groupFormShowsTheProblemAndCreatesNothing(_ name: String, _ message: String) throws {
        let console = try DemoConsole()
        let before = try snapshot(console)
        console.send(.character("2"), .character("n"))
        #expect(console.headerRow.contains("Groups \u{203A} New group"))
        #expect(console.shows("\u{2039} Contoso \u{203A}"), "the first organization the actor may manage groups in")
        console.type(name)
        console.send(.ctrl("s"))
        #expect(console.screen.contains(message), "\(console.dump)")
        #expect(console.headerRow.contains("New group"))
        #expect(try snapshot(console) == before)
    }

    @Test func aGroupNameMayRepeatInAnotherOrganization() throws {
        let console = try DemoConsole()
        let before = try snapshot(console)
        console.send(.character("2"), .character("n"))
        console.type("Auditors")
        // Organization is the third field: → moves Contoso to Fabrikam.
        console.send(.tab, .tab, .right, .ctrl("s"))
        #expect(try console.groupCount() == before.groups + 1)
        #expect(console.headerRow.contains("Groups \u{203A} Auditors"))
        #expect(console.shows("custom group of Fabrikam"), "\(console.dump)")
    }

    // MARK: SSH key form

    nonisolated static let badKeys: [String] = [
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----",
        "hello world, this is not a key",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeDmATceEY0AHiWp2aVlYwNWMrROTVFuRfBAzykNb bad@key",
    ]

    @Test(arguments: badKeys)
    func sshKeyFormShowsTheParsersMessageAndAddsNothing(_ line: String) throws {
        let console = try DemoConsole()
        let alice = try console.user("aandersen")
        let keys = try console.service.sshKeys(of: alice.id, by: console.administrator)
        let before = try snapshot(console)
        let problem: String
        do {
            _ = try SSHPublicKey.parse(line)
            Issue.record("the sample should not parse")
            return
        } catch {
            problem = error.description
        }
        console.command("user aandersen")
        console.send(.character("a"))
        #expect(console.headerRow.contains("aandersen \u{203A} Add SSH key"))
        console.send(.paste(line))
        let expected = String(problem.prefix(40))
        #expect(console.screen.contains(expected), "the parser's message shows while pasting\(console.dump)")
        console.send(.enter)
        #expect(console.screen.contains(expected), "and after Enter\(console.dump)")
        #expect(console.headerRow.contains("Add SSH key"), "nothing was added, the form stays")
        #expect(try console.service.sshKeys(of: alice.id, by: console.administrator) == keys)
        #expect(try snapshot(console) == before)
    }

    @Test func aValidKeyShowsItsFingerprintFirstThenIsAdded() throws {
        let console = try DemoConsole()
        let user = try console.user("bjornh")
        // Generated with ssh-keygen (the same sample the domain tests use).
        let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5YYOTA3MrlLkaUMEh9SREZnCcyqIrfKFg5MqGm4gH1 alice@example"
        let key = try SSHPublicKey.parse(line)
        let events = try console.auditCount()
        console.command("user bjornh")
        console.send(.character("a"), .paste(line))
        #expect(console.shows(key.fingerprint), "\(console.dump)")
        console.send(.enter)
        #expect(try console.service.sshKeys(of: user.id, by: console.administrator).map(\.fingerprint) == [key.fingerprint])
        #expect(console.shows("SSH keys (1)"))
        #expect(try console.auditCount() == events + 1)
        #expect(try console.auditEvents(limit: 1).first?.action == .sshKeyAdded)
    }

    // MARK: Token edit form

    @Test(arguments: ["2026-02-30", "soon", ""])
    func tokenEditFormRefusesABadCustomDate(_ text: String) throws {
        let console = try DemoConsole()
        let token = try #require(try console.service.tokens(TokenQuery(statuses: [.active]), page: .first(1), by: console.actor).items.first)
        let before = try snapshot(console)
        console.send(.character("3"), .character("e"))
        #expect(console.headerRow.contains("Tokens \u{203A} Edit \(token.displayName)"))
        // Expiration: ← wraps from "Keep the current date" to "Custom date"; then the date field.
        console.send(.tab, .left)
        #expect(console.shows("\u{2039} Custom date \u{203A}"))
        console.send(.tab)
        console.type(text)
        console.send(.ctrl("s"))
        #expect(console.shows("type a real date as YYYY-MM-DD"), "\(console.dump)")
        #expect(console.headerRow.contains("Edit \(token.displayName)"))
        #expect(try console.service.token(token.id, by: console.actor) == token)
        #expect(try snapshot(console) == before)
    }

    @Test func tokenEditFormRefusesAPastDateAndAnExtensionBeyondThePolicy() throws {
        let console = try DemoConsole()
        console.send(.character("3"))
        console.filter("Fabrikam")
        // A Fabrikam token: its organization allows at most 90 days.
        let fabrikam = try console.organization("Fabrikam")
        var query = TokenQuery(organizationID: fabrikam.id, statuses: [.active])
        query.sort = .validTo
        let tokens = try console.service.tokens(query, page: .first(1), by: console.actor).items
        let token = try #require(tokens.first)
        console.send(.character("/"), .escape, .escape)
        console.command("token \(token.id.description)")
        #expect(console.headerRow.contains("Tokens \u{203A} \(token.displayName)"), "\(console.dump)")
        let before = try snapshot(console)
        console.send(.character("e"), .tab, .left, .tab)
        console.type("2020-01-01")
        console.send(.ctrl("s"))
        #expect(console.headerRow.contains("Edit \(token.displayName)"), "\(console.dump)")
        #expect(try console.service.token(token.id, by: console.actor) == token)
        let farAway = TextFormat.date(Date().addingTimeInterval(300 * 86_400))
        console.send(.ctrl("u"))
        console.type(farAway)
        console.send(.ctrl("s"))
        #expect(console.screen.contains("Enforce maximum token lifespan"), "\(console.dump)")
        #expect(try console.service.token(token.id, by: console.actor) == token)
        #expect(try snapshot(console) == before)
    }

    @Test func renamingATokenIsSavedWithoutTouchingItsSecret() throws {
        let console = try DemoConsole()
        let token = try #require(try console.service.tokens(TokenQuery(statuses: [.active]), page: .first(1), by: console.actor).items.first)
        console.send(.character("3"), .character("e"), .ctrl("u"))
        console.type("Renamed in the console")
        console.send(.ctrl("s"))
        let saved = try console.service.token(token.id, by: console.actor)
        #expect(saved.displayName == "Renamed in the console")
        #expect(saved.handle == token.handle)
        #expect(saved.generation == token.generation)
        #expect(try console.auditEvents(limit: 1).first?.action == .tokenUpdated)
        #expect(console.messageRow.contains("Saved \u{201C}Renamed in the console\u{201D}"))
    }
}
