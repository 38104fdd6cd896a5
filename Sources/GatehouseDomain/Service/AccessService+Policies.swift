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
