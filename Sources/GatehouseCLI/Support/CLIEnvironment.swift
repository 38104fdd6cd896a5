import Foundation
import GatehouseDomain

/// What a command reads, writes and takes the time from. The process's own by default; tests bind
/// another with `CLIEnvironment.$current.withValue(…)` and run commands in-process, capturing output.
public struct CLIEnvironment: Sendable {
    public var output: CommandOutput
    public var input: any StandardInput
    public var clock: any WallClock
    /// Columns for human tables; nil asks the terminal (`COLUMNS`, then the tty's size, else 100).
    public var terminalWidth: Int?
    /// Set only in-process by `gatehouse ssh session` (the forced command of a key sshd accepted):
    /// the key and database every command of the session acts with. Not an environment variable,
    /// so nothing the client sends can set it.
    var sshSession: SSHSessionIdentity?

    public init(output: CommandOutput = .process, input: any StandardInput = ProcessStandardInput(),
                clock: any WallClock = SystemClock(), terminalWidth: Int? = nil) {
        self.output = output
        self.input = input
        self.clock = clock
        self.terminalWidth = terminalWidth
    }

    @TaskLocal public static var current = CLIEnvironment()

    /// The width human tables must fit.
    var width: Int { terminalWidth ?? TerminalWidth.detect() }
}

/// Standard input, behind a protocol so in-process tests can feed it.
public protocol StandardInput: Sendable {
    /// True when a person is typing (stdin is a terminal): prompts are shown and echo is turned off.
    var isTerminal: Bool { get }
    /// Everything up to end of file.
    func readAll() -> String
    /// One line typed at the terminal with echo off (for secrets), or nil at end of file.
    func readLineWithoutEcho() -> String?
}

/// The process's stdin.
public struct ProcessStandardInput: StandardInput {
    public init() {}

    public var isTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    public func readAll() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    public func readLineWithoutEcho() -> String? {
        var saved = termios()
        let canMute = tcgetattr(STDIN_FILENO, &saved) == 0
        if canMute {
            var muted = saved
            muted.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &muted)
        }
        defer {
            if canMute {
                _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        return readLine(strippingNewline: true)
    }
}

/// Fixed text as stdin, for tests.
public struct TextStandardInput: StandardInput {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var isTerminal: Bool { false }
    public func readAll() -> String { text }
    public func readLineWithoutEcho() -> String? { text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) }
}

extension CLIEnvironment {
    /// A token on stdin, wrapped as a secret at once: for `tokens verify`, `check` and `report-leaked`.
    /// At a terminal, prompts on stderr and reads with echo off; otherwise reads exactly one line.
    func readTokenSecret() throws(GatehouseError) -> TokenSecret {
        let text: String
        if input.isTerminal {
            output.note("Paste the token and press Enter (it will not be shown):")
            text = input.readLineWithoutEcho() ?? ""
        } else {
            text = input.readAll()
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count <= 1 else {
            throw .invalidInput(field: "Standard input", problem: "holds \(lines.count) lines; give exactly one token, e.g. printf '%s\\n' \"$TOKEN\" | gatehouse tokens verify.")
        }
        guard let line = lines.first else {
            throw .invalidInput(field: "Standard input", problem: "no token was given. Pipe it in (gatehouse tokens verify < token.txt); tokens are never taken as arguments, which land in shell history.")
        }
        return TokenSecret(presented: line)
    }

    /// One text document from a file, or from stdin for `-` or no path (`users keys add`).
    func readDocument(path: String?, what: String) throws(GatehouseError) -> String {
        guard let path, path != "-" else {
            if input.isTerminal { output.note("Paste the \(what) and press Enter, then Ctrl-D:") }
            return input.readAll()
        }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .invalidInput(field: "File", problem: "cannot read \(path) (\(error.localizedDescription)); check the path, or pipe the \(what) on stdin.")
        }
    }
}

/// The terminal's width, for tables: `COLUMNS` if set, else the tty's size, else 100 (a pipe or a file).
enum TerminalWidth {
    static let fallback = 100

    static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        guard isatty(STDOUT_FILENO) == 1 else { return fallback }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return fallback }
        return Int(size.ws_col)
    }
}
