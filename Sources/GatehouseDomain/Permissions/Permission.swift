/// The fixed permission catalog. Each group sets each permission to Allow, Deny or Not set.
public enum Permission: String, Sendable, CaseIterable, Codable {
    case manageUsers = "manage-users"
    case manageGroups = "manage-groups"
    case manageOthersTokens = "manage-others-tokens"
    case createTokens = "create-tokens"
    case editPolicies = "edit-policies"
    case viewAuditLog = "view-audit-log"

    public var title: String {
        switch self {
        case .manageUsers: "Manage users"
        case .manageGroups: "Manage groups"
        case .manageOthersTokens: "Manage others' tokens"
        case .createTokens: "Create tokens"
        case .editPolicies: "Edit policies"
        case .viewAuditLog: "View audit log"
        }
    }

    public var summary: String {
        switch self {
        case .manageUsers: "Add, edit, disable and delete accounts and their SSH keys."
        case .manageGroups: "Create and delete groups, change members and permissions."
        case .manageOthersTokens: "See, revoke and regenerate anyone's tokens; create tokens for service accounts."
        case .createTokens: "Create personal access tokens for oneself."
        case .editPolicies: "Change the organization's token policies and their exemptions."
        case .viewAuditLog: "Read the audit log."
        }
    }
}

public enum PermissionSetting: String, Sendable, CaseIterable, Codable {
    case allow
    case deny
    case notSet = "not-set"

    public var title: String {
        switch self {
        case .allow: "Allow"
        case .deny: "Deny"
        case .notSet: "Not set"
        }
    }
}
