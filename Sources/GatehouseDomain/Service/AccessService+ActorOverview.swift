import Foundation

/// What a front end shows about the acting user's own reach, read in one transaction: the
/// organizations it sees, its permission in each with the reason, and the policies that judge
/// existing tokens. A console asks it once (off its main loop) and after each change, instead
/// of a query per permission per organization while it draws.
public struct ActorOverview: Sendable {
    /// The organizations the actor may read, in the directory's order.
    public let organizations: [Organization]
    /// How many organizations the directory holds ("all organizations" only when it is true).
    public let organizationCount: Int
    /// The actor's own organizations it may read, by name (the order permission answers are given in).
    public let memberships: [Organization]
    /// Each permission in each readable organization, with the reason.
    public let decisions: [OrganizationID: [Permission: PermissionDecision]]
    /// The organizations where each permission holds.
    public let holding: [Permission: Set<OrganizationID>]
    /// The enabled creation policies of the readable organizations (what "non-compliant" means).
    public let nonComplianceRules: [NonComplianceRule]

    public init(organizations: [Organization], organizationCount: Int, memberships: [Organization],
                decisions: [OrganizationID: [Permission: PermissionDecision]], holding: [Permission: Set<OrganizationID>],
                nonComplianceRules: [NonComplianceRule]) {
        self.organizations = organizations
        self.organizationCount = organizationCount
        self.memberships = memberships
        self.decisions = decisions
        self.holding = holding
        self.nonComplianceRules = nonComplianceRules
    }
}

extension AccessService {
    /// The acting user's reach, in one read: the same answers `organizations(by:)`,
    /// `organizationCount()`, `organizations(of:by:)` for the actor itself, `decision(_:in:for:)`,
    /// `organizations(holding:by:)` and `nonComplianceRules(by:)` give one by one.
    public func overview(of actor: Actor) throws(GatehouseError) -> ActorOverview {
        try read { reader in
            let authorization = try authorize(actor, reader)
            let readable = authorization.readableOrganizations
            let all = try reader.organizations()
            let organizations = all.filter { readable.contains($0.id) }
            let ownIDs = Set(try reader.organizationIDs(ofUser: authorization.user.id))
            let memberships = organizations.filter { ownIDs.contains($0.id) }.sorted { $0.name < $1.name }
            var decisions: [OrganizationID: [Permission: PermissionDecision]] = [:]
            for organization in organizations {
                decisions[organization.id] = Dictionary(uniqueKeysWithValues: Permission.allCases.map { ($0, authorization.decision($0, in: organization.id)) })
            }
            let holding = Dictionary(uniqueKeysWithValues: Permission.allCases.map { ($0, authorization.organizations(holding: $0)) })
            let rules = try organizations.flatMap { organization in
                let policies = try reader.policies(of: organization.id)
                return PolicyEvaluator.creationPolicies.compactMap { kind in
                    policies[kind].isEnabled ? NonComplianceRule(organizationID: organization.id, policy: policies[kind]) : nil
                }
            }
            return ActorOverview(organizations: organizations, organizationCount: all.count, memberships: memberships,
                                 decisions: decisions, holding: holding, nonComplianceRules: rules)
        }
    }
}
