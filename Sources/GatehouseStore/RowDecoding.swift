import Foundation
import GRDB
import GatehouseDomain

/// Row ↔ entity mapping, in one place. Every column is read with a type check: a value this build
/// cannot read (text where a number belongs, an unknown enum value a newer Gatehouse wrote, a
/// corrupted row) is a `StoreDecodingError` naming the table, the row and the column, never a
/// crash. (GRDB's non-throwing subscripts trap on such values.)
enum RowDecoding {
    static func date(_ value: Double) -> Date { Date(timeIntervalSince1970: value) }

    static func organization(_ row: Row) throws -> Organization {
        let c = Columns(row, table: "organization")
        return Organization(id: try c.id("id"), name: try c.value("name"), createdAt: try c.date("created_at"))
    }

    static func user(_ row: Row) throws -> User {
        let c = Columns(row, table: "user")
        return User(
            id: try c.id("id"), displayName: try c.value("display_name"), loginName: try c.value("login_name"), email: try c.value("email"),
            kind: try c.enumeration("kind"), identitySource: try c.enumeration("identity_source"),
            accessLevel: try c.enumeration("access_level"), status: try c.enumeration("status"),
            createdAt: try c.date("created_at"), version: try c.value("version"))
    }

    static func group(_ row: Row) throws -> SecurityGroup {
        let c = Columns(row, table: "security_group")
        let role: String? = try c.optional("default_role")
        return SecurityGroup(
            id: try c.id("id"), organizationID: try c.id("organization_id"), name: try c.value("name"),
            description: try c.value("description"), defaultRole: role.flatMap(DefaultGroup.init(rawValue:)),
            createdAt: try c.date("created_at"), version: try c.value("version"))
    }

    static func token(_ row: Row) throws -> PersonalAccessToken {
        let c = Columns(row, table: "token")
        var revocation: Revocation?
        if let at: Double = try c.optional("revoked_at") {
            let reason: String? = try c.optional("revoked_reason")
            revocation = Revocation(at: date(at), reason: reason ?? "", byUserID: try c.id("revoked_by_id"))
        }
        let targetID: OrganizationID? = try c.optionalID("target_organization_id")
        let lastUsed: Double? = try c.optional("last_used_at")
        let digest: Data = try c.value("digest")
        return PersonalAccessToken(
            id: try c.id("id"), displayName: try c.value("display_name"), ownerID: try c.id("owner_id"),
            createdByID: try c.id("created_by_id"), target: targetID.map(TokenTarget.organization) ?? .allAccessibleOrganizations,
            scopes: ScopeSelection(storageText: try c.value("scopes")),
            validFrom: try c.date("valid_from"), validTo: try c.date("valid_to"), createdAt: try c.date("created_at"),
            lastUsedAt: lastUsed.map(date), revocation: revocation, handle: try c.value("handle"),
            digest: TokenDigest(bytes: [UInt8](digest)), generation: try c.value("generation"),
            isHighPrivilege: try c.value("is_high_privilege"), version: try c.value("version"))
    }

    static func sshKey(_ row: Row) throws -> RegisteredSSHKey {
        let c = Columns(row, table: "ssh_key")
        let line: String = try c.value("public_line")
        guard let key = try? SSHPublicKey.parse(line) else { throw c.failure("public_line", "is not an SSH public key") }
        return RegisteredSSHKey(id: try c.id("id"), userID: try c.id("user_id"), key: key, addedAt: try c.date("added_at"))
    }

    static func auditEvent(_ row: Row) throws -> AuditEvent {
        let c = Columns(row, table: "audit_event")
        func principal(_ idColumn: String, _ loginColumn: String) throws -> AuditPrincipal? {
            guard let id: UserID = try c.optionalID(idColumn), let login: String = try c.optional(loginColumn) else { return nil }
            return AuditPrincipal(id: id, login: login)
        }
        let detailsJSON: String = try c.value("details")
        let details = (try? JSONDecoder().decode([AuditDetail].self, from: Data(detailsJSON.utf8))) ?? []
        return AuditEvent(
            id: try c.value("id"), occurredAt: try c.date("occurred_at"),
            actor: try principal("actor_id", "actor_login") ?? .system,
            impersonator: try principal("impersonator_id", "impersonator_login"),
            onBehalfOf: try principal("on_behalf_of_id", "on_behalf_of_login"),
            action: try c.enumeration("action"),
            target: AuditTarget(kind: try c.enumeration("target_kind"), id: try c.value("target_id"), name: try c.value("target_name")),
            organizationID: try c.optionalID("organization_id"), details: details)
    }

    /// One row of one table, read column by column with a type check each.
    struct Columns {
        let row: Row
        let table: String
        /// The row's column names, read once. GRDB finds a column by name by lowercasing every
        /// name it compares (two allocations each) and `hasColumn` then `row[name]` searched
        /// twice: decoding a page of 58 tokens cost more than the query.
        private let names: [String]

        init(_ row: Row, table: String) {
            self.row = row
            self.table = table
            self.names = Array(row.columnNames)
        }

        /// The column's position: spelled as selected (every query here), else GRDB's
        /// case-insensitive match, the first of equals as GRDB takes it.
        private func index(of column: String) -> Int? {
            if let exact = names.firstIndex(of: column) { return exact }
            let lowered = column.lowercased()
            return names.firstIndex { $0.lowercased() == lowered }
        }

        /// The stored value of a column the row has (nil: it has not).
        private func storedValue(_ column: String) -> DatabaseValue? {
            guard let index = index(of: column) else { return nil }
            let stored: DatabaseValue = row[index]
            return stored
        }

        /// The column's value as `T`, or a `StoreDecodingError`: never GRDB's silent conversion
        /// (text read as 0) nor its trap. An optional `T` reads NULL as nil.
        func value<T: DatabaseValueConvertible>(_ column: String) throws -> T {
            guard let stored = storedValue(column) else { throw failure(column, "is missing") }
            guard let value = T.fromDatabaseValue(stored) else { throw failure(column, Self.describe(stored)) }
            return value
        }

        func optional<T: DatabaseValueConvertible>(_ column: String) throws -> T? {
            guard let stored = storedValue(column) else { throw failure(column, "is missing") }
            if stored.isNull { return nil }
            guard let value = T.fromDatabaseValue(stored) else { throw failure(column, Self.describe(stored)) }
            return value
        }

        func date(_ column: String) throws -> Date {
            let seconds: Double = try value(column)
            guard seconds.isFinite else { throw failure(column, "holds a date that is not a number") }
            return RowDecoding.date(seconds)
        }

        func id<Entity>(_ column: String) throws -> Identifier<Entity> {
            let uuid: UUID = try value(column)
            return Identifier(uuid)
        }

        func optionalID<Entity>(_ column: String) throws -> Identifier<Entity>? {
            let uuid: UUID? = try optional(column)
            return uuid.map { Identifier($0) }
        }

        func enumeration<E: RawRepresentable>(_ column: String) throws -> E where E.RawValue == String {
            let raw: String = try value(column)
            guard let value = E(rawValue: raw) else { throw failure(column, "holds \u{201C}\(raw.prefix(40))\u{201D}, a value this version of Gatehouse does not know") }
            return value
        }

        func failure(_ column: String, _ problem: String) -> StoreDecodingError {
            StoreDecodingError(table: table, column: column, row: rowReference, problem: problem)
        }

        /// The row as a person can find it: its id, else its rowid.
        private var rowReference: String {
            if row.hasColumn("id") {
                let stored: DatabaseValue = row["id"]
                if let uuid = UUID.fromDatabaseValue(stored) { return "id \(uuid.uuidString.lowercased())" }
                if let number = Int64.fromDatabaseValue(stored) { return "id \(number)" }
            }
            if row.hasColumn("rowid"), let number = Int64.fromDatabaseValue(row["rowid"]) { return "rowid \(number)" }
            return "with an unreadable id"
        }

        private static func describe(_ stored: DatabaseValue) -> String {
            switch stored.storage {
            case .null: "is empty (NULL) where a value is required"
            case .int64: "holds a number where another kind of value belongs"
            case .double: "holds a decimal number where another kind of value belongs"
            case .string: "holds text where another kind of value belongs"
            case .blob: "holds binary data where another kind of value belongs"
            }
        }
    }
}

/// A stored row this build cannot read. The message names the table, the row and the column, so
/// an administrator can find it (sqlite3) or restore the database from a backup.
struct StoreDecodingError: Error, CustomStringConvertible {
    let table: String
    let column: String
    let row: String
    let problem: String

    init(table: String, column: String, row: String, problem: String) {
        self.table = table
        self.column = column
        self.row = row
        self.problem = problem
    }

    /// For the verification path, which reads by column index and knows no row id.
    init(column: String) {
        self.init(table: "token", column: column, row: "being verified", problem: "holds a value this version of Gatehouse does not understand")
    }

    var description: String {
        "the stored row of table \(table), \(row), is damaged: its column \(column) \(problem). Restore the database from a backup, or correct that row"
    }
}
