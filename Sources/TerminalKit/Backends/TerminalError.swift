/// Why the terminal could not be started. The message says what to do; executables print it
/// to standard error and exit with `exitStatus` (2), never crash or garble the screen.
public enum TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, redirected, cron).
    case notATerminal(stream: String)
    /// `TERM` is not set.
    case terminalTypeUnset
    /// `TERM=dumb`: no cursor addressing.
    case dumbTerminal
    /// terminfo has no entry for this `TERM`.
    case unknownTerminal(String)

    public var description: String {
        switch self {
        case .notATerminal(let stream):
            return "This program needs an interactive terminal, but \(stream) is not one "
                + "(it is redirected or piped). Run it in a terminal."
        case .terminalTypeUnset:
            return "The TERM environment variable is not set, so the terminal type is unknown. "
                + "Set it (for example: export TERM=xterm-256color) and try again."
        case .dumbTerminal:
            return "TERM is \"dumb\": this terminal cannot position the cursor. "
                + "Use a full terminal (for example: export TERM=xterm-256color)."
        case .unknownTerminal(let name):
            return "The terminal type \"\(name)\" is not in the terminfo database. "
                + "Set TERM to a known type (for example: export TERM=xterm-256color) or install its terminfo entry."
        }
    }

    /// The exit status for this error: 2, "could not run as asked".
    public var exitStatus: Int32 { 2 }

    /// Writes "program: message" to standard error (the terminal is not in full-screen mode).
    public func report(programName: String) {
        FileDescriptorOutput.write("\(programName): \(description)\n", to: 2)
    }
}
