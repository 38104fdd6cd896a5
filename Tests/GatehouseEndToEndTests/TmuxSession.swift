import Foundation

/// A real terminal for end-to-end tests: a private tmux server (its own socket, so tests never
/// touch anyone's sessions) running one command in an 80x24 pane. tmux is a full terminal
/// emulator, so `screen()` is what a person would see.
final class TmuxSession {
    let socket = "gatehouse-e2e-\(UUID().uuidString.prefix(8))"
    let statusFile: URL

    init(command: String, width: Int = 80, height: Int = 24, environment: [String: String] = [:]) throws {
        statusFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).status")
        let exports = environment.map { "export \($0.key)='\($0.value)'; " }.joined()
        // After the program exits: its status, then the terminal modes (to prove they were restored).
        let script = "\(exports)\(command); echo \"EXIT=$?\" > '\(statusFile.path)'; stty -a >> '\(statusFile.path)'; sleep 60"
        // The server forks off this call and would inherit a pipe, so nothing is captured here.
        try tmux(["new-session", "-d", "-x", String(width), "-y", String(height), "sh", "-c", script], captureOutput: false)
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: statusFile)
    }

    /// Finds tmux on PATH or the usual places.
    static var executable: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @discardableResult
    func tmux(_ arguments: [String], captureOutput: Bool = true) throws -> String {
        try Subprocess.run(Self.executable ?? "/usr/bin/tmux", ["-L", socket, "-f", "/dev/null"] + arguments, captureOutput: captureOutput).output
    }

    /// Sends tmux key names (`Enter`, `Escape`, `Down`, `C-c`) or literal text with `literal: true`.
    func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", "0"] + (literal ? ["-l"] : []) + keys)
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", "0"])
    }

    func paneTitle() throws -> String {
        try tmux(["display-message", "-p", "-t", "0", "#{pane_title}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// From the Users list of `gatehouse demo`: the New Token wizard as the demo administrator
    /// (owner myself, the first organization, 30 days, Build: Read), up to the show-once screen,
    /// which it returns.
    @discardableResult
    func createDemoToken(named name: String) throws -> String {
        try send("3")
        try send("n")
        try waitFor("Owner")
        try send("Enter")                       // Owner: myself
        try waitFor("Name the token")
        try send(name, literal: true)
        try send("Enter")
        try waitFor("Where may")
        try send("Enter")                       // the first organization
        try waitFor("How long")
        try send("Enter")                       // 30 days
        try waitFor("Custom defined")
        try send("Build", literal: true)        // filter areas as you type
        try send("Right")                       // Build: Read
        try send("Enter")
        try waitFor("Policies")
        try send("Enter")                       // Create
        return try waitFor("will not be shown again")
    }

    /// Waits until the screen contains `text` (or the deadline passes) and returns the screen.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TimeoutError(waitedFor: text, screen: last)
    }

    /// Waits until `text` is gone from the screen (a dialog closed), so the next key is not
    /// read as part of an escape sequence.
    @discardableResult
    func waitForAbsence(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if !last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TimeoutError(waitedFor: "\(text) to go away", screen: last)
    }

    /// The exit status and `stty -a` output written after the program ended.
    func waitForExit(timeout: TimeInterval = 10) throws -> (status: Int32, stty: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: statusFile, encoding: .utf8), text.contains("EXIT="), text.contains("speed") {
                let status = text.split(separator: "\n").first.flatMap { Int32($0.dropFirst(5)) } ?? -1
                return (status, text)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TimeoutError(waitedFor: "the program to exit", screen: (try? screen()) ?? "")
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    let waitedFor: String
    let screen: String
    var description: String { "Timed out waiting for \(waitedFor). Screen:\n\(screen)" }
}

/// The `gatehouse` binary built next to the test bundle.
enum Binary {
    static var gatehouse: URL? {
        let runner = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("gatehouse")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
