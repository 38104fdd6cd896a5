import Foundation
import GRDB
import GatehouseDomain

/// Row ↔ entity mapping, in one place. Stored enum values that this build does not know
/// (a newer Gatehouse wrote them) decode as a clear error, never a crash.
enum RowDecoding {
    static func date(_ value: Double) -> Date { Date(timeIntervalSince1970: value) }

    static func id<Entity>(_ row: Row, _ column: String) throws -> Identifier<Entity> {
        guard let uuid = row[column] as UUID? else { throw StoreDecodingError(column: column) }
        return Identifier(uuid)
    }

    static func optionalID<Entity>(_ row: Row, _ column: String) -> Identifier<Entity>? {
        (row[column] as UUID?).map { Identifier($0) }
    }

    static func enumeration<E: RawRepresentable>(_ row: Row, _ column: String) throws -> E where E.RawValue == String {
        guard let raw = row[column] as String?, let value = E(rawValue: raw) else { throw StoreDecodingError(column: column) }
        return value
    }

    static func organization(_ row: Row) throws -> Organization {
        Organization(id: try id(row, "id"), name: row["name"], createdAt: date(row["created_at"]))
    }

    static func user(_ row: Row) throws -> User {
        User(
            id: try id(row, "id"), displayName: row["display_name"], loginName: row["login_name"], email: row["email"],
            kind: try enumeration(row, "kind"), identitySource: try enumeration(row, "identity_source"),
            accessLevel: try enumeration(row, "access_level"), status: try enumeration(row, "status"),
            createdAt: date(row["created_at"]), version: row["version"])
    }

    static func group(_ row: Row) throws -> SecurityGroup {
        SecurityGroup(
            id: try id(row, "id"), organizationID: try id(row, "organization_id"), name: row["name"],
            description: row["description"], defaultRole: (row["default_role"] as String?).flatMap(DefaultGroup.init(rawValue:)),
            createdAt: date(row["created_at"]), version: row["version"])
    }

    static func token(_ row: Row) throws -> PersonalAccessToken {
        let revocation: Revocation? = try (row["revoked_at"] as Double?).map { at in
            Revocation(at: date(at), reason: row["revoked_reason"] ?? "", byUserID: try id(row, "revoked_by_id"))
        }
        let target: TokenTarget = optionalID(row, "target_organization_id").map(TokenTarget.organization) ?? .allAccessibleOrganizations
        return PersonalAccessToken(
            id: try id(row, "id"), displayName: row["display_name"], ownerID: try id(row, "owner_id"),
            createdByID: try id(row, "created_by_id"), target: target, scopes: ScopeSelection(storageText: row["scopes"]),
            validFrom: date(row["valid_from"]), validTo: date(row["valid_to"]), createdAt: date(row["created_at"]),
            lastUsedAt: (row["last_used_at"] as Double?).map(date), revocation: revocation, handle: row["handle"],
            digest: TokenDigest(bytes: [UInt8](row["digest"] as Data)), generation: row["generation"],
            isHighPrivilege: row["is_high_privilege"], version: row["version"])
    }

    static func sshKey(_ row: Row) throws -> RegisteredSSHKey {
        let line: String = row["public_line"]
        guard let key = try? SSHPublicKey.parse(line) else { throw StoreDecodingError(column: "public_line") }
        return RegisteredSSHKey(id: try id(row, "id"), userID: try id(row, "user_id"), key: key, addedAt: date(row["added_at"]))
    }

    static func auditEvent(_ row: Row) throws -> AuditEvent {
        func principal(_ idColumn: String, _ loginColumn: String) -> AuditPrincipal? {
            guard let id: UserID = optionalID(row, idColumn), let login = row[loginColumn] as String? else { return nil }
            return AuditPrincipal(id: id, login: login)
        }
        let detailsJSON: String = row["details"]
        let details = (try? JSONDecoder().decode([AuditDetail].self, from: Data(detailsJSON.utf8))) ?? []
        return AuditEvent(
            id: row["id"], occurredAt: date(row["occurred_at"]),
            actor: principal("actor_id", "actor_login") ?? .system,
            impersonator: principal("impersonator_id", "impersonator_login"),
            onBehalfOf: principal("on_behalf_of_id", "on_behalf_of_login"),
            action: try enumeration(row, "action"),
            target: AuditTarget(kind: try enumeration(row, "target_kind"), id: row["target_id"], name: row["target_name"]),
            organizationID: optionalID(row, "organization_id"), details: details)
    }
}

struct StoreDecodingError: Error, CustomStringConvertible {
    let column: String
    var description: String { "the column \(column) holds a value this version of Gatehouse does not understand" }
}
