import Foundation

/// How long a new token lives: a number of days from now, or through the end of a day (UTC).
public enum TokenExpiration: Hashable, Sendable {
    case days(Int)
    /// The start of a day (as `TextFormat.parseDay` returns); the token is valid through that whole day.
    case endOfDay(Date)

    /// Parses "30", "30d" or "YYYY-MM-DD".
    public static func parse(_ text: String) -> TokenExpiration? {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = value.hasSuffix("d") ? String(value.dropLast()) : value
        if let days = Int(digits), !digits.isEmpty { return .days(days) }
        return TextFormat.parseDay(value).map(TokenExpiration.endOfDay)
    }

    func validTo(from now: Date) -> Date {
        switch self {
        case let .days(days): now.addingTimeInterval(TimeInterval(days) * 86_400)
        case let .endOfDay(day): day.addingTimeInterval(86_400)
        }
    }
}

/// Everything the New Token wizard (or `tokens create`) collects.
public struct TokenRequest: Hashable, Sendable {
    public var displayName: String
    /// nil: the acting user. Otherwise a service account, service principal or job agent.
    public var ownerID: UserID?
    public var target: TokenTarget
    public var scopes: ScopeSelection
    public var expiration: TokenExpiration

    public init(displayName: String, ownerID: UserID? = nil, target: TokenTarget, scopes: ScopeSelection, expiration: TokenExpiration) {
        self.displayName = displayName
        self.ownerID = ownerID
        self.target = target
        self.scopes = scopes
        self.expiration = expiration
    }
}

/// A token just made or regenerated, with its secret: to be shown once, then dropped.
public struct IssuedToken: Sendable {
    public let token: PersonalAccessToken
    public let secret: TokenSecret
}

/// Changes to an existing token; nil leaves a setting as it is.
public struct TokenChanges: Hashable, Sendable {
    public var displayName: String?
    public var expiration: TokenExpiration?
    public var scopes: ScopeSelection?

    public init(displayName: String? = nil, expiration: TokenExpiration? = nil, scopes: ScopeSelection? = nil) {
        self.displayName = displayName
        self.expiration = expiration
        self.scopes = scopes
    }
}

/// The result of a bulk revocation (or of its dry run).
public struct BulkRevocation: Sendable {
    public let tokens: [PersonalAccessToken]
    public let dryRun: Bool
}

/// What happened to a token reported as leaked.
public enum LeakReportOutcome: Equatable, Sendable {
    case revoked(PersonalAccessToken)
    /// The auto-revoke policy is off where the token works (or its owner is exempt); the report is in the audit log.
    case reportedOnly(PersonalAccessToken)
    case alreadyInactive(PersonalAccessToken)
    case notFound(VerificationFailure)
}
