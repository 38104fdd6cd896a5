import Foundation
import GRDB
import GatehouseDomain

/// Verification's hot path: one joined lookup of the token and its owner, and one of the owner's
/// organizations, both prepared once per connection and decoded by column position. No
/// transaction is opened (`unsafeRead`): each statement sees the latest committed data.
extension SQLiteDirectoryStore {
    static let verificationSQL = """
        SELECT t.id, t.display_name, t.owner_id, t.created_by_id, t.target_organization_id, t.scopes, t.is_high_privilege,
               t.valid_from, t.valid_to, t.created_at, t.last_used_at, t.revoked_at, t.revoked_reason, t.revoked_by_id,
               t.handle, t.generation, t.version,
               u.id, u.display_name, u.login_name, u.email, u.kind, u.identity_source, u.access_level, u.status,
               u.created_at, u.version
        FROM token t LEFT JOIN user u ON u.id = t.owner_id
        WHERE t.digest = ?
        """

    static let ownerOrganizationsSQL = """
        SELECT o.id, o.name, o.created_at FROM organization_member m JOIN organization o ON o.id = m.organization_id
        WHERE m.user_id = ?
        """

    public func verificationRecord(digest: TokenDigest) throws -> VerificationRecord? {
        try pool.unsafeRead { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.verificationSQL), arguments: [Data(digest.bytes)]) else {
                return nil
            }
            let token = try Self.decodeToken(row, digest: digest)
            let owner = try Self.decodeOwner(row)
            let organizations: [Organization] = try owner.map { owner in
                try Row.fetchAll(db.cachedStatement(sql: Self.ownerOrganizationsSQL), arguments: [owner.id.uuid]).map { row in
                    Organization(id: try Self.id(row, 0), name: row[1], createdAt: Date(timeIntervalSince1970: row[2]))
                }
            } ?? []
            return VerificationRecord(token: token, owner: owner, organizations: organizations)
        }
    }

    private static func id<Entity>(_ row: Row, _ index: Int) throws -> Identifier<Entity> {
        guard let uuid = row[index] as UUID? else { throw StoreDecodingError(column: "#\(index)") }
        return Identifier(uuid)
    }

    private static func value<E: RawRepresentable>(_ row: Row, _ index: Int) throws -> E where E.RawValue == String {
        guard let raw = row[index] as String?, let value = E(rawValue: raw) else { throw StoreDecodingError(column: "#\(index)") }
        return value
    }

    private static func decodeToken(_ row: Row, digest: TokenDigest) throws -> PersonalAccessToken {
        let revocation: Revocation? = try (row[11] as Double?).map { at in
            Revocation(at: Date(timeIntervalSince1970: at), reason: row[12] ?? "", byUserID: try id(row, 13))
        }
        let target: TokenTarget = (row[4] as UUID?).map { .organization(OrganizationID($0)) } ?? .allAccessibleOrganizations
        return PersonalAccessToken(
            id: try id(row, 0), displayName: row[1], ownerID: try id(row, 2), createdByID: try id(row, 3), target: target,
            scopes: ScopeSelection(storageText: row[5]), validFrom: Date(timeIntervalSince1970: row[7]),
            validTo: Date(timeIntervalSince1970: row[8]), createdAt: Date(timeIntervalSince1970: row[9]),
            lastUsedAt: (row[10] as Double?).map(Date.init(timeIntervalSince1970:)), revocation: revocation, handle: row[14],
            digest: digest, generation: row[15], isHighPrivilege: row[6], version: row[16])
    }

    private static func decodeOwner(_ row: Row) throws -> User? {
        guard let ownerID = row[17] as UUID? else { return nil }
        return User(
            id: UserID(ownerID), displayName: row[18], loginName: row[19], email: row[20], kind: try value(row, 21),
            identitySource: try value(row, 22), accessLevel: try value(row, 23), status: try value(row, 24),
            createdAt: Date(timeIntervalSince1970: row[25]), version: row[26])
    }
}
