import Foundation

/// A security group of one organization. Members are users and other groups (nested, never cyclic).
public struct SecurityGroup: Hashable, Sendable, Identifiable {
    public let id: GroupID
    public let organizationID: OrganizationID
    public var name: String
    public var description: String
    /// Set for the groups every organization starts with; those cannot be deleted or renamed.
    public let defaultRole: DefaultGroup?
    public let createdAt: Date
    public var version: Int

    public init(
        id: GroupID = GroupID(), organizationID: OrganizationID, name: String, description: String,
        defaultRole: DefaultGroup? = nil, createdAt: Date, version: Int = 1
    ) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.description = description
        self.defaultRole = defaultRole
        self.createdAt = createdAt
        self.version = version
    }

    public var isDefault: Bool { defaultRole != nil }
}

/// A member of a group: a user, or another group of the same organization.
public enum GroupMember: Hashable, Sendable {
    case user(UserID)
    case group(GroupID)
}

/// The groups every organization has from the start, with the permissions they begin with.
public enum DefaultGroup: String, Sendable, CaseIterable {
    case projectCollectionAdministrators = "project-collection-administrators"
    case projectCollectionValidUsers = "project-collection-valid-users"
    case projectAdministrators = "project-administrators"
    case contributors
    case readers
    case buildAdministrators = "build-administrators"

    public var name: String {
        switch self {
        case .projectCollectionAdministrators: "Project Collection Administrators"
        case .projectCollectionValidUsers: "Project Collection Valid Users"
        case .projectAdministrators: "Project Administrators"
        case .contributors: "Contributors"
        case .readers: "Readers"
        case .buildAdministrators: "Build Administrators"
        }
    }

    public var summary: String {
        switch self {
        case .projectCollectionAdministrators: "Administer the whole organization: users, groups, tokens and policies."
        case .projectCollectionValidUsers: "Every member of the organization."
        case .projectAdministrators: "Manage groups and read the audit log."
        case .contributors: "Contribute to projects; may create tokens."
        case .readers: "Read-only access to projects."
        case .buildAdministrators: "Manage build pipelines and their agents."
        }
    }

    public var initialPermissions: [Permission: PermissionSetting] {
        switch self {
        case .projectCollectionAdministrators:
            Dictionary(uniqueKeysWithValues: Permission.allCases.map { ($0, .allow) })
        case .projectCollectionValidUsers: [.createTokens: .allow]
        case .projectAdministrators: [.manageGroups: .allow, .viewAuditLog: .allow, .createTokens: .allow]
        case .contributors: [.createTokens: .allow]
        case .readers: [:]
        case .buildAdministrators: [.createTokens: .allow, .viewAuditLog: .allow]
        }
    }
}
