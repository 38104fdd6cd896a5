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

    // MARK: Acting user and authorization

    /// Re-reads the actor (and the impersonator) inside the transaction and decides what it may do:
    /// a user disabled a second ago can no longer act, nor read. Every façade call starts here.
    func authorize(_ actor: Actor, _ reader: any DirectoryReader) throws -> Authorization {
        let user = try activeAccount(actor.user, reader, yours: actor.impersonator == nil)
        try requireCredentialStillValid(actor.credential, of: user, reader)
        let organizations = Set(try reader.organizations().map(\.id))
        var memberships = Set(try reader.organizationIDs(ofUser: user.id))
        let evaluators = PermissionEvaluator.evaluators(from: try reader.groupReach(of: user.id))
        guard let claimed = actor.impersonator, claimed.id != user.id else {
            return Authorization(user: user, impersonator: nil, credential: actor.credential, allOrganizations: organizations,
                                 memberships: memberships, evaluators: evaluators, impersonatorEvaluators: nil, catalog: catalog)
        }
        let impersonator = try activeAccount(claimed, reader, yours: true)
        if actor.isDemoPresenter, try reader.setting(Self.demoAdministratorSetting) != nil {
            return Authorization(user: user, impersonator: impersonator, credential: actor.credential, allOrganizations: organizations,
                                 memberships: memberships, evaluators: evaluators, impersonatorEvaluators: nil, catalog: catalog)
        }
        // Acting as someone needs Manage users wherever they are, and never gives more than one's own rights.
        let own = Authorization(user: impersonator, impersonator: nil, credential: actor.credential, allOrganizations: organizations,
                                memberships: Set(try reader.organizationIDs(ofUser: impersonator.id)),
                                evaluators: PermissionEvaluator.evaluators(from: try reader.groupReach(of: impersonator.id)),
                                impersonatorEvaluators: nil, catalog: catalog)
        try own.require(.manageUsers, inEvery: memberships, to: "act as \(user.loginName)", reader)
        memberships.formIntersection(own.memberships)
        return Authorization(user: user, impersonator: impersonator, credential: actor.credential, allOrganizations: organizations,
                             memberships: memberships, evaluators: evaluators, impersonatorEvaluators: own.evaluators, catalog: catalog)
    }

    /// A token or an SSH key acts only while it still would be accepted: a key deleted or a token
    /// revoked a second ago stops the session it opened at its next call.
    private func requireCredentialStillValid(_ credential: ActorCredential?, of user: User, _ reader: any DirectoryReader) throws {
        switch credential {
        case nil:
            return
        case let .sshKey(fingerprint)?:
            guard let key = try reader.sshKey(fingerprint: fingerprint), key.userID == user.id else {
                throw GatehouseError.notAllowed("The SSH key \(fingerprint) is no longer registered to \(user.loginName); log in again with a registered key.")
            }
        case let .token(id, handle, _, _)?:
            guard let token = try reader.token(id), token.ownerID == user.id, token.status(at: clock.now) == .active else {
                throw GatehouseError.notAllowed("The token \(handle) is no longer active (revoked, expired or replaced); authenticate with an active token.")
            }
        }
    }

    private func activeAccount(_ claimed: User, _ reader: any DirectoryReader, yours: Bool) throws -> User {
        let whose = yours ? "Your account" : "The account you act as"
        guard let user = try reader.user(claimed.id) else {
            throw GatehouseError.notAllowed("\(whose) (\(claimed.loginName)) no longer exists in the directory.")
        }
        guard user.isActive else {
            throw GatehouseError.notAllowed("\(whose) (\(user.loginName)) is disabled, so it can no longer act.")
        }
        return user
    }

    // MARK: Permission explanations

    /// Effective permission of any user in one organization, with the reason (for the console's
    /// "why" view; authorization itself goes through `Authorization`).
    func evaluator(for userID: UserID, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> PermissionEvaluator {
        PermissionEvaluator.evaluators(from: try reader.groupReach(of: userID))[organization]
            ?? PermissionEvaluator(reachedGroups: [], settings: [:])
    }

    /// Groups of one organization a user belongs to, directly or through nesting.
    func reachedGroups(of userID: UserID, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> [GroupPath] {
        try evaluator(for: userID, in: organization, reader).reachedGroups
    }

    // MARK: Audit

    /// Appends the event of a change. `affecting` names every organization the change reaches
    /// (besides `organization`), so that each one's auditors, and only they, see it.
    func audit(
        _ writer: any DirectoryWriter, _ actor: Actor, _ action: AuditAction, _ target: AuditTarget,
        organization: OrganizationID? = nil, affecting: Set<OrganizationID> = [], onBehalfOf: User? = nil, details: [AuditDetail] = []
    ) throws {
        // A change made with a token or an SSH key says which one, so a leaked credential's reach can be traced.
        let via = actor.credential.map { [AuditDetail("via", $0.auditText)] } ?? []
        try writer.append(AuditEvent(
            occurredAt: clock.now, actor: actor.principal, impersonator: actor.impersonator.map(AuditPrincipal.init),
            onBehalfOf: onBehalfOf.map(AuditPrincipal.init), action: action, target: target,
            organizationID: organization, affectedOrganizationIDs: affecting, details: details + via))
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
