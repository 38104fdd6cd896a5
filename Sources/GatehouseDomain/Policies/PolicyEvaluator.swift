import Foundation

/// The settings of a token that policies judge: at creation, regeneration and extension.
public struct TokenProposal: Sendable, Equatable {
    public var target: TokenTarget
    public var scopes: ScopeSelection
    public var validFrom: Date
    public var validTo: Date

    public init(target: TokenTarget, scopes: ScopeSelection, validFrom: Date, validTo: Date) {
        self.target = target
        self.scopes = scopes
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// Whole days, rounded up: a token valid for 30 days and one second counts as 31.
    public var lifespanDays: Int {
        TextFormat.daysRoundedUp(from: validFrom, to: validTo)
    }
}

/// One policy's verdict on a proposal, for the wizard's review step and for refusals.
public struct PolicyCheck: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        case passed(String)
        case exempt
        case notEnabled
        case failed(PolicyViolation)
    }

    public let kind: PolicyKind
    public let organizationName: String
    public let outcome: Outcome

    public var violation: PolicyViolation? {
        if case let .failed(violation) = outcome { return violation }
        return nil
    }
}

/// Applies one organization's policies to a proposal. Pure: exemption is decided by the caller,
/// which knows the owner's (nested) group memberships.
public struct PolicyEvaluator: Sendable {
    public let organizationName: String
    public let policies: OrganizationPolicies
    public let isOwnerExempt: @Sendable (PolicyKind) -> Bool
    public let catalog: ScopeCatalog

    public init(
        organizationName: String, policies: OrganizationPolicies, catalog: ScopeCatalog,
        isOwnerExempt: @escaping @Sendable (PolicyKind) -> Bool
    ) {
        self.organizationName = organizationName
        self.policies = policies
        self.catalog = catalog
        self.isOwnerExempt = isOwnerExempt
    }

    /// The four policies that judge a token's settings (auto-revoke acts on leaks, not on settings).
    public static let creationPolicies: [PolicyKind] = [.restrictCreation, .restrictGlobalTokens, .restrictFullScopedTokens, .maximumLifespan]

    public func check(_ proposal: TokenProposal) -> [PolicyCheck] {
        Self.creationPolicies.map { kind in
            PolicyCheck(kind: kind, organizationName: organizationName, outcome: outcome(of: kind, for: proposal))
        }
    }

    private func outcome(of kind: PolicyKind, for proposal: TokenProposal) -> PolicyCheck.Outcome {
        let policy = policies[kind]
        guard policy.isEnabled else { return .notEnabled }
        guard !isOwnerExempt(kind) else { return .exempt }
        func fail(_ remedy: String) -> PolicyCheck.Outcome {
            .failed(PolicyViolation(kind: kind, organizationName: organizationName, remedy: remedy))
        }
        switch kind {
        case .restrictGlobalTokens:
            return proposal.target.isGlobal
                ? fail("choose one organization instead of all accessible organizations, or ask a policy administrator for an exemption.")
                : .passed("targets one organization")
        case .restrictFullScopedTokens:
            return proposal.scopes.isFullAccess
                ? fail("choose custom scopes instead of Full access, or ask a policy administrator for an exemption.")
                : .passed("uses custom scopes")
        case .maximumLifespan:
            let days = proposal.lifespanDays
            return days > policy.maximumLifespanDays
                ? fail("the token would be valid for \(TextFormat.plural(days, "day")), over the maximum of \(policy.maximumLifespanDays); choose an earlier expiration.")
                : .passed("\(TextFormat.plural(days, "day")) is within the maximum of \(policy.maximumLifespanDays)")
        case .restrictCreation:
            if policy.packagingOnly {
                return proposal.scopes.isPackagingOnly
                    ? .passed("packaging-only tokens are allowed")
                    : fail("only packaging scopes are allowed for you; choose Packaging scopes only, or ask a policy administrator for an exemption.")
            }
            return fail("token creation is restricted to exempt users and groups; ask a policy administrator for an exemption.")
        case .autoRevokeLeakedTokens:
            return .passed("applies when a token is reported as leaked")
        }
    }
}
