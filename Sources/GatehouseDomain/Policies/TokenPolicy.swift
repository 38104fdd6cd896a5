/// The five organization policies of Azure DevOps (SCOPES.md), in the order they are shown.
public enum PolicyKind: String, Sendable, CaseIterable, Codable {
    case restrictGlobalTokens = "restrict-global-tokens"
    case restrictFullScopedTokens = "restrict-full-scoped-tokens"
    case maximumLifespan = "maximum-lifespan"
    case restrictCreation = "restrict-creation"
    case autoRevokeLeakedTokens = "auto-revoke-leaked-tokens"

    public var title: String {
        switch self {
        case .restrictGlobalTokens: "Restrict global tokens"
        case .restrictFullScopedTokens: "Restrict full-scoped tokens"
        case .maximumLifespan: "Enforce maximum token lifespan"
        case .restrictCreation: "Restrict token creation"
        case .autoRevokeLeakedTokens: "Automatically revoke leaked tokens"
        }
    }

    public var summary: String {
        switch self {
        case .restrictGlobalTokens: "Tokens must name one organization, not all accessible organizations."
        case .restrictFullScopedTokens: "Tokens must use custom scopes, not Full access."
        case .maximumLifespan: "Tokens may not be valid for longer than the maximum number of days."
        case .restrictCreation: "Only exempt users and groups may create tokens (optionally: others may create packaging-only tokens)."
        case .autoRevokeLeakedTokens: "A token reported as leaked is revoked at once and its owner told."
        }
    }
}

/// Who a policy does not apply to: a user, or every member (direct or nested) of a group.
public enum PolicyExemption: Hashable, Sendable {
    case user(UserID)
    case group(GroupID)

    /// The exempt users and the exempt groups apart, each in a fixed order (for a store's query).
    public static func split(_ exemptions: Set<PolicyExemption>) -> (users: [UserID], groups: [GroupID]) {
        var users: [UserID] = [], groups: [GroupID] = []
        for exemption in exemptions {
            switch exemption {
            case let .user(id): users.append(id)
            case let .group(id): groups.append(id)
            }
        }
        return (users.sorted { $0.uuid.uuidString < $1.uuid.uuidString }, groups.sorted { $0.uuid.uuidString < $1.uuid.uuidString })
    }
}

public struct TokenPolicy: Hashable, Sendable {
    /// No token may live longer than a year, policy or not (Azure DevOps' own ceiling).
    public static let absoluteMaximumLifespanDays = 365

    public let kind: PolicyKind
    public var isEnabled: Bool
    /// Used by `.maximumLifespan` only.
    public var maximumLifespanDays: Int
    /// Used by `.restrictCreation` only: non-exempt users may still create packaging-only tokens.
    public var packagingOnly: Bool
    public var exemptions: Set<PolicyExemption>

    public init(
        kind: PolicyKind, isEnabled: Bool, maximumLifespanDays: Int = TokenPolicy.absoluteMaximumLifespanDays,
        packagingOnly: Bool = false, exemptions: Set<PolicyExemption> = []
    ) {
        self.kind = kind
        self.isEnabled = isEnabled
        self.maximumLifespanDays = maximumLifespanDays
        self.packagingOnly = packagingOnly
        self.exemptions = exemptions
    }
}

/// The policies of one organization, one of each kind.
public struct OrganizationPolicies: Hashable, Sendable {
    public let organizationID: OrganizationID
    public private(set) var policies: [TokenPolicy]
    public var version: Int

    public init(organizationID: OrganizationID, policies: [TokenPolicy], version: Int = 1) {
        self.organizationID = organizationID
        // Keep exactly one policy per kind, in catalog order, whatever the input held.
        self.policies = PolicyKind.allCases.map { kind in
            policies.first { $0.kind == kind } ?? Self.initialPolicy(kind)
        }
        self.version = version
    }

    /// What a new organization starts with: global tokens restricted (Azure DevOps retires them
    /// on 1 Dec 2026) and leaked tokens revoked automatically; the rest off.
    public static func initial(for organizationID: OrganizationID) -> OrganizationPolicies {
        OrganizationPolicies(organizationID: organizationID, policies: PolicyKind.allCases.map(initialPolicy))
    }

    static func initialPolicy(_ kind: PolicyKind) -> TokenPolicy {
        switch kind {
        case .restrictGlobalTokens, .autoRevokeLeakedTokens: TokenPolicy(kind: kind, isEnabled: true)
        case .maximumLifespan: TokenPolicy(kind: kind, isEnabled: false, maximumLifespanDays: 90)
        default: TokenPolicy(kind: kind, isEnabled: false)
        }
    }

    public subscript(kind: PolicyKind) -> TokenPolicy {
        get { policies.first { $0.kind == kind } ?? Self.initialPolicy(kind) }
        set {
            if let index = policies.firstIndex(where: { $0.kind == kind }) {
                policies[index] = newValue
            }
        }
    }
}

/// A refusal by a policy, naming the policy, the organization and what to do instead.
public struct PolicyViolation: Hashable, Sendable, CustomStringConvertible {
    public let kind: PolicyKind
    public let organizationName: String
    public let remedy: String

    public init(kind: PolicyKind, organizationName: String, remedy: String) {
        self.kind = kind
        self.organizationName = organizationName
        self.remedy = remedy
    }

    public var description: String {
        "Refused by the policy \u{201C}\(kind.title)\u{201D} of \(organizationName): \(remedy)"
    }
}
