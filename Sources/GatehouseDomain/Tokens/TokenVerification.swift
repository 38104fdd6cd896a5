import Foundation

/// Why a presented token does not authenticate. Never carries the secret.
public enum VerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(TokenFormat.Problem)
    case unknown
    case expired(at: Date)
    case revoked(at: Date, reason: String)
    /// A secret that was replaced when the token was regenerated.
    case replaced(at: Date)
    case ownerDisabled(login: String)
    /// The token names an organization its owner no longer belongs to.
    case noOrganization

    public var description: String {
        switch self {
        case let .malformed(problem): "The token is malformed: \(problem.rawValue)."
        case .unknown: "The token is well-formed but unknown: it was never issued here, or it was deleted."
        case let .expired(at): "The token expired on \(TextFormat.dateTime(at)). Create a new one, or ask its owner to."
        case let .revoked(at, reason): "The token was revoked on \(TextFormat.dateTime(at)) (\(reason))."
        case let .replaced(at): "This secret was replaced on \(TextFormat.dateTime(at)) when the token was regenerated; use the new secret."
        case let .ownerDisabled(login): "The token's owner (\(login)) is disabled, so none of their tokens work."
        case .noOrganization: "The token's owner no longer belongs to the organization the token was made for."
        }
    }

    /// A stable keyword for scripts and the HTTP API.
    public var code: String {
        switch self {
        case .malformed: "malformed"
        case .unknown: "unknown"
        case .expired: "expired"
        case .revoked: "revoked"
        case .replaced: "replaced"
        case .ownerDisabled: "owner-disabled"
        case .noOrganization: "no-organization"
        }
    }
}

/// What a verified token authenticates: the principal, where, and with which scopes.
public struct VerifiedToken: Sendable, Equatable {
    public let token: PersonalAccessToken
    public let owner: User
    public let organizations: [Organization]

    public var scopes: ScopeSelection { token.scopes }

    /// Whether the token grants `identifier` (a level includes the ones before it in its area).
    public func grants(_ identifier: String, catalog: ScopeCatalog) -> Bool {
        token.scopes.grants(identifier, in: catalog)
    }
}
