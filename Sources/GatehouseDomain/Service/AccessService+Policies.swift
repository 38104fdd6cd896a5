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
public struct PolicyImpact: Hashable, Sendable {
    /// Active members of the organization who may create tokens today and would no longer be able
    /// to (Restrict token creation; with "packaging only", they keep packaging-only tokens).
    public let usersLosingCreation: Int
    /// Whether the acting user is one of them.
    public let includesActor: Bool
    /// Active tokens of the organization, that the actor can see, which would break the policy.
    public let tokensBecomingNonCompliant: Int

    public init(usersLosingCreation: Int, includesActor: Bool, tokensBecomingNonCompliant: Int) {
        self.usersLosingCreation = usersLosingCreation
        self.includesActor = includesActor
        self.tokensBecomingNonCompliant = tokensBecomingNonCompliant
    }
}

extension AccessService {
    /// The impact of saving `policy` in an organization, computed as it would apply now, without
    /// saving anything. Asked by someone about to change policies, so it needs "Edit policies".
    /// For Restrict token creation it reads the organization's groups and their members (one query
    /// per group) and the ids of its active members (one query): set arithmetic, not one
    /// evaluation per person.
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
            var losing = 0
            var includesActor = false
            if policy.kind == .restrictCreation {
                let who = try usersLosingCreation(under: policy, in: organization, reader)
                losing = who.count
                includesActor = who.contains(authorization.user.id)
            }
            var query = TokenQuery(organizationID: organization)
            query.nonCompliantWith = [NonComplianceRule(organizationID: organization, policy: policy)]
            let tokens = try reader.count(visibleQuery(query, authorization), now: clock.now)
            return PolicyImpact(usersLosingCreation: losing, includesActor: includesActor, tokensBecomingNonCompliant: tokens)
        }
    }

    /// Active members of the organization who hold "Create tokens" there and would not be exempt:
    /// the permission rule (Deny in any group reached wins, else Allow in any) applied to whole
    /// groups at once, each group's members expanded through nesting.
    func usersLosingCreation(under policy: TokenPolicy, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> Set<UserID> {
        var closures: [GroupID: Set<UserID>] = [:]
        func users(reaching group: GroupID, _ path: Set<GroupID> = []) throws -> Set<UserID> {
            if let known = closures[group] { return known }
            var found = Set<UserID>()
            for member in try reader.members(of: group) {
                switch member {
                case let .user(id): found.insert(id)
                case let .group(nested) where !path.contains(nested):
                    found.formUnion(try users(reaching: nested, path.union([group])))
                case .group: break
                }
            }
            closures[group] = found
            return found
        }
        var allowed = Set<UserID>()
        var denied = Set<UserID>()
        var request = PageRequest.first(1_000)
        while true {
            let page = try reader.groups(GroupQuery(organizationID: organization), page: request)
            for group in page.items {
                switch try reader.permissionSettings(of: group.id)[.createTokens] ?? .notSet {
                case .allow: allowed.formUnion(try users(reaching: group.id))
                case .deny: denied.formUnion(try users(reaching: group.id))
                case .notSet: break
                }
            }
            guard page.hasMoreAfter, let last = page.entries.last else { break }
            request = PageRequest(.after(last.cursor), limit: 1_000)
        }
        var candidates = allowed.subtracting(denied)
        for exemption in policy.exemptions {
            switch exemption {
            case let .user(id): candidates.remove(id)
            case let .group(id): candidates.subtract(try users(reaching: id))
            }
        }
        guard !candidates.isEmpty else { return [] }
        let active = candidates.intersection(try reader.activeMemberIDs(of: organization))
        return active
    }
}
