/// The plaintext of a personal access token. It exists only between creation (or regeneration)
/// and the one place that shows it: the show-once screen or the CLI's single print.
///
/// Deliberately not `Codable`, and its `description`, `debugDescription` and mirror are redacted,
/// so string interpolation, `print`, `dump` and loggers cannot leak it by accident.
public struct TokenSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let plaintext: String

    /// Wraps text the caller received as a secret (stdin, an HTTP header); it is not validated here.
    public init(presented plaintext: String) { self.plaintext = plaintext }

    /// The only way to the plaintext; every call site is a place that shows or verifies a token.
    public func reveal() -> String { plaintext }

    public var description: String { "<token secret redacted>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
