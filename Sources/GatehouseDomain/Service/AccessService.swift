import Foundation

/// The one façade every front end calls: console, CLI, and later the HTTP API and SSH endpoint.
///
/// Each call takes the acting user, checks the effective permission against the directory as it is
/// inside the transaction, validates input, and performs the change and its audit event in one
/// transaction. Every thrown error is a `GatehouseError` whose message says what to do.
public final class AccessService: Sendable {
    public let store: any DirectoryStore
    public let catalog: ScopeCatalog
    public let clock: any WallClock
    public let random: any RandomSource
    /// "Last used" is written at most this often per token, so verification stays a read.
    public let lastUsedGranularity: TimeInterval

    public init(
        store: any DirectoryStore, catalog: ScopeCatalog, clock: any WallClock = SystemClock(),
        random: any RandomSource = SystemRandomSource(), lastUsedGranularity: TimeInterval = 300
    ) {
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.random = random
        self.lastUsedGranularity = lastUsedGranularity
    }

    // MARK: Transactions

    func read<T>(_ body: (any DirectoryReader) throws -> T) throws(GatehouseError) -> T {
        do {
            return try store.read(body)
        } catch {
            throw Self.gatehouseError(from: error)
        }
    }

    func write<T>(_ body: (any DirectoryWriter) throws -> T) throws(GatehouseError) -> T {
        do {
            return try store.write(body)
        } catch {
            throw Self.gatehouseError(from: error)
        }
    }

    static func gatehouseError(from error: any Error) -> GatehouseError {
        if let error = error as? GatehouseError { return error }
        return .storage(String(describing: error))
    }

    // MARK: Acting user

    /// Re-reads the actor inside the transaction: a user disabled a second ago can no longer act.
    func currentActor(_ actor: Actor, _ reader: any DirectoryReader) throws -> User {
        guard let user = try reader.user(actor.user.id) else {
            throw GatehouseError.notAllowed("Your account (\(actor.user.loginName)) no longer exists in the directory.")
        }
        guard user.isActive else {
            throw GatehouseError.notAllowed("Your account (\(user.loginName)) is disabled, so it cannot make changes.")
        }
        return user
    }

    // MARK: Authorization

    /// Effective permission of a user in one organization, with the reason.
    func decide(_ permission: Permission, for userID: UserID, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> PermissionDecision {
        try evaluator(for: userID, in: organization, reader).decide(permission)
    }

    func evaluator(for userID: UserID, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> PermissionEvaluator {
        let reached = try reachedGroups(of: userID, in: organization, reader)
        var settings: [GroupID: [Permission: PermissionSetting]] = [:]
        for path in reached {
            settings[path.group.id] = try reader.permissionSettings(of: path.group.id)
        }
        return PermissionEvaluator(reachedGroups: reached, settings: settings)
    }

    /// Groups of one organization a user belongs to, directly or through nesting.
    func reachedGroups(of userID: UserID, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> [GroupPath] {
        try PermissionEvaluator.reachableGroups(from: .user(userID)) { member in
            try reader.groupsContaining(member).filter { $0.organizationID == organization }
        }
    }

    /// Throws `permissionDenied` unless the actor holds `permission` in `organization`.
    func require(_ permission: Permission, in organization: OrganizationID, actor: User, to action: String, _ reader: any DirectoryReader) throws {
        let decision = try decide(permission, for: actor.id, in: organization, reader)
        guard decision.isAllowed else {
            let name = try reader.organization(organization)?.name
            throw GatehouseError.permissionDenied(PermissionDenial(action: action, permission: permission, organizationName: name, decision: decision))
        }
    }

    /// Allowed when the actor holds `permission` in at least one of `organizations`.
    func requireInAny(_ permission: Permission, of organizations: [OrganizationID], actor: User, to action: String, _ reader: any DirectoryReader) throws {
        var firstDenial: (OrganizationID, PermissionDecision)?
        for organization in organizations {
            let decision = try decide(permission, for: actor.id, in: organization, reader)
            if decision.isAllowed { return }
            if firstDenial == nil { firstDenial = (organization, decision) }
        }
        let name = try firstDenial.flatMap { try reader.organization($0.0)?.name }
        throw GatehouseError.permissionDenied(PermissionDenial(action: action, permission: permission, organizationName: name, decision: firstDenial?.1))
    }

    func holdsAnywhere(_ permission: Permission, actor: User, _ reader: any DirectoryReader) throws -> Bool {
        try reader.organizationIDs(ofUser: actor.id).contains { try decide(permission, for: actor.id, in: $0, reader).isAllowed }
    }

    // MARK: Audit

    func audit(
        _ writer: any DirectoryWriter, _ actor: Actor, _ action: AuditAction, _ target: AuditTarget,
        organization: OrganizationID? = nil, onBehalfOf: User? = nil, details: [AuditDetail] = []
    ) throws {
        // A change made with a token or an SSH key says which one, so a leaked credential's reach can be traced.
        let via = actor.credential.map { [AuditDetail("via", $0.auditText)] } ?? []
        try writer.append(AuditEvent(
            occurredAt: clock.now, actor: actor.principal, impersonator: actor.impersonator.map(AuditPrincipal.init),
            onBehalfOf: onBehalfOf.map(AuditPrincipal.init), action: action, target: target,
            organizationID: organization, details: details + via))
    }
}

extension AuditTarget {
    static func user(_ user: User) -> AuditTarget { AuditTarget(kind: .user, id: user.id.description, name: user.loginName) }
    static func group(_ group: SecurityGroup) -> AuditTarget { AuditTarget(kind: .group, id: group.id.description, name: group.name) }
    static func token(_ token: PersonalAccessToken) -> AuditTarget { AuditTarget(kind: .token, id: token.id.description, name: token.displayName) }
    static func organization(_ organization: Organization) -> AuditTarget {
        AuditTarget(kind: .organization, id: organization.id.description, name: organization.name)
    }
}
