import Foundation

/// What one actor may see and do, decided once per façade call inside its transaction. This is the
/// one place where organizations become walls: every query and every change of `AccessService`
/// asks it which organizations a permission covers, and nothing else decides.
///
/// - A permission holds in an organization when the acting user's groups there allow it (Deny wins).
/// - Acting `--as` someone, the rights used are never more than the impersonator's own: a
///   permission holds only where both hold it (a demo presenter aside).
/// - Acting through a token, the owner's rights are narrowed by the token's scopes and its organization.
/// - Directory data (users, groups, members, policies) of an organization is readable by its members.
public struct Authorization: Sendable {
    /// The acting user and the impersonator, as read in this transaction (both active).
    public let user: User
    public let impersonator: User?
    public let credential: ActorCredential?
    /// Every organization of the directory.
    public let allOrganizations: Set<OrganizationID>
    /// Where the acting user is a member (and the impersonator too, when there is one).
    public let memberships: Set<OrganizationID>
    let evaluators: [OrganizationID: PermissionEvaluator]
    /// nil when the rights are not capped (no impersonation, or a demo presenter).
    let impersonatorEvaluators: [OrganizationID: PermissionEvaluator]?
    let catalog: ScopeCatalog

    init(user: User, impersonator: User?, credential: ActorCredential?, allOrganizations: Set<OrganizationID>,
         memberships: Set<OrganizationID>, evaluators: [OrganizationID: PermissionEvaluator],
         impersonatorEvaluators: [OrganizationID: PermissionEvaluator]?, catalog: ScopeCatalog) {
        self.user = user
        self.impersonator = impersonator
        self.credential = credential
        self.allOrganizations = allOrganizations
        self.memberships = memberships
        self.evaluators = evaluators
        self.impersonatorEvaluators = impersonatorEvaluators
        self.catalog = catalog
    }

    // MARK: Permissions

    /// The permission in one organization, with the reason a person can act on.
    public func decision(_ permission: Permission, in organization: OrganizationID) -> PermissionDecision {
        if let limit = credentialLimit(requiring: permission.tokenScope, in: organization) {
            return PermissionDecision(permission: permission, source: limit)
        }
        let own = evaluators[organization]?.decide(permission) ?? PermissionDecision(permission: permission, source: .notSet)
        guard own.isAllowed, let impersonator, let capped = impersonatorEvaluators else { return own }
        let theirs = capped[organization]?.decide(permission) ?? PermissionDecision(permission: permission, source: .notSet)
        guard theirs.isAllowed else {
            return PermissionDecision(permission: permission, source: .notHeldByImpersonator(login: impersonator.loginName))
        }
        return own
    }

    public func holds(_ permission: Permission, in organization: OrganizationID) -> Bool {
        decision(permission, in: organization).isAllowed
    }

    /// The organizations where the permission holds.
    public func organizations(holding permission: Permission) -> Set<OrganizationID> {
        memberships.filter { holds(permission, in: $0) }
    }

    /// Holds in every organization of the directory: no wall stands in the way.
    func holdsEverywhere(_ permission: Permission) -> Bool {
        allOrganizations.allSatisfy { holds(permission, in: $0) }
    }

    /// Whether the acting user reaches this group (directly or nested), in the impersonator's rights too.
    func reaches(_ group: GroupID, in organization: OrganizationID) -> Bool {
        let own = evaluators[organization]?.reachedGroups.contains { $0.group.id == group } ?? false
        guard own, let capped = impersonatorEvaluators else { return own }
        return capped[organization]?.reachedGroups.contains { $0.group.id == group } ?? false
    }

    // MARK: Reading

    /// Organizations whose users, groups, members and policies the actor may read: its own.
    public var readableOrganizations: Set<OrganizationID> {
        guard credentialLimit(requiring: Self.directoryReadScope, in: nil) == nil else { return [] }
        return memberships.filter { credentialLimit(requiring: Self.directoryReadScope, in: $0) == nil }
    }

    /// Whether the actor may read (and act on) its own tokens.
    public var readsOwnTokens: Bool {
        credentialLimit(requiring: Self.ownTokensScope, in: nil) == nil
    }

    /// nil when the readable organizations are all of them, so a query needs no filter.
    func filter(for organizations: Set<OrganizationID>) -> Set<OrganizationID>? {
        organizations.isSuperset(of: allOrganizations) ? nil : organizations
    }

    // MARK: Tokens acting

    /// Reading users and groups through a token needs Graph (read).
    static let directoryReadScope = "vso.graph"
    /// Reading and managing one's own tokens through a token needs Tokens.
    static let ownTokensScope = "vso.tokens"

    /// Why a token credential does not reach this far, or nil when it does (or there is no token).
    func credentialLimit(requiring scope: String, in organization: OrganizationID?) -> PermissionDecision.Source? {
        guard case let .token(_, handle, scopes, target) = credential else { return nil }
        if let organization, case let .organization(only) = target, only != organization {
            return .outsideTokenOrganization(handle: handle)
        }
        guard scopes.grants(scope, in: catalog) else {
            return .outsideTokenScopes(handle: handle, scope: scope)
        }
        return nil
    }
}

extension Permission {
    /// The scope a token must carry for its owner's permission to act through it.
    public var tokenScope: String {
        switch self {
        case .manageUsers, .manageGroups: "vso.graph_manage"
        case .manageOthersTokens, .editPolicies: "vso.tokenadministration"
        case .createTokens: "vso.tokens"
        case .viewAuditLog: "vso.auditlog"
        }
    }
}

extension PermissionEvaluator {
    /// Every organization's evaluator for a user, from the groups the user reaches: `edges` are the
    /// (group, the member it was reached from) pairs of one store query (`DirectoryReader.groupReach`).
    /// The walk is the same breadth-first one as `reachableGroups`, so reasons name the same group.
    static func evaluators(from edges: [GroupReachEdge]) -> [OrganizationID: PermissionEvaluator] {
        var parentsOf: [GroupID?: [SecurityGroup]] = [:]
        var settings: [GroupID: [Permission: PermissionSetting]] = [:]
        var groups: [GroupID: SecurityGroup] = [:]
        for edge in edges {
            parentsOf[edge.reachedFrom, default: []].append(edge.group)
            settings[edge.group.id] = edge.settings
            groups[edge.group.id] = edge.group
        }
        let paths = reachableGroups(from: .user(UserID(UUID()))) { member in
            switch member {
            case .user: parentsOf[nil] ?? []
            case let .group(id): parentsOf[id] ?? []
            }
        }
        var byOrganization: [OrganizationID: [GroupPath]] = [:]
        for path in paths {
            guard let group = groups[path.group.id] else { continue }
            byOrganization[group.organizationID, default: []].append(path)
        }
        return byOrganization.mapValues { reached in
            PermissionEvaluator(reachedGroups: reached, settings: settings.filter { id, _ in reached.contains { $0.group.id == id } })
        }
    }
}

/// One step of a user's reach: `group` contains `reachedFrom` (a group id), or the user directly (nil).
public struct GroupReachEdge: Sendable {
    public let group: SecurityGroup
    public let reachedFrom: GroupID?
    public let settings: [Permission: PermissionSetting]

    public init(group: SecurityGroup, reachedFrom: GroupID?, settings: [Permission: PermissionSetting]) {
        self.group = group
        self.reachedFrom = reachedFrom
        self.settings = settings
    }

    /// A group's settings as the stores' reach queries aggregate them: "permission=setting"
    /// pairs separated by spaces; unknown names (a newer Gatehouse's) are skipped.
    /// Read in place, comparing bytes with the names (no string per pair): every authorization
    /// reads one such string per group it reaches.
    public static func settings(aggregated stored: String?) -> [Permission: PermissionSetting] {
        guard var stored, !stored.isEmpty else { return [:] }
        return stored.withUTF8 { bytes in
            var settings: [Permission: PermissionSetting] = [:]
            for pair in bytes.split(separator: UInt8(ascii: " ")) {
                guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
                let name = pair[..<equals], value = pair[(equals + 1)...]
                if let permission = Permission.allCases.first(where: { $0.rawValue.utf8.elementsEqual(name) }),
                   let setting = PermissionSetting.allCases.first(where: { $0.rawValue.utf8.elementsEqual(value) }) {
                    settings[permission] = setting
                }
            }
            return settings
        }
    }
}

extension Authorization {
    /// Throws `permissionDenied` unless the permission holds in the organization.
    func require(_ permission: Permission, in organization: OrganizationID, to action: String, _ reader: any DirectoryReader) throws {
        let decision = decision(permission, in: organization)
        guard decision.isAllowed else {
            // Outside one's organizations there is no group to name: the reason would only mislead.
            throw GatehouseError.permissionDenied(PermissionDenial(
                action: action, permission: permission, organizationName: try organizationName(organization, reader),
                decision: memberships.contains(organization) ? decision : nil))
        }
    }

    /// An organization's name for a message, unless the actor is not in it: then even its name stays behind the wall.
    private func organizationName(_ organization: OrganizationID, _ reader: any DirectoryReader) throws -> String? {
        guard memberships.contains(organization) else { return "an organization you are not a member of" }
        return try reader.organization(organization)?.name
    }

    /// A change that reaches into several organizations (a shared account's delete, disable, login or
    /// key change) needs the permission in every one of them.
    func require(_ permission: Permission, inEvery organizations: some Sequence<OrganizationID>, to action: String, _ reader: any DirectoryReader) throws {
        for organization in organizations.sorted() {
            try require(permission, in: organization, to: action, reader)
        }
    }

    /// Allowed when the permission holds in at least one of the organizations.
    func requireInAny(_ permission: Permission, of organizations: some Sequence<OrganizationID>, to action: String, _ reader: any DirectoryReader) throws {
        let candidates = Array(organizations).sorted()
        guard !candidates.contains(where: { holds(permission, in: $0) }) else { return }
        let first = candidates.first ?? memberships.sorted().first
        throw GatehouseError.permissionDenied(PermissionDenial(
            action: action, permission: permission, organizationName: try first.flatMap { try organizationName($0, reader) },
            decision: first.map { decision(permission, in: $0) }))
    }
}
