import ArgumentParser
import GatehouseDomain

/// Exit statuses, stable for scripts (documented in README.md).
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// The database failed, or something unexpected happened.
    case failure = 1
    /// The console cannot start here: not a terminal, or TERM unset, unknown or dumb.
    case terminalUnusable = 2
    /// Invalid input, or refused by a policy or a rule of the directory.
    case invalid = 3
    case notFound = 4
    /// Already exists, or changed by someone else since it was read.
    case conflict = 5
    case permissionDenied = 6
    /// `tokens verify`: the token does not authenticate.
    case verificationFailed = 7
    /// The directory database cannot be reached (PostgreSQL down or unreachable): try again later.
    case unavailable = 8
    /// Unknown command or option (swift-argument-parser's EX_USAGE).
    case usage = 64

    init(_ category: GatehouseError.Category) {
        switch category {
        case .invalid: self = .invalid
        case .notFound: self = .notFound
        case .conflict: self = .conflict
        case .permissionDenied: self = .permissionDenied
        case .verificationFailed: self = .verificationFailed
        case .storage: self = .failure
        case .unavailable: self = .unavailable
        }
    }

    var exitCode: ExitCode { ExitCode(rawValue) }
}
