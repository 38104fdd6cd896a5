import Foundation
import GatehouseDomain

/// What a backend's own failures mean in the store contract (see `DirectoryStore`), shared by the
/// SQLite and PostgreSQL stores so both name the same rule with the same words.
public enum StoreErrors {
    /// The unique rules of the schema, by "table.column" (the same keys in every backend), as the
    /// object and the field a person would name. A unique violation can only reach the façade when
    /// two writers raced past its own check (which says "already exists" with the name).
    static let uniqueRules: [String: (kind: ObjectKind, field: String)] = [
        "organization.name": (.organization, "name"),
        "user.login_name": (.user, "login name"),
        "users.login_name": (.user, "login name"),
        "security_group.name": (.group, "name"),
        "security_group.organization_id": (.group, "name"),
        "token.digest": (.token, "secret"),
        "token.id": (.token, "id"),
        "ssh_key.fingerprint": (.sshKey, "fingerprint"),
        "group_member.group_id": (.group, "member"),
    ]

    /// The typed error for a unique violation of `rule` ("table.column"); an unknown rule still
    /// reads as a duplicate of "value" rather than as a storage failure.
    public static func duplicate(rule: String) -> GatehouseError {
        let known = uniqueRules[rule] ?? uniqueRules.first { rule.hasPrefix($0.key) }?.value
        let kindFromTable = ObjectKind.allCases.first { rule.hasPrefix($0.rawValue) } ?? .user
        return .duplicate(kind: known?.kind ?? kindFromTable, field: known?.field ?? "value")
    }

    /// How many times a write body is run when concurrent writers keep colliding (serialization
    /// failures, deadlocks, a locked SQLite file) before `GatehouseError.busy`.
    public static let maximumAttempts = 8
}
