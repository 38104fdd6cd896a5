import Foundation
import GatehouseDomain

/// A stored row this build cannot read: names the table, the row and the column (as the SQLite
/// store's decoding errors do), never a crash.
struct PGDecodingError: Error, CustomStringConvertible {
    let table: String
    let column: String
    let row: String
    let problem: String

    var description: String {
        "the stored row of table \(table), \(row), is damaged: its column \(column) \(problem). Restore the database from a backup, or correct that row"
    }
}

/// One row of one table, read column by column with a type check each.
struct PGColumns {
    let row: PGRow
    let table: String
    /// Prepended to every column name: a joined table's columns, aliased (`owner_id AS o_id`).
    let prefix: String

    init(_ row: PGRow, table: String, prefix: String = "") {
        self.row = row
        self.table = table
        self.prefix = prefix
    }

    func failure(_ column: String, _ problem: String) -> PGDecodingError {
        PGDecodingError(table: table, column: column, row: row.text("id").map { "id \($0)" } ?? "with an unreadable id", problem: problem)
    }

    func optionalText(_ column: String) throws -> String? {
        guard row.has(prefix + column) else { throw failure(column, "is missing") }
        return row.text(prefix + column)
    }

    func text(_ column: String) throws -> String {
        guard let value = try optionalText(column) else { throw failure(column, "is empty (NULL) where a value is required") }
        return value
    }

    func parsed<T>(_ column: String, _ what: String, _ parse: (String) -> T?) throws -> T {
        let value = try text(column)
        guard let result = parse(value) else { throw failure(column, "holds \u{201C}\(value.prefix(40))\u{201D}, not \(what)") }
        return result
    }

    func optionalParsed<T>(_ column: String, _ what: String, _ parse: (String) -> T?) throws -> T? {
        guard let value = try optionalText(column) else { return nil }
        guard let result = parse(value) else { throw failure(column, "holds \u{201C}\(value.prefix(40))\u{201D}, not \(what)") }
        return result
    }

    func integer(_ column: String) throws -> Int { try parsed(column, "a whole number") { Int($0) } }
    func int64(_ column: String) throws -> Int64 { try parsed(column, "a whole number") { Int64($0) } }
    func bool(_ column: String) throws -> Bool { try parsed(column, "true or false") { $0 == "t" ? true : ($0 == "f" ? false : nil) } }
    func double(_ column: String) throws -> Double { try parsed(column, "a number") { Double($0) } }
    func optionalDouble(_ column: String) throws -> Double? { try optionalParsed(column, "a number") { Double($0) } }

    func date(_ column: String) throws -> Date {
        let seconds = try double(column)
        guard seconds.isFinite else { throw failure(column, "holds a date that is not a number") }
        return Date(timeIntervalSince1970: seconds)
    }

    func optionalDate(_ column: String) throws -> Date? {
        guard let seconds = try optionalDouble(column) else { return nil }
        guard seconds.isFinite else { throw failure(column, "holds a date that is not a number") }
        return Date(timeIntervalSince1970: seconds)
    }

    func id<Entity>(_ column: String) throws -> Identifier<Entity> {
        Identifier(try parsed(column, "an id") { UUID(uuidString: $0) })
    }

    func optionalID<Entity>(_ column: String) throws -> Identifier<Entity>? {
        try optionalParsed(column, "an id") { UUID(uuidString: $0) }.map { Identifier($0) }
    }

    func bytes(_ column: String) throws -> [UInt8] { try parsed(column, "binary data") { PGColumns.bytea($0) } }

    func enumeration<E: RawRepresentable>(_ column: String) throws -> E where E.RawValue == String {
        let raw = try text(column)
        guard let value = E(rawValue: raw) else { throw failure(column, "holds \u{201C}\(raw.prefix(40))\u{201D}, a value this version of Gatehouse does not know") }
        return value
    }

    /// bytea's hex output: `\x` and two hex digits a byte.
    static func bytea(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

/// Row ↔ entity mapping, in one place.
enum PGDecode {
    static func organization(_ row: PGRow) throws -> Organization {
        let c = PGColumns(row, table: "organization")
        return Organization(id: try c.id("id"), name: try c.text("name"), createdAt: try c.date("created_at"))
    }

    static func user(_ row: PGRow) throws -> User { try user(row, prefix: "") }

    static func user(_ row: PGRow, prefix: String) throws -> User {
        let c = PGColumns(row, table: "users", prefix: prefix)
        return User(
            id: try c.id("id"), displayName: try c.text("display_name"), loginName: try c.text("login_name"), email: try c.text("email"),
            kind: try c.enumeration("kind"), identitySource: try c.enumeration("identity_source"),
            accessLevel: try c.enumeration("access_level"), status: try c.enumeration("status"),
            createdAt: try c.date("created_at"), version: try c.integer("version"))
    }

    static func group(_ row: PGRow) throws -> SecurityGroup {
        let c = PGColumns(row, table: "security_group")
        let role = try c.optionalText("default_role")
        return SecurityGroup(
            id: try c.id("id"), organizationID: try c.id("organization_id"), name: try c.text("name"),
            description: try c.text("description"), defaultRole: role.flatMap(DefaultGroup.init(rawValue:)),
            createdAt: try c.date("created_at"), version: try c.integer("version"))
    }

    static func token(_ row: PGRow) throws -> PersonalAccessToken {
        let c = PGColumns(row, table: "token")
        var revocation: Revocation?
        if let at = try c.optionalDate("revoked_at") {
            revocation = Revocation(at: at, reason: try c.optionalText("revoked_reason") ?? "", byUserID: try c.id("revoked_by_id"))
        }
        let targetID: OrganizationID? = try c.optionalID("target_organization_id")
        return PersonalAccessToken(
            id: try c.id("id"), displayName: try c.text("display_name"), ownerID: try c.id("owner_id"),
            createdByID: try c.id("created_by_id"), target: targetID.map(TokenTarget.organization) ?? .allAccessibleOrganizations,
            scopes: ScopeSelection(storageText: try c.text("scopes")),
            validFrom: try c.date("valid_from"), validTo: try c.date("valid_to"), createdAt: try c.date("created_at"),
            lastUsedAt: try c.optionalDate("last_used_at"), revocation: revocation, handle: try c.text("handle"),
            digest: TokenDigest(bytes: try c.bytes("digest")), generation: try c.integer("generation"),
            isHighPrivilege: try c.bool("is_high_privilege"), version: try c.integer("version"))
    }

    static func sshKey(_ row: PGRow) throws -> RegisteredSSHKey {
        let c = PGColumns(row, table: "ssh_key")
        let line = try c.text("public_line")
        guard let key = try? SSHPublicKey.parse(line) else { throw c.failure("public_line", "is not an SSH public key") }
        return RegisteredSSHKey(id: try c.id("id"), userID: try c.id("user_id"), key: key, addedAt: try c.date("added_at"))
    }

    static func auditEvent(_ row: PGRow) throws -> AuditEvent {
        let c = PGColumns(row, table: "audit_event")
        func principal(_ idColumn: String, _ loginColumn: String) throws -> AuditPrincipal? {
            guard let id: UserID = try c.optionalID(idColumn), let login = try c.optionalText(loginColumn) else { return nil }
            return AuditPrincipal(id: id, login: login)
        }
        let detailsJSON = try c.text("details")
        let details = (try? JSONDecoder().decode([AuditDetail].self, from: Data(detailsJSON.utf8))) ?? []
        return AuditEvent(
            id: try c.int64("id"), occurredAt: try c.date("occurred_at"),
            actor: try principal("actor_id", "actor_login") ?? .system,
            impersonator: try principal("impersonator_id", "impersonator_login"),
            onBehalfOf: try principal("on_behalf_of_id", "on_behalf_of_login"),
            action: try c.enumeration("action"),
            target: AuditTarget(kind: try c.enumeration("target_kind"), id: try c.text("target_id"), name: try c.text("target_name")),
            organizationID: try c.optionalID("organization_id"), details: details)
    }
}
