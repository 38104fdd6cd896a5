import Foundation
import GatehouseDomain

/// Where the CLI writes. Injected so tests can run commands in-process and read what they printed.
public final class CommandOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var writeOut: (String) -> Void
    private var writeError: (String) -> Void

    public init(standardOutput: @escaping (String) -> Void, standardError: @escaping (String) -> Void) {
        writeOut = standardOutput
        writeError = standardError
    }

    public static let process = CommandOutput(
        standardOutput: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        standardError: { text in FileHandle.standardError.write(Data(text.utf8)) })

    /// The one place that may print a token secret: `tokens create` and `tokens regenerate`.
    func printSecret(_ secret: TokenSecret) {
        lock.withLock { writeOut(secret.reveal() + "\n") }
    }

    /// `tokens create --json` and `tokens regenerate --json`: the token's JSON with its secret beside
    /// it, `{"secret": "gpat_…", "token": {…}}`. Printed once, like `printSecret`.
    func printSecret(_ secret: TokenSecret, with token: JSONValue) {
        let document = JSONValue.object(["secret": .string(secret.reveal()), "token": token])
        lock.withLock { writeOut(document.encoded() + "\n") }
    }

    /// Text from the directory is made inert before it reaches a terminal or a log.
    func line(_ text: String) {
        lock.withLock { writeOut(OutputSanitizer.inert(text) + "\n") }
    }

    /// Writes nothing: for a step whose notes the command replaces with its own.
    static var silent: CommandOutput { CommandOutput(standardOutput: { _ in }, standardError: { _ in }) }

    /// JSON is already escaped by the encoder; no sanitizing needed (and it would corrupt it).
    func json(_ text: String) {
        lock.withLock { writeOut(text + "\n") }
    }

    func error(_ text: String) {
        lock.withLock { writeError("gatehouse: " + OutputSanitizer.inert(text) + "\n") }
    }

    func note(_ text: String) {
        lock.withLock { writeError(OutputSanitizer.inert(text) + "\n") }
    }
}

/// Replaces control characters (C0 but tab, DEL, C1) and bidi controls with visible `?`, so a name
/// holding an escape sequence cannot retitle, clear or reprogram the terminal that prints it; and
/// redacts anything shaped like a token secret (a secret never reaches stderr or a log).
enum OutputSanitizer {
    static func inert(_ text: String) -> String {
        let text = SecretRedaction.redacted(text)
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A: result.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0x200E, 0x200F:
                result.append("\u{FFFD}")
            default: result.append(scalar)
            }
        }
        return String(result)
    }
}
