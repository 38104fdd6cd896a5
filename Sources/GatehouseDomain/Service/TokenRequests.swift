import Foundation

/// How long a new token lives: a number of days from now, or through the end of a day (UTC).
public enum TokenExpiration: Hashable, Sendable {
    case days(Int)
    /// The start of a day (as `TextFormat.parseDay` returns); the token is valid through that whole day.
    case endOfDay(Date)

    /// Parses "30", "30d" or "YYYY-MM-DD". Any whole number of days that fits an `Int` parses (0 and
    /// -5 too); whether it is allowed is `validTo(from:)`'s to say.
    public static func parse(_ text: String) -> TokenExpiration? {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = value.hasSuffix("d") ? String(value.dropLast()) : value
        if let days = Int(digits), !digits.isEmpty { return .days(days) }
        return TextFormat.parseDay(value).map(TokenExpiration.endOfDay)
    }

    /// The instant the token stops working. Never traps, whatever the caller passes (the HTTP API
    /// passes values straight through): a count of days outside 1…365, or a day outside the years
    /// 1…9999, is an `invalidInput` naming the allowed range.
    public func validTo(from now: Date) throws(GatehouseError) -> Date {
        let maximum = TokenPolicy.absoluteMaximumLifespanDays
        switch self {
        case let .days(days):
            guard (1...maximum).contains(days) else {
                throw .invalidInput(field: "Expiration", problem: days < 1
                    ? "\(days)d is not a lifespan; write 1d to \(maximum)d (days from now), or a date (YYYY-MM-DD)."
                    : "\(days)d is too long; a token lives at most \(maximum) days, so write 1d to \(maximum)d.")
            }
            return now.addingTimeInterval(TimeInterval(days) * 86_400)
        case let .endOfDay(day):
            guard day.timeIntervalSince1970.isFinite, TextFormat.representableDates.contains(day) else {
                throw .invalidInput(field: "Expiration", problem: "that day is outside the years 1 to 9999; write a date (YYYY-MM-DD) within the next \(maximum) days.")
            }
            return day.addingTimeInterval(86_400)
        }
    }

    /// The day as typed (for `.endOfDay`), for messages: "2025-01-01 is in the past" names the day
    /// the person wrote, not the midnight after it.
    var typedDay: Date? {
        if case let .endOfDay(day) = self { return day }
        return nil
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

/// A token as a list shows it: with its owner's login (nil when the owner was deleted).
public struct OwnedToken: Sendable {
    public let token: PersonalAccessToken
    public let ownerLogin: String?

    public init(token: PersonalAccessToken, ownerLogin: String?) {
        self.token = token
        self.ownerLogin = ownerLogin
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

/// A group with its direct member count, as the Groups list shows it.
public struct CountedGroup: Sendable {
    public let group: SecurityGroup
    public let memberCount: Int

    public init(group: SecurityGroup, memberCount: Int) {
        self.group = group
        self.memberCount = memberCount
    }
}

/// An account as the Users list shows it: its direct groups (in the reader's organizations) and,
/// where the reader may see them, its active tokens (nil otherwise).
public struct CountedUser: Sendable {
    public let user: User
    public let groupCount: Int
    public let activeTokenCount: Int?

    public init(user: User, groupCount: Int, activeTokenCount: Int?) {
        self.user = user
        self.groupCount = groupCount
        self.activeTokenCount = activeTokenCount
    }
}
