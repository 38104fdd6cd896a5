import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Consoles in real terminals (tmux) on one PostgreSQL directory, beside the CLI and `gatehouse
/// serve`, each its own process as on separate hosts. Needs GATEHOUSE_TEST_POSTGRES_URL and tmux;
/// skipped with the reason without them, except with CI=true, where it fails.
@Suite("Consoles on a shared PostgreSQL directory", .serialized)
struct MultiHostConsoleEndToEndTests {
    static func available() -> Bool {
        guard MultiHostEndToEndTests.available() else { return false }
        guard TmuxSession.executable == nil else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI=true but tmux is not installed: the console end-to-end tests cannot run")
        } else {
            print("◇ Multi-host console end-to-end skipped: tmux is not installed")
        }
        return false
    }

    /// A console on `directory` in a 100x30 terminal, acting as the OS login (or `--as login`).
    static func console(on directory: MultiHostEndToEndTests.Directory, as login: String? = nil) throws -> TmuxSession {
        guard let binary = Binary.gatehouse?.path else { throw EndToEndFailure("no gatehouse binary") }
        let acting = login.map { " --as '\($0)'" } ?? ""
        let session = try TmuxSession(command: "'\(binary)' --db '\(directory.url)'\(acting)", width: 100, height: 30,
                                      environment: ["TERM": "xterm-256color"])
        try session.waitFor("Users")
        return session
    }

    /// The screen's line that contains `text` ("" when none).
    static func line(containing text: String, in screen: String) -> String {
        screen.split(separator: "\n").first { $0.contains(text) }.map(String.init) ?? ""
    }

    /// Waits, sending no key, until `condition` holds for the screen; returns the seconds it took.
    static func secondsUntil(_ session: TmuxSession, timeout: TimeInterval = 5, _ what: String,
                             _ condition: (String) -> Bool) throws -> Double {
        let start = Date()
        var screen = ""
        while Date().timeIntervalSince(start) < timeout {
            screen = try session.screen()
            if condition(screen) { return Date().timeIntervalSince(start) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TimeoutError(waitedFor: what, screen: screen)
    }

    static func tokenID(_ directory: MultiHostEndToEndTests.Directory, named name: String) throws -> String {
        let listed = try directory.cli(["tokens", "list", "--json"])
        guard let data = listed.output.data(using: .utf8),
              let tokens = try JSONSerialization.jsonObject(with: data) as? [[String: Any]],
              let id = tokens.first(where: { $0["name"] as? String == name })?["id"] as? String else {
            throw EndToEndFailure("no token named \(name) in \(listed.output)")
        }
        return id
    }

    @Test("a console shows a member added, a policy changed and a token revoked through the CLI within about a second, without a key press; both servers refuse the token")
    func consoleFollowsChangesMadeElsewhere() throws {
        guard Self.available() else { return }
        let directory = try MultiHostEndToEndTests.Directory()
        #expect(try directory.cli(["users", "add", "--login", "bob", "--name", "Bob Builder"]).status == 0)
        #expect(try directory.cli(["groups", "create", "Night Shift"]).status == 0)
        let created = try directory.cli(["tokens", "create", "--name", "watched", "--scope", "vso.code", "--expires", "30d"])
        #expect(created.status == 0, "\(created.error)")
        let secret = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let id = try Self.tokenID(directory, named: "watched")
        let first = try directory.serve("serve-a"), second = try directory.serve("serve-b")
        #expect(try MultiHostEndToEndTests.check(port: first.port, token: secret) == 204)
        #expect(try MultiHostEndToEndTests.check(port: second.port, token: secret) == 204)

        let console = try Self.console(on: directory)
        var seconds: [String: Double] = [:]

        try console.send("2")
        let groups = try console.waitFor("Night Shift")
        #expect(Self.line(containing: "Night Shift", in: groups).contains(" 0 "), "no members yet:\n\(groups)")
        #expect(try directory.cli(["groups", "add-member", "Night Shift", "--user", "bob"]).status == 0)
        seconds["member added"] = try Self.secondsUntil(console, "Night Shift to show one member") {
            Self.line(containing: "Night Shift", in: $0).contains(" 1 ")
        }

        try console.send("5")
        try console.waitFor("Policies of")
        #expect(try directory.cli(["policy", "set", "maximum-lifespan", "--enable", "--max-days", "45"]).status == 0)
        seconds["policy changed"] = try Self.secondsUntil(console, "the 45-day lifespan") { $0.contains("45 days") }

        try console.send("3")
        let tokens = try console.waitFor("watched")
        #expect(Self.line(containing: "watched", in: tokens).contains("Active"), "\(tokens)")
        #expect(try directory.cli(["tokens", "revoke", id, "--reason", "seen elsewhere"]).status == 0)
        let revokedAt = Date()
        seconds["token revoked"] = try Self.secondsUntil(console, "the token to show as revoked") {
            let row = Self.line(containing: "watched", in: $0)
            return row.contains("Revoked") || (row.isEmpty && $0.contains("Tokens"))   // shown as revoked, or gone from an active-only list
        }
        // Both servers refuse it on their next requests.
        var statuses: [Int32] = []
        for server in [first.port, second.port] {
            var status = try MultiHostEndToEndTests.check(port: server, token: secret)
            while status == 204 && Date().timeIntervalSince(revokedAt) < 2 { status = try MultiHostEndToEndTests.check(port: server, token: secret) }
            statuses.append(status)
        }
        #expect(statuses == [401, 401])
        print("◇ Console on host A, change through the CLI: shown after \(seconds.sorted { $0.key < $1.key }.map { "\($0.key) \(Int($0.value * 1000)) ms" }.joined(separator: ", "))")
        for (change, elapsed) in seconds { #expect(elapsed < 2.5, "\(change) took \(elapsed) s to show") }
        try console.send("q")
        _ = try console.waitForExit()
        first.process.stop()
        second.process.stop()
    }

    /// Opens the token's edit form from the Tokens pane and replaces its name with `name` (not saved).
    static func startEditing(_ session: TmuxSession, token: String, newName name: String) throws {
        try session.send("3")
        try session.waitFor(token)
        try session.send("e")
        try session.waitFor("Edit token")
        try session.send("C-u")
        try session.send(name, literal: true)
        try session.waitFor(name)
    }

    @Test("two consoles (two processes) edit one token at once: one saves, the other is told it changed since it was read and keeps its input")
    func twoConsolesEditOneToken() throws {
        guard Self.available() else { return }
        let directory = try MultiHostEndToEndTests.Directory()
        // A second administrator, so the two consoles are two people.
        #expect(try directory.cli(["users", "add", "--login", "bob", "--name", "Bob Builder"]).status == 0)
        #expect(try directory.cli(["groups", "add-member", "Project Collection Administrators", "--user", "bob"]).status == 0)
        #expect(try directory.cli(["tokens", "create", "--name", "shared", "--scope", "vso.code", "--expires", "30d"]).status == 0)
        let id = try Self.tokenID(directory, named: "shared")

        let alice = try Self.console(on: directory), bob = try Self.console(on: directory, as: "bob")
        try Self.startEditing(alice, token: "shared", newName: "renamed by A")
        try Self.startEditing(bob, token: "shared", newName: "renamed by B")
        try alice.send("C-s")
        try alice.waitFor("Saved")
        try bob.send("C-s")
        let refused = try bob.waitFor("changed by someone else")
        #expect(refused.contains("renamed by B"), "the refused input stays on screen:\n\(refused)")
        #expect(refused.contains("Edit token"), "the form stays open")

        let shown = try directory.cli(["tokens", "show", id, "--json"])
        #expect(shown.output.contains("renamed by A"), "the first save is kept: \(shown.output)")
        let audit = try directory.cli(["audit", "list", "--json"])
        #expect(audit.output.components(separatedBy: "token.update").count - 1 == 1, "one edit audited, the refused one not: \(audit.output)")
        // The second person reloads and makes the change again: it saves.
        try bob.send("Escape")
        try bob.waitFor("Discard")
        Thread.sleep(forTimeInterval: 0.1)      // not Esc-Tab (Alt-Tab)
        try bob.send("Tab")                     // to Discard (a destructive choice takes a deliberate move)
        try bob.send("Enter")
        try bob.waitForAbsence("Edit token")
        try Self.startEditing(bob, token: "renamed by A", newName: "renamed by B")
        try bob.send("C-s")
        try bob.waitFor("Saved")
        #expect(try directory.cli(["tokens", "show", id, "--json"]).output.contains("renamed by B"))
        for session in [alice, bob] { try session.send("q") }
    }

    @Test("a console's edit of a token the CLI changed meanwhile is refused as changed since read, keeping the input; the CLI's change stays")
    func consoleAgainstTheCLI() throws {
        guard Self.available() else { return }
        let directory = try MultiHostEndToEndTests.Directory()
        #expect(try directory.cli(["tokens", "create", "--name", "scripted", "--scope", "vso.code", "--expires", "30d"]).status == 0)
        let id = try Self.tokenID(directory, named: "scripted")
        let console = try Self.console(on: directory)
        try Self.startEditing(console, token: "scripted", newName: "from the console")
        let edited = try directory.cli(["tokens", "edit", id, "--name", "from the script"])
        #expect(edited.status == 0, "\(edited.error)")
        try console.send("C-s")
        let refused = try console.waitFor("changed by someone else")
        #expect(refused.contains("from the console"), "the input stays:\n\(refused)")
        #expect(try directory.cli(["tokens", "show", id, "--json"]).output.contains("from the script"))
        try console.send("C-c")
    }
}
