import Foundation
import GatehouseDomain
import TerminalKit

/// What a command reads, writes and takes the time from. The process's own by default; tests bind
/// another with `CLIEnvironment.$current.withValue(…)` and run commands in-process, capturing output.
public struct CLIEnvironment: Sendable {
    public var output: CommandOutput
    public var input: any StandardInput
    public var clock: any WallClock
    /// Columns for human tables; nil asks the terminal (`COLUMNS`, then the tty's size; no limit when
    /// stdout is a pipe or a file).
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

/// What a bounded read of stdin (or a file) found.
public enum BoundedRead: Sendable, Equatable {
    /// Everything there was, up to end of file (or end of line).
    case complete([UInt8])
    /// More than the limit: the rest was not read.
    case tooLong
}

/// Standard input, behind a protocol so in-process tests can feed it. Every read is bounded:
/// nothing from outside is read whole before it is checked.
public protocol StandardInput: Sendable {
    /// True when a person is typing (stdin is a terminal): prompts are shown and echo is turned off.
    var isTerminal: Bool { get }
    /// Up to end of file, or `.tooLong` as soon as there is more than `limit` bytes.
    func read(atMost limit: Int) -> BoundedRead
    /// One line typed at the terminal with echo off (for secrets), without its newline; nil at end
    /// of file. Echo comes back however the read ends, a signal (Ctrl-C) included.
    func readLineWithoutEcho(atMost limit: Int) -> BoundedRead?
}

/// The process's stdin, read with read(2) in bounded chunks.
public struct ProcessStandardInput: StandardInput {
    public init() {}

    public var isTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    public func read(atMost limit: Int) -> BoundedRead {
        BoundedReader.read(descriptor: STDIN_FILENO, atMost: limit)
    }

    public func readLineWithoutEcho(atMost limit: Int) -> BoundedRead? {
        EchoGuard.withEchoOff {
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while true {
                let count = Glibc.read(STDIN_FILENO, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return line.isEmpty ? nil : .complete(line) }
                if byte == UInt8(ascii: "\n") { return .complete(line) }
                guard line.count < limit else {
                    // Drain the rest of the line, so it is not run by the shell as a command.
                    while Glibc.read(STDIN_FILENO, &byte, 1) == 1, byte != UInt8(ascii: "\n") {}
                    return .tooLong
                }
                line.append(byte)
            }
        }
    }
}

/// Reads a descriptor to its end, refusing more than a limit (a 100 MB paste, /dev/zero).
enum BoundedReader {
    static func read(descriptor: Int32, atMost limit: Int) -> BoundedRead {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return .complete(bytes) }
            bytes += chunk[0..<count]
            if bytes.count > limit { return .tooLong }
        }
    }
}

/// Turns terminal echo off for a secret prompt and back on afterwards, also when the process is
/// interrupted meanwhile: SIGINT, SIGTERM, SIGHUP and SIGQUIT restore the saved settings (tcsetattr
/// is async-signal-safe) and then take their default action.
enum EchoGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var isSaved: sig_atomic_t = 0
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    static func withEchoOff<T>(_ body: () -> T) -> T {
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return body() }
        saved = settings
        isSaved = 1
        var previous: [Int32: sigaction] = [:]
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                if EchoGuard.isSaved != 0 { _ = tcsetattr(STDIN_FILENO, TCSANOW, &EchoGuard.saved) }
                Glibc.signal(number, SIG_DFL)
                raise(number)
            }
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous[signal] = old
        }
        var muted = settings
        muted.c_lflag &= ~tcflag_t(ECHO)
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &muted)
        defer {
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            isSaved = 0
            for (signal, old) in previous {
                var action = old
                sigaction(signal, &action, nil)
            }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return body()
    }
}

/// Fixed text as stdin, for tests.
public struct TextStandardInput: StandardInput {
    public let bytes: [UInt8]
    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public var isTerminal: Bool { false }
    public func read(atMost limit: Int) -> BoundedRead { bytes.count > limit ? .tooLong : .complete(bytes) }
    public func readLineWithoutEcho(atMost limit: Int) -> BoundedRead? {
        guard !bytes.isEmpty else { return nil }
        let line = Array(bytes.prefix { $0 != UInt8(ascii: "\n") })
        return line.count > limit ? .tooLong : .complete(line)
    }
}

extension CLIEnvironment {
    /// The most `tokens verify`, `check` and `report-leaked` read: a token is 54 bytes; the rest
    /// is room for whitespace and line ends.
    static let tokenInputLimit = 4_096
    /// The most `users keys add` reads: an OpenSSH public key line (a 16384-bit RSA key is ~2.8 KB).
    static let keyInputLimit = 16_384

    /// A token on stdin, wrapped as a secret at once: for `tokens verify`, `check` and `report-leaked`.
    /// At a terminal, prompts on stderr and reads with echo off; otherwise reads exactly one line.
    func readTokenSecret() throws(GatehouseError) -> TokenSecret {
        ProcessHardening.disableCoreDumps()  // no core dump can hold the token about to be read
        let read: BoundedRead
        if input.isTerminal {
            output.note("Paste the token and press Enter (it will not be shown):")
            read = input.readLineWithoutEcho(atMost: Self.tokenInputLimit) ?? .complete([])
        } else {
            read = input.read(atMost: Self.tokenInputLimit)
        }
        guard case let .complete(bytes) = read else {
            throw .invalidInput(field: "Standard input", problem: "holds more than \(Self.tokenInputLimit) bytes, and a token is \(TokenFormat.totalLength) characters; give exactly one token, e.g. printf '%s\\n' \"$TOKEN\" | gatehouse tokens verify.")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count <= 1 else {
            throw .invalidInput(field: "Standard input", problem: "holds \(lines.count) lines; give exactly one token, e.g. printf '%s\\n' \"$TOKEN\" | gatehouse tokens verify.")
        }
        guard let line = lines.first else {
            throw .invalidInput(field: "Standard input", problem: "no token was given. Pipe it in (gatehouse tokens verify < token.txt); tokens are never taken as arguments, which land in shell history.")
        }
        return TokenSecret(presented: line)
    }

    /// One text document from a file, or from stdin for `-` or no path (`users keys add`), at most
    /// `limit` bytes of UTF-8.
    func readDocument(path: String?, what: String, limit: Int = keyInputLimit) throws(GatehouseError) -> String {
        let read: BoundedRead
        let source: String
        if let path, path != "-" {
            source = path
            read = try Self.readFile(path, what: what, limit: limit)
        } else {
            source = "Standard input"
            if input.isTerminal { output.note("Paste the \(what) and press Enter, then Ctrl-D:") }
            read = input.read(atMost: limit)
        }
        let field = path == nil || path == "-" ? "Standard input" : "File"
        guard case let .complete(bytes) = read else {
            throw .invalidInput(field: field, problem: "\(source == "Standard input" ? "it" : source) holds more than \(limit / 1_024) KiB, far more than a \(what); give the one line of the .pub file.")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidInput(field: field, problem: "\(source == "Standard input" ? "it" : source) is not UTF-8 text; give the \(what) (the one line of the .pub file), not a binary or private key file.")
        }
        return text
    }

    /// Opens a local file (never a URL) and reads at most `limit` bytes of it.
    static func readFile(_ path: String, what: String, limit: Int) throws(GatehouseError) -> BoundedRead {
        if path.contains("://") {
            throw .invalidInput(field: "File", problem: "\(path) is a URL; --file takes a local path. Download the \(what) first, or pipe it on stdin.")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let reason = errno == ENOENT ? "there is no such file" : String(cString: strerror(errno))
            throw .invalidInput(field: "File", problem: "cannot read \(path) (\(reason)); check the path, or pipe the \(what) on stdin.")
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw .invalidInput(field: "File", problem: "\(path) is a folder; give the \(what)'s file (e.g. ~/.ssh/id_ed25519.pub).")
        }
        // Blocking again: a FIFO is read as it is written.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return BoundedReader.read(descriptor: descriptor, atMost: limit)
    }
}

/// The width human tables must fit: `COLUMNS` if set (an explicit request), else the terminal's
/// size when stdout is a terminal, else no limit. Output that goes to a pipe or a file (`| cat`,
/// `| grep`, cron's mail) is never cut: a script must get whole e-mail addresses and names.
enum TerminalWidth {
    /// A terminal whose size cannot be read.
    static let fallback = 100
    /// Stdout is not a terminal: lines are as long as their content.
    static let unlimited = Int.max

    static func detect(environment: [String: String] = ProcessInfo.processInfo.environment,
                       standardOutputIsTerminal: Bool = isatty(STDOUT_FILENO) == 1) -> Int {
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        guard standardOutputIsTerminal else { return unlimited }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return fallback }
        return Int(size.ws_col)
    }
}
