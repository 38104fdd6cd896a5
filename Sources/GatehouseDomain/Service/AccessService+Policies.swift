import Foundation

extension AccessService {
    /// An organization's policies, for its members.
    public func policies(of organization: OrganizationID, by actor: Actor) throws(GatehouseError) -> OrganizationPolicies {
        try read { reader in
            guard try authorize(actor, reader).readableOrganizations.contains(organization) else {
                throw GatehouseError.notFound(kind: .organization, reference: organization.description)
            }
            return try reader.policies(of: organization)
        }
    }

    /// Replaces one policy of an organization (enabled, parameter, exemptions). Existing tokens are
    /// not touched: those that now break it show up as non-compliant.
    @discardableResult
    public func updatePolicy(_ policy: TokenPolicy, in organization: OrganizationID, expectedVersion: Int, by actor: Actor) throws(GatehouseError) -> OrganizationPolicies {
        guard (1...TokenPolicy.absoluteMaximumLifespanDays).contains(policy.maximumLifespanDays) else {
            throw .invalidInput(field: "Maximum lifespan", problem: "\(policy.maximumLifespanDays) days is out of range; choose 1 to \(TokenPolicy.absoluteMaximumLifespanDays) days.")
        }
        return try write { writer in
            let authorization = try authorize(actor, writer)
            try authorization.require(.editPolicies, in: organization, to: "change policies", writer)
            guard let organizationRecord = try writer.organization(organization) else {
                throw GatehouseError.notFound(kind: .organization, reference: organization.description)
            }
            var policies = try writer.policies(of: organization)
            guard policies.version == expectedVersion else {
                throw GatehouseError.staleVersion(kind: .policy, name: "\(organizationRecord.name) policies")
            }
            var exemptionNames: [String] = []
            for exemption in policy.exemptions.sorted(by: { "\($0)" < "\($1)" }) {
                switch exemption {
                case let .user(id):
                    guard let user = try writer.user(id), try writer.organizationIDs(ofUser: id).contains(organization) else {
                        throw GatehouseError.invalidInput(field: "Exemptions", problem: "an exempt user must belong to \(organizationRecord.name).")
                    }
                    exemptionNames.append(user.loginName)
                case let .group(id):
                    guard let group = try writer.group(id), group.organizationID == organization else {
                        throw GatehouseError.invalidInput(field: "Exemptions", problem: "an exempt group must belong to \(organizationRecord.name).")
                    }
                    exemptionNames.append(group.name)
                }
            }
            let old = policies[policy.kind]
            guard old != policy else { return policies }
            policies[policy.kind] = policy
            let stored = try writer.save(policies)
            var details = [AuditDetail("policy", policy.kind.title), AuditDetail("enabled", policy.isEnabled ? "on" : "off")]
            if policy.kind == .maximumLifespan { details.append(AuditDetail("maximum days", String(policy.maximumLifespanDays))) }
            if policy.kind == .restrictCreation { details.append(AuditDetail("packaging only", policy.packagingOnly ? "yes" : "no")) }
            details.append(AuditDetail("exemptions", exemptionNames.isEmpty ? "none" : exemptionNames.sorted().joined(separator: ", ")))
            try audit(writer, actor, .policyUpdated, AuditTarget(kind: .policy, id: policy.kind.rawValue, name: policy.kind.title),
                      organization: organization, details: details)
            return stored
        }
    }

    /// The enabled creation policies of every organization, as rules a token query can apply
    /// (`TokenQuery.nonCompliantWith`) to list the active tokens that break them today.
    public func nonComplianceRules(by actor: Actor) throws(GatehouseError) -> [NonComplianceRule] {
        try read { reader in
            let readable = try authorize(actor, reader).readableOrganizations
            return try reader.organizations().filter { readable.contains($0.id) }.flatMap { organization in
                let policies = try reader.policies(of: organization.id)
                return PolicyEvaluator.creationPolicies.compactMap { kind in
                    policies[kind].isEnabled ? NonComplianceRule(organizationID: organization.id, policy: policies[kind]) : nil
                }
            }
        }
    }
}

/// What turning a policy on (or changing it) would do today, for a confirmation before it is saved.
/// The counts stop at `PolicyImpact.countCap`: past it they are lower bounds ("1,000+ people"),
/// which is what a confirmation needs, and they come back at once at any size of directory.
public struct PolicyImpact: Hashable, Sendable {
    /// Active members of the organization who may create tokens today and would no longer be able
    /// to (Restrict token creation; with "packaging only", they keep packaging-only tokens).
    /// A lower bound when `usersLosingCreationIsExact` is false.
    public let usersLosingCreation: Int
    public let usersLosingCreationIsExact: Bool
    /// Whether the acting user is one of them (always exact).
    public let includesActor: Bool
    /// Active tokens of the organization, that the actor can see, which would break the policy.
    /// A lower bound when `tokensBecomingNonCompliantIsExact` is false.
    public let tokensBecomingNonCompliant: Int
    public let tokensBecomingNonCompliantIsExact: Bool

    /// Where the counts stop: at 100,000 accounts an exact count of the people losing creation
    /// reads every member (~0.2 s); up to this many, a few milliseconds.
    public static let countCap = 1_000

    public init(usersLosingCreation: Int, usersLosingCreationIsExact: Bool = true, includesActor: Bool,
                tokensBecomingNonCompliant: Int, tokensBecomingNonCompliantIsExact: Bool = true) {
        self.usersLosingCreation = usersLosingCreation
        self.usersLosingCreationIsExact = usersLosingCreationIsExact
        self.includesActor = includesActor
        self.tokensBecomingNonCompliant = tokensBecomingNonCompliant
        self.tokensBecomingNonCompliantIsExact = tokensBecomingNonCompliantIsExact
    }
}

extension AccessService {
    /// The impact of saving `policy` in an organization, computed as it would apply now, without
    /// saving anything. Asked by someone about to change policies, so it needs "Edit policies".
    /// For Restrict token creation the store counts the people who hold "Create tokens" there
    /// (`DirectoryReader.permissionHolders`: one query, stopping at the cap) and asks the same of
    /// the actor alone; the non-compliant tokens are counted up to the cap too.
    public func policyImpact(of policy: TokenPolicy, in organization: OrganizationID, by actor: Actor) throws(GatehouseError) -> PolicyImpact {
        try read { reader in
            let authorization = try authorize(actor, reader)
            try authorization.require(.editPolicies, in: organization, to: "preview a policy change", reader)
            guard authorization.readableOrganizations.contains(organization) else {
                throw GatehouseError.notFound(kind: .organization, reference: organization.description)
            }
            guard policy.isEnabled, PolicyEvaluator.creationPolicies.contains(policy.kind) else {
                return PolicyImpact(usersLosingCreation: 0, includesActor: false, tokensBecomingNonCompliant: 0)
            }
            var losing = ListCount.exact(0)
            var includesActor = false
            if policy.kind == .restrictCreation {
                losing = try reader.permissionHolders(.createTokens, in: organization, exempt: policy.exemptions, only: nil, cap: PolicyImpact.countCap)
                includesActor = try reader.permissionHolders(.createTokens, in: organization, exempt: policy.exemptions,
                                                             only: authorization.user.id, cap: 1).value > 0
            }
            var query = TokenQuery(organizationID: organization)
            query.nonCompliantWith = [NonComplianceRule(organizationID: organization, policy: policy)]
            let tokens = try reader.count(visibleQuery(query, authorization), now: clock.now, cap: PolicyImpact.countCap)
            return PolicyImpact(usersLosingCreation: losing.value, usersLosingCreationIsExact: losing.isExact, includesActor: includesActor,
                                tokensBecomingNonCompliant: tokens.value, tokensBecomingNonCompliantIsExact: tokens.isExact)
        }
    }
}
