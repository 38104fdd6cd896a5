import Foundation

/// Text matching for list filters: a prefix match uses an index; a substring match scans, bounded by LIMIT.
public struct TextSearch: Hashable, Sendable {
    public enum Mode: Hashable, Sendable { case prefix, substring }
    public let text: String
    public let mode: Mode

    public init(_ text: String, mode: Mode = .substring) {
        self.text = text
        self.mode = mode
    }

    public var isEmpty: Bool { text.isEmpty }

    /// What every store matches, the one meaning of a text filter:
    /// - `.substring` with 3 characters or more: the text anywhere in the field;
    /// - below 3 characters (or `.prefix`): fields that start with the text;
    /// - case-insensitive for ASCII letters (SQLite's trigram index also folds other letters'
    ///   case; a store need not); `%`, `_` and `\` typed are literal characters.
    /// Security group names and descriptions, few per organization, are the exception: they match
    /// as the mode says at any length.
    public var effectiveMode: Mode {
        mode == .substring && text.count >= 3 ? .substring : .prefix
    }
}

public struct UserQuery: Hashable, Sendable {
    public enum Sort: String, Hashable, Sendable, CaseIterable { case displayName, loginName, createdAt }

    /// Matches display name, login or email.
    public var search: TextSearch?
    public var kinds: Set<AccountKind> = []
    public var statuses: Set<AccountStatus> = []
    public var identitySources: Set<IdentitySource> = []
    public var organizationID: OrganizationID?
    public var sort: Sort = .displayName
    public var descending = false
    /// Set by the façade from the actor's `Authorization`, never by a caller: only members of these
    /// organizations. nil: no wall to apply (the actor reads every organization).
    public internal(set) var visibleOrganizations: Set<OrganizationID>?

    public init(search: TextSearch? = nil, kinds: Set<AccountKind> = [], statuses: Set<AccountStatus> = [],
                identitySources: Set<IdentitySource> = [], organizationID: OrganizationID? = nil,
                sort: Sort = .displayName, descending: Bool = false) {
        self.search = search
        self.kinds = kinds
        self.statuses = statuses
        self.identitySources = identitySources
        self.organizationID = organizationID
        self.sort = sort
        self.descending = descending
    }
}

public struct GroupQuery: Hashable, Sendable {
    public var search: TextSearch?
    public var organizationID: OrganizationID?
    /// Set by the façade (see `UserQuery.visibleOrganizations`): only groups of these organizations.
    public internal(set) var visibleOrganizations: Set<OrganizationID>?

    public init(search: TextSearch? = nil, organizationID: OrganizationID? = nil) {
        self.search = search
        self.organizationID = organizationID
    }
}

/// A policy turned into a query: which tokens of an organization break it today.
public struct NonComplianceRule: Hashable, Sendable {
    public let organizationID: OrganizationID
    public let kind: PolicyKind
    public let maximumLifespanDays: Int
    public let packagingOnly: Bool
    public let exemptUserIDs: Set<UserID>
    /// Members of these groups, directly or through nesting, are exempt.
    public let exemptGroupIDs: Set<GroupID>

    public init(organizationID: OrganizationID, policy: TokenPolicy) {
        self.organizationID = organizationID
        self.kind = policy.kind
        self.maximumLifespanDays = policy.maximumLifespanDays
        self.packagingOnly = policy.packagingOnly
        var users = Set<UserID>()
        var groups = Set<GroupID>()
        for exemption in policy.exemptions {
            switch exemption {
            case let .user(id): users.insert(id)
            case let .group(id): groups.insert(id)
            }
        }
        self.exemptUserIDs = users
        self.exemptGroupIDs = groups
    }
}

public struct TokenQuery: Hashable, Sendable {
    public enum Sort: String, Hashable, Sendable, CaseIterable { case validTo, displayName, createdAt, lastUsedAt }

    /// Matches the token name or handle, or the owner's login.
    public var search: TextSearch?
    public var ownerID: UserID?
    /// Tokens that target this organization (global tokens match the organizations of their owner).
    public var organizationID: OrganizationID?
    public var statuses: Set<TokenStatus> = []
    /// Active and expiring before `now + expiringWithin`.
    public var expiringWithin: TimeInterval?
    public var fullAccessOnly = false
    public var highPrivilegeOnly = false
    public var globalOnly = false
    public var neverUsedOnly = false
    /// Not used (or never used and created) for this long.
    public var unusedFor: TimeInterval?
    public var disabledOwnerOnly = false
    /// Active tokens whose current secret was shown and never acknowledged (the session ended on
    /// the show-once screen): possibly held by nobody, or by whoever saw that screen.
    public var secretNeverAcknowledgedOnly = false
    /// The first hex digits of the token's id (dashes ignored), as scripts abbreviate it: "3f2a9c1d".
    /// Matched on the primary key, so resolving a prefix is one index range scan.
    public var idPrefix: String?
    /// Only active tokens that break at least one of these rules (`AccessService.nonComplianceRules()`);
    /// an empty list matches nothing (no policy is on, so nothing breaks one). nil: no such filter.
    public var nonCompliantWith: [NonComplianceRule]?
    public var sort: Sort = .validTo
    public var descending = false
    /// Set by the façade from the actor's `Authorization`, never by a caller. nil: every token.
    public internal(set) var visibility: TokenVisibility?

    public init(search: TextSearch? = nil, ownerID: UserID? = nil, organizationID: OrganizationID? = nil,
                statuses: Set<TokenStatus> = [], sort: Sort = .validTo, descending: Bool = false) {
        self.search = search
        self.ownerID = ownerID
        self.organizationID = organizationID
        self.statuses = statuses
        self.sort = sort
        self.descending = descending
    }
}

public struct AuditQuery: Hashable, Sendable {
    public var actorLogin: String?
    public var actions: Set<AuditAction> = []
    /// Matches the target's name.
    public var target: TextSearch?
    public var since: Date?
    public var until: Date?
    /// Events that affect this organization.
    public var organizationID: OrganizationID?
    /// Set by the façade (see `UserQuery.visibleOrganizations`): only events affecting these organizations.
    public internal(set) var visibleOrganizations: Set<OrganizationID>?

    public init(actorLogin: String? = nil, actions: Set<AuditAction> = [], target: TextSearch? = nil,
                since: Date? = nil, until: Date? = nil, organizationID: OrganizationID? = nil) {
        self.actorLogin = actorLogin
        self.actions = actions
        self.target = target
        self.since = since
        self.until = until
        self.organizationID = organizationID
    }
}

/// Which tokens a reader sees: its own (`ownerID`), and those that work in `organizations` (a token
/// works where it targets, or, aimed at all organizations, wherever its owner is a member).
public struct TokenVisibility: Hashable, Sendable {
    public let ownerID: UserID?
    public let organizations: Set<OrganizationID>

    public init(ownerID: UserID?, organizations: Set<OrganizationID>) {
        self.ownerID = ownerID
        self.organizations = organizations
    }
}
