/// What kind of principal an account is. Only non-person kinds may receive tokens made on their behalf.
public enum AccountKind: String, Sendable, CaseIterable, Codable {
    case user
    case serviceAccount = "service-account"
    case servicePrincipal = "service-principal"
    case jobAgent = "job-agent"
    case thirdPartyApp = "third-party-app"

    public var title: String {
        switch self {
        case .user: "User"
        case .serviceAccount: "Service account"
        case .servicePrincipal: "Service principal"
        case .jobAgent: "Job agent"
        case .thirdPartyApp: "Third-party app"
        }
    }

    /// Accounts an administrator may create tokens for (PRODUCT.md: "on behalf of").
    public var acceptsDelegatedTokens: Bool {
        switch self {
        case .serviceAccount, .servicePrincipal, .jobAgent: true
        case .user, .thirdPartyApp: false
        }
    }
}

public enum IdentitySource: String, Sendable, CaseIterable, Codable {
    case entraID = "entra-id"
    case microsoftAccount = "microsoft-account"
    case activeDirectory = "active-directory"
    case local

    public var title: String {
        switch self {
        case .entraID: "Microsoft Entra ID (Azure AD)"
        case .microsoftAccount: "Microsoft Account"
        case .activeDirectory: "Active Directory"
        case .local: "Local"
        }
    }

    public var shortTitle: String {
        switch self {
        case .entraID: "Entra ID"
        case .microsoftAccount: "MSA"
        case .activeDirectory: "AD"
        case .local: "Local"
        }
    }
}

public enum AccessLevel: String, Sendable, CaseIterable, Codable {
    case stakeholder
    case basic
    case basicPlusTestPlans = "basic-test-plans"

    public var title: String {
        switch self {
        case .stakeholder: "Stakeholder"
        case .basic: "Basic"
        case .basicPlusTestPlans: "Basic + Test Plans"
        }
    }
}

public enum AccountStatus: String, Sendable, CaseIterable, Codable {
    case active
    case disabled

    public var title: String {
        switch self {
        case .active: "Active"
        case .disabled: "Disabled"
        }
    }
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// Parses a user-typed value by raw value or title, case-insensitively ("Job agent", "job-agent").
    public static func parse(_ text: String, titles: (Self) -> String) -> Self? {
        let wanted = text.trimmingCharacters(in: .whitespaces).lowercased()
        return allCases.first { $0.rawValue == wanted || titles($0).lowercased() == wanted }
    }
}
