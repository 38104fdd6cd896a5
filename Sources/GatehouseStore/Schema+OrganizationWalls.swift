import Foundation
import GRDB
import GatehouseDomain

extension Schema {
    /// v9: what organization walls need of the schema.
    /// - Every audit event is linked to each organization it affects (a shared account's edit affects
    ///   all of its organizations), so each organization's auditors see it, and only those.
    /// - Logins carry their confusable skeleton (Unicode TR39), so a look-alike of an existing login
    ///   is found by one index probe among 100,000.
    static func createOrganizationWalls(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE audit_event_organization (
                event_id INTEGER NOT NULL REFERENCES audit_event(id),
                organization_id BLOB NOT NULL,
                PRIMARY KEY (event_id, organization_id)
            ) WITHOUT ROWID;
            CREATE INDEX audit_event_organization_by_organization ON audit_event_organization(organization_id, event_id);
            CREATE TRIGGER audit_event_organization_is_append_only_update BEFORE UPDATE ON audit_event_organization
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_event_organization_is_append_only_delete BEFORE DELETE ON audit_event_organization
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            ALTER TABLE user ADD COLUMN login_skeleton TEXT;
            """)
        try linkAuditEventsToOrganizations(db)
        let skeleton = DatabaseFunction("gatehouse_login_skeleton", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map(ConfusableText.skeleton)
        }
        db.add(function: skeleton)
        try db.execute(sql: """
            UPDATE user SET login_skeleton = gatehouse_login_skeleton(login_name);
            CREATE INDEX user_by_login_skeleton ON user(login_skeleton);
            """)
        db.remove(function: skeleton)
    }

    /// Links the events that have no organization link yet: to their own organization, else, for
    /// an account's events, to the organizations the account belongs to now, and for a token aimed
    /// at all organizations, to its owner's. Events of accounts deleted since stay unlinked: only a
    /// reader of every organization sees them. (Migration v9 and the generator both call this.)
    static func linkAuditEventsToOrganizations(_ db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO audit_event_organization (event_id, organization_id)
            SELECT id, organization_id FROM audit_event WHERE organization_id IS NOT NULL
            """)
        let unlinked = try Row.fetchAll(db, sql: """
            SELECT id, target_kind, target_id FROM audit_event
            WHERE target_kind IN ('user', 'token') AND NOT EXISTS (SELECT 1 FROM audit_event_organization WHERE event_id = audit_event.id)
            """)
        let ofUser = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO audit_event_organization (event_id, organization_id)
            SELECT ?, organization_id FROM organization_member WHERE user_id = ?
            """)
        let ofTokenOwner = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO audit_event_organization (event_id, organization_id)
            SELECT ?, organization_member.organization_id FROM token JOIN organization_member ON organization_member.user_id = token.owner_id
            WHERE token.id = ?
            """)
        for row in unlinked {
            let c = RowDecoding.Columns(row, table: "audit_event")
            guard let target = UUID(uuidString: try c.value("target_id")) else { continue }
            let kind: String = try c.value("target_kind")
            let id: Int64 = try c.value("id")
            try (kind == "user" ? ofUser : ofTokenOwner).execute(arguments: [id, target])
        }
    }
}
