import CNcursesw
import Glibc

/// How to start the terminal. Build it from the command line with `parse(arguments:)` or set
/// the fields from your own argument parser.
public struct TerminalOptions: Sendable {
    /// `--no-color`: use the monochrome theme even on a color terminal.
    public var noColor: Bool
    /// `--mouse`: report clicks and the wheel (off by default: it disables the terminal's own
    /// text selection, which admins use to copy IDs).
    public var mouse: Bool
    /// How long after Esc to wait for the rest of an escape sequence. 25 ms feels instant and is
    /// enough over SSH for arrow keys, which arrive in one packet.
    public var escapeDelayMilliseconds: Int
    /// Ask the terminal to mark pastes (`Esc [200~ ... Esc [201~`), so pasted text arrives as one
    /// `.paste` key instead of keystrokes (a newline in it is then not Enter).
    public var bracketedPaste: Bool
    /// Environment overrides (tests); unset names are read from the process environment.
    public var environment: [String: String]

    public init(
        noColor: Bool = false, mouse: Bool = false, bracketedPaste: Bool = true, escapeDelayMilliseconds: Int = 25,
        environment: [String: String] = [:]
    ) {
        self.noColor = noColor
        self.mouse = mouse
        self.bracketedPaste = bracketedPaste
        self.escapeDelayMilliseconds = escapeDelayMilliseconds
        self.environment = environment
    }

    /// Reads `--no-color` and `--mouse`; returns the options and the other arguments.
    public static func parse(arguments: [String]) -> (options: TerminalOptions, remaining: [String]) {
        var options = TerminalOptions()
        var remaining: [String] = []
        for argument in arguments {
            switch argument {
            case "--no-color": options.noColor = true
            case "--mouse": options.mouse = true
            default: remaining.append(argument)
            }
        }
        return (options, remaining)
    }

    /// An environment variable: the override if present, else the process environment.
    public func environmentValue(_ name: String) -> String? {
        if let value = environment[name] { return value }
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }
}
