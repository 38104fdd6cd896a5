import Foundation
import GatehouseDomain
import GatehouseStore
import Testing

/// The real binary in a real terminal (tmux), as an admin would use it.
@Suite(.serialized, .enabled(if: TmuxSession.executable != nil && Binary.gatehouse != nil, "needs tmux and a built gatehouse binary"))
struct ConsoleEndToEndTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-e2e-\(UUID().uuidString)")

    var binary: String { Binary.gatehouse?.path ?? "gatehouse" }

    @Test func demoVisitsEveryPaneFiltersShowsHelpAndQuitsCleanly() throws {
        let session = try TmuxSession(command: "'\(binary)' demo", environment: ["TERM": "xterm-256color"])
        try session.waitFor("Users")
        try session.waitFor("Alice Andersen")
        for (key, title) in [("2", "Build Administrators"), ("3", "everyone's"), ("4", "newest first"), ("5", "Policies of")] {
            try session.send(key)
            try session.waitFor(title)
        }
        try session.send("1")
        try session.send("/")
        try session.send("svc-", literal: true)
        let filtered = try session.waitFor("Nightly Backup")
        #expect(!filtered.contains("Alice Andersen"), "the filter should hide non-matching users")
        try session.send("Escape")
        try session.waitFor("Alice Andersen")
        // Esc then another key at once reads as Alt-key (as over a slow SSH link): pause like a person.
        Thread.sleep(forTimeInterval: 0.1)
        try session.send("?")
        try session.waitFor("Esc close")
        try session.send("Escape")
        try session.waitForAbsence("Esc close")
        try session.send("q")
        let (status, stty) = try session.waitForExit()
        #expect(status == 0)
        // The terminal is back in cooked mode with echo: the console restored it.
        #expect(stty.contains(" icanon") && stty.contains(" echo") && !stty.contains("-icanon") && !stty.contains(" -echo "))
    }

    @Test func hostileDisplayNameIsShownInertly() throws {
        // Data written by another tool can hold anything; the console must not let it reach the terminal.
        let path = folder.appendingPathComponent("hostile.sqlite").path
        let store = try SQLiteDirectoryStore(path: path)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let catalog = try ResourceLocator(directory: repository.appendingPathComponent("Resources")).scopeCatalog()
        let service = AccessService(store: store, catalog: catalog)
        let login = String(cString: getpwuid(geteuid()).pointee.pw_name)
        try service.bootstrapIfEmpty(administratorLogin: login)
        try store.write { writer in
            try writer.insert(User(displayName: "Mallory \u{1b}]0;pwned\u{07}\u{1b}[2J\u{1b}[31mRED", loginName: "mallory", createdAt: Date()))
        }
        defer { try? FileManager.default.removeItem(at: folder) }

        let session = try TmuxSession(command: "'\(binary)' --db '\(path)'", environment: ["TERM": "xterm-256color"])
        let screen = try session.waitFor("Mallory")
        #expect(try session.paneTitle() != "pwned", "an OSC 0 in a name must not retitle the terminal")
        #expect(screen.contains("Gatehouse"), "a CSI 2J in a name must not clear the screen")
        #expect(screen.contains("\u{241B}"), "the escape shows as a visible placeholder")
        try session.send("q")
        #expect(try session.waitForExit().status == 0)
    }

    @Test func newTokenWizardEndToEndGivesATokenThatVerifies() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("demo.sqlite").path
        let session = try TmuxSession(command: "'\(binary)' demo --keep '\(path)'", environment: ["TERM": "xterm-256color"])
        try session.waitFor("Alice Andersen")
        let shown = try session.createDemoToken(named: "Release pipeline")
        let token = try #require(shown.firstMatch(of: /gpat_[0-9A-Za-z]{49}/).map { String($0.output) })
        try session.send("q")                           // does not leave the show-once screen
        #expect(try session.screen().contains(token))
        try session.send("y")
        let after = try session.waitFor("is ready")
        #expect(!after.contains(token), "the secret is gone from the screen after acknowledgement")
        try session.send("q")
        #expect(try session.waitForExit().status == 0)

        // The token is real: the CLI verifies it, with the scope chosen in the wizard.
        let verify = try Subprocess.run(binary, ["tokens", "verify", "--db", path], input: token + "\n")
        #expect(verify.status == 0, "\(verify.output)\(verify.error)")
        #expect(verify.output.contains("Build: Read"))

        // Only a digest was stored: the secret is in none of the database files.
        for suffix in ["", "-wal", "-shm"] {
            guard let bytes = FileManager.default.contents(atPath: path + suffix) else { continue }
            #expect(bytes.range(of: Data(token.utf8)) == nil, "the secret is in \(path + suffix)")
            #expect(bytes.range(of: Data(token.dropFirst(5).prefix(43).utf8)) == nil)
        }
    }

    /// Issue #13 item 6: under tmux the show-once screen asks tmux for set-clipboard and says what
    /// happened: tmux's default (`external`) drops the copy, `on` passes it on. Never "clipboard".
    @Test(arguments: [("external", "Not copied: tmux has set-clipboard external"), ("on", "Sent through tmux (set-clipboard on)")])
    func copyUnderTmuxSaysWhatTmuxDoes(_ setting: String, _ expected: String) throws {
        let session = try TmuxSession(command: "'\(binary)' demo", width: 120, height: 30, environment: ["TERM": "xterm-256color"])
        try session.tmux(["set-option", "-g", "set-clipboard", setting])
        try session.waitFor("Alice Andersen")
        try session.createDemoToken(named: "Copied in tmux")
        try session.send("c")
        let screen = try session.waitFor(String(expected.prefix(30)))
        let flat = screen.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains(expected), "\(screen)")
        #expect(!screen.contains("Sent to the clipboard"))
        try session.send("Escape")
        try session.waitFor("press y once you have stored the token")
        try session.send("y")
        try session.waitFor("is ready")
        try session.send("q")
        #expect(try session.waitForExit().status == 0)
    }

    @Test func withoutATerminalTheConsoleSaysSoAndExitsTwo() throws {
        // Standard input from /dev/null, as in cron or a pipe.
        let result = try Subprocess.run("/bin/sh", ["-c", "'\(binary)' demo < /dev/null"])
        #expect(result.status == 2)
        #expect(result.error.contains("interactive terminal"))
    }
}
