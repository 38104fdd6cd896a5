import Foundation

/// The shape of `Resources/demo/directory.json`. Times are days before "now".
struct DemoDirectoryFile: Decodable {
    struct Person: Decodable {
        let login: String
        let name: String
        let email: String?
    }

    struct OrganizationEntry: Decodable {
        let name: String
        let daysAgo: Double
    }

    struct UserEntry: Decodable {
        let login: String
        let name: String
        let email: String
        let kind: String
        let source: String
        let access: String
        let organizations: [String]
        let daysAgo: Double
    }

    struct DisabledEntry: Decodable {
        let login: String
        let daysAgo: Double
    }

    struct GroupEntry: Decodable {
        let organization: String
        let name: String
        let description: String?
        /// Logins, or `group:Name` for a nested group of the same organization.
        let members: [String]
        let permissions: [String: String]?
    }

    struct PolicyEntry: Decodable {
        let organization: String
        let kind: String
        let enabled: Bool
        let daysAgo: Double
        let maximumDays: Int?
        let packagingOnly: Bool?
        let exemptions: [String]
    }

    struct RevocationEntry: Decodable {
        let daysAgo: Double
        let reason: String
    }

    struct TokenEntry: Decodable {
        let owner: String
        let name: String
        /// An organization name, or `*` for all accessible organizations.
        let organization: String
        /// `"full"` or a list of scope identifiers.
        let scopes: Scopes
        let daysAgo: Double
        let lifespanDays: Int
        let lastUsedDaysAgo: Double?
        let revoked: RevocationEntry?
        let createdBy: String?
        let regeneratedDaysAgo: Double?
    }

    enum Scopes: Decodable {
        case full
        case custom([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([String].self) {
                self = .custom(list)
            } else {
                self = .full
            }
        }
    }

    struct SSHKeyEntry: Decodable {
        let owner: String
        let daysAgo: Double
        let line: String
    }

    let administrator: Person
    let organizations: [OrganizationEntry]
    let users: [UserEntry]
    let disabled: [DisabledEntry]
    let groups: [GroupEntry]
    let policies: [PolicyEntry]
    let tokens: [TokenEntry]
    let sshKeys: [SSHKeyEntry]
}
