import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The console on a far database: PostgreSQL behind a proxy that delays every answer by 200 ms
/// (`Python/delay_proxy.py`), the real binary in tmux. Keys answer at once (the pane switches, the
/// message row says "Loading…"); the data follows. Needs GATEHOUSE_TEST_POSTGRES_URL, psql, python3
/// and tmux; skipped with the reason without them, except with CI=true, where it fails.
@Suite("The console on a slow database", .serialized)
struct SlowDatabaseEndToEndTests {
    static let serverURL = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let psql = findExecutable("/usr/lib/postgresql/15/bin/psql", "psql")
    static let python = findExecutable("python3")
    static let proxyScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python/delay_proxy.py").path
    static let delayMilliseconds = 200

    static var missing: String? {
        if serverURL == nil { return "GATEHOUSE_TEST_POSTGRES_URL is not set" }
        if psql == nil { return "psql is not installed" }
        if python == nil { return "python3 is not installed" }
        if TmuxSession.executable == nil { return "tmux is not installed" }
        if Binary.gatehouse == nil { return "the gatehouse binary is not built" }
        return nil
    }

    static func available() -> Bool {
        guard let missing else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI=true but the slow-database test cannot run: \(missing)")
        } else {
            print("◇ Slow-database end-to-end skipped: \(missing)")
        }
        return false
    }

    /// A new database, initialized (the OS login is its first administrator), dropped afterwards.
    final class Database {
        let url: String
        let name: String
        let folder: URL
        private let server: String

        init() throws {
            guard let server = SlowDatabaseEndToEndTests.serverURL, let psql = SlowDatabaseEndToEndTests.psql, let binary = Binary.gatehouse?.path else {
                throw EndToEndFailure(SlowDatabaseEndToEndTests.missing ?? "missing parts")
            }
            self.server = server
            name = "gatehouse_slow_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let created = try Subprocess.run(psql, [server, "-qc", "CREATE DATABASE \(name)"])
            guard created.status == 0 else { throw EndToEndFailure("psql: \(created.error)") }
            var components = URLComponents(string: server)
            components?.path = "/" + name
            url = components?.string ?? server
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-slow-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let initialized = try Subprocess.run(binary, ["init", "--db", url])
            guard initialized.status == 0 else { throw EndToEndFailure("init: \(initialized.error)") }
            for index in 1...30 {
                let login = String(format: "slow%02d", index)
                let made = try Subprocess.run(binary, ["users", "add", "--login", login, "--name", "Slow User \(index)", "--db", url])
                guard made.status == 0 else { throw EndToEndFailure("users add: \(made.error) \(made.output)") }
            }
        }

        /// The same database through a proxy on 127.0.0.1:`port`.
        func url(throughPort port: Int) -> String {
            var components = URLComponents(string: url)
            components?.port = port
            return components?.string ?? url
        }

        deinit {
            if let psql = SlowDatabaseEndToEndTests.psql { _ = try? Subprocess.run(psql, [server, "-qc", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Milliseconds from sending `key` until the screen shows `text`.
    static func latency(_ session: TmuxSession, key: String, until text: String, timeout: TimeInterval = 20) throws -> Double {
        let started = Date()
        try session.send(key)
        try session.waitFor(text, timeout: timeout)
        return Date().timeIntervalSince(started) * 1000
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    @Test("keys answer at once on a database 200 ms away; the rows follow")
    func keysAnswerAtOnceOnAFarDatabase() throws {
        guard Self.available(), let python = Self.python, let binary = Binary.gatehouse?.path,
              let target = URLComponents(string: Self.serverURL ?? "")?.port else { return }
        let database = try Database()
        let proxy = try BackgroundProcess(python, [Self.proxyScript, String(target), String(Self.delayMilliseconds)],
                                          outputPath: database.folder.appendingPathComponent("proxy.log").path)
        let output = try proxy.waitForOutput("listening on ")
        let port = try #require(output.firstMatch(of: /listening on (\d+)/).flatMap { Int($0.1) })
        let slowURL = database.url(throughPort: port)

        let session = try TmuxSession(command: "'\(binary)' --db '\(slowURL)'", width: 100, height: 30, environment: ["TERM": "xterm-256color"])
        try session.waitFor("Slow User 1", timeout: 60)
        var switches: [Double] = []
        var arrivals: [Double] = []
        // Each pane's first visit: it shows at once (its title row), saying it is loading; its rows follow.
        for (key, title, data) in [("2", "Groups", "Build Administrators"), ("3", "Tokens", "No tokens"), ("4", "Audit", "slow30")] {
            let started = Date()
            try session.send(key)
            let first = try session.waitFor("\n\(title)  ", timeout: 20)
            switches.append(Date().timeIntervalSince(started) * 1000)
            #expect(first.contains("\(title)  Loading\u{2026}"), "the pane is drawn before its data arrives\n\(first)")
            try session.waitFor(data, timeout: 60)
            arrivals.append(Date().timeIntervalSince(started) * 1000)
        }
        // Back to a pane already loaded: its rows at once.
        try session.send("1")
        try session.waitFor("Slow User 1", timeout: 20)
        // Moving and help answer while nothing is loaded yet either.
        try session.send("5")
        let help = try Self.latency(session, key: "?", until: "Help \u{2014}")
        try session.send("Escape")
        print("◇ Slow database (\(Self.delayMilliseconds) ms per round trip): pane switch drawn in \(Int(Self.median(switches))) ms (median of \(switches.count)), rows after \(Int(Self.median(arrivals))) ms; help in \(Int(help)) ms")
        #expect(Self.median(switches) < Double(Self.delayMilliseconds), "the key's frame never waits for a round trip")
        #expect(Self.median(arrivals) > Self.median(switches))
        Thread.sleep(forTimeInterval: 0.1)
        try session.send("q")
        let (status, _) = try session.waitForExit(timeout: 20)
        #expect(status == 0)
        _ = proxy.stop(grace: 2)
    }
}
