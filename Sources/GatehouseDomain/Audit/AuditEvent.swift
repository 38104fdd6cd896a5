import Foundation

/// What happened, as a stable dotted keyword (for filters and scripts) with a readable title.
public enum AuditAction: String, Sendable, CaseIterable, Codable {
    case directoryBootstrapped = "directory.bootstrap"
    case organizationCreated = "organization.create"
    case userCreated = "user.create"
    case userUpdated = "user.update"
    case userDisabled = "user.disable"
    case userEnabled = "user.enable"
    case userDeleted = "user.delete"
    case userAddedToOrganization = "user.organization.add"
    case sshKeyAdded = "sshkey.add"
    case sshKeyRemoved = "sshkey.remove"
    case groupCreated = "group.create"
    case groupUpdated = "group.update"
    case groupDeleted = "group.delete"
    case groupMemberAdded = "group.member.add"
    case groupMemberRemoved = "group.member.remove"
    case groupPermissionSet = "group.permission.set"
    case tokenCreated = "token.create"
    case tokenUpdated = "token.update"
    case tokenRegenerated = "token.regenerate"
    case tokenRevoked = "token.revoke"
    case tokenLeakReported = "token.leak-reported"
    case replacedSecretPresented = "token.replaced-secret-presented"
    /// The show-once screen closed without "I have copied the token" (session dropped, killed or quit).
    case tokenSecretNotAcknowledged = "token.secret-never-acknowledged"
    case policyUpdated = "policy.update"

    public var title: String {
        switch self {
        case .directoryBootstrapped: "Directory created"
        case .organizationCreated: "Organization created"
        case .userCreated: "User added"
        case .userUpdated: "User edited"
        case .userDisabled: "User disabled"
        case .userEnabled: "User enabled"
        case .userDeleted: "User deleted"
        case .userAddedToOrganization: "User added to organization"
        case .sshKeyAdded: "SSH key added"
        case .sshKeyRemoved: "SSH key removed"
        case .groupCreated: "Group created"
        case .groupUpdated: "Group edited"
        case .groupDeleted: "Group deleted"
        case .groupMemberAdded: "Member added"
        case .groupMemberRemoved: "Member removed"
        case .groupPermissionSet: "Permission changed"
        case .tokenCreated: "Token created"
        case .tokenUpdated: "Token edited"
        case .tokenRegenerated: "Token regenerated"
        case .tokenRevoked: "Token revoked"
        case .tokenLeakReported: "Token reported leaked"
        case .replacedSecretPresented: "Replaced secret presented"
        case .tokenSecretNotAcknowledged: "Secret never acknowledged"
        case .policyUpdated: "Policy changed"
        }
    }
}

/// A principal as the audit log remembers it: the id, and the login at the time (users get renamed).
public struct AuditPrincipal: Hashable, Sendable {
    public let id: UserID
    public let login: String

    public init(id: UserID, login: String) {
        self.id = id
        self.login = login
    }

    public init(_ user: User) { self.init(id: user.id, login: user.loginName) }
}

public struct AuditTarget: Hashable, Sendable {
    public let kind: ObjectKind
    public let id: String
    public let name: String

    public init(kind: ObjectKind, id: String, name: String) {
        self.kind = kind
        self.id = id
        self.name = name
    }
}

/// One entry of the append-only audit log. Written in the same transaction as the change it records.
public struct AuditEvent: Hashable, Sendable, Identifiable {
    /// Assigned by the store, increasing: the log's order.
    public let id: Int64
    public let occurredAt: Date
    public let actor: AuditPrincipal
    /// The real login when someone acted as another user (`--as`): shown as "root as alice".
    public let impersonator: AuditPrincipal?
    /// The account a change was made for (a token created for a service account).
    public let onBehalfOf: AuditPrincipal?
    public let action: AuditAction
    public let target: AuditTarget
    public let organizationID: OrganizationID?
    /// Every organization the change affects (a shared account's edit affects all of its
    /// organizations): each one's auditors see the event. Written with the event; includes `organizationID`.
    public let affectedOrganizationIDs: Set<OrganizationID>
    /// Ordered key/value facts ("scopes", "expires", "reason"). Never a secret.
    public let details: [AuditDetail]

    public init(
        id: Int64 = 0, occurredAt: Date, actor: AuditPrincipal, impersonator: AuditPrincipal? = nil,
        onBehalfOf: AuditPrincipal? = nil, action: AuditAction, target: AuditTarget,
        organizationID: OrganizationID? = nil, affectedOrganizationIDs: Set<OrganizationID> = [], details: [AuditDetail] = []
    ) {
        self.affectedOrganizationIDs = affectedOrganizationIDs.union(organizationID.map { [$0] } ?? [])
        self.id = id
        self.occurredAt = occurredAt
        self.actor = actor
        self.impersonator = impersonator
        self.onBehalfOf = onBehalfOf
        self.action = action
        self.target = target
        self.organizationID = organizationID
        self.details = details
    }

    /// "alice", or "root as alice".
    public var actorText: String {
        impersonator.map { "\($0.login) as \(actor.login)" } ?? actor.login
    }
}

public struct AuditDetail: Hashable, Sendable, Codable {
    public let key: String
    public let value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}
