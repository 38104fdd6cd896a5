import Foundation

/// Which organizations a token works in.
public enum TokenTarget: Hashable, Sendable {
    case organization(OrganizationID)
    /// A "global" token: every organization the owner belongs to at the time of use.
    case allAccessibleOrganizations

    public var isGlobal: Bool { self == .allAccessibleOrganizations }

    public var organizationID: OrganizationID? {
        if case let .organization(id) = self { return id }
        return nil
    }
}

public enum TokenStatus: String, Sendable, CaseIterable, Codable {
    case active, expired, revoked

    public var title: String {
        switch self {
        case .active: "Active"
        case .expired: "Expired"
        case .revoked: "Revoked"
        }
    }
}

public struct Revocation: Hashable, Sendable {
    public let at: Date
    public let reason: String
    public let byUserID: UserID

    public init(at: Date, reason: String, byUserID: UserID) {
        self.at = at
        self.reason = reason
        self.byUserID = byUserID
    }
}

/// A personal access token as stored: everything but the secret, of which only the digest is kept.
public struct PersonalAccessToken: Hashable, Sendable, Identifiable {
    /// The authorization id: the public identity of the token, stable across regenerations.
    public let id: TokenID
    public var displayName: String
    public let ownerID: UserID
    /// Who created it: the owner, or an administrator acting on the owner's behalf.
    public let createdByID: UserID
    public var target: TokenTarget
    public var scopes: ScopeSelection
    public var validFrom: Date
    public var validTo: Date
    public let createdAt: Date
    public var lastUsedAt: Date?
    public var revocation: Revocation?
    /// Non-secret handle shown in lists: `gpat_…Ab3x`.
    public var handle: String
    public var digest: TokenDigest
    /// 1 at creation, +1 at each regeneration; the retired secrets keep the generation they had.
    public var generation: Int
    /// Derived from scopes and stored so the risk filters are indexed queries.
    public var isHighPrivilege: Bool
    public var version: Int

    public init(
        id: TokenID = TokenID(), displayName: String, ownerID: UserID, createdByID: UserID,
        target: TokenTarget, scopes: ScopeSelection, validFrom: Date, validTo: Date, createdAt: Date,
        lastUsedAt: Date? = nil, revocation: Revocation? = nil, handle: String, digest: TokenDigest,
        generation: Int = 1, isHighPrivilege: Bool, version: Int = 1
    ) {
        self.id = id
        self.displayName = displayName
        self.ownerID = ownerID
        self.createdByID = createdByID
        self.target = target
        self.scopes = scopes
        self.validFrom = validFrom
        self.validTo = validTo
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revocation = revocation
        self.handle = handle
        self.digest = digest
        self.generation = generation
        self.isHighPrivilege = isHighPrivilege
        self.version = version
    }

    public func status(at now: Date) -> TokenStatus {
        if revocation != nil { return .revoked }
        return now >= validTo ? .expired : .active
    }

    /// The lifespan the owner chose, kept when the token is regenerated.
    public var lifespan: TimeInterval { validTo.timeIntervalSince(validFrom) }
}

/// A secret that was replaced by regeneration. Presenting it is reported, not just refused.
public struct RetiredSecret: Hashable, Sendable {
    public let digest: TokenDigest
    public let tokenID: TokenID
    public let generation: Int
    public let retiredAt: Date

    public init(digest: TokenDigest, tokenID: TokenID, generation: Int, retiredAt: Date) {
        self.digest = digest
        self.tokenID = tokenID
        self.generation = generation
        self.retiredAt = retiredAt
    }
}
