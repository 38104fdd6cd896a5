import Foundation
import GRDB
import GatehouseDomain

// MARK: Policies

extension SQLiteTransaction {
    func policies(of organization: OrganizationID) throws -> OrganizationPolicies {
        var exemptions: [PolicyKind: Set<PolicyExemption>] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT kind, user_id, group_id FROM policy_exemption WHERE organization_id = ?", arguments: [organization.uuid]) {
            let c = RowDecoding.Columns(row, table: "policy_exemption")
            let kindText: String = try c.value("kind")
            guard let kind = PolicyKind(rawValue: kindText) else { continue }
            if let user: UserID = try c.optionalID("user_id") { exemptions[kind, default: []].insert(.user(user)) }
            if let group: GroupID = try c.optionalID("group_id") { exemptions[kind, default: []].insert(.group(group)) }
        }
        let policies = try Row.fetchAll(db, sql: "SELECT * FROM organization_policy WHERE organization_id = ?", arguments: [organization.uuid])
            .compactMap { row -> TokenPolicy? in
                let c = RowDecoding.Columns(row, table: "organization_policy")
                let kindText: String = try c.value("kind")
                guard let kind = PolicyKind(rawValue: kindText) else { return nil }
                return TokenPolicy(kind: kind, isEnabled: try c.value("is_enabled"), maximumLifespanDays: try c.value("maximum_lifespan_days"),
                                   packagingOnly: try c.value("packaging_only"), exemptions: exemptions[kind] ?? [])
            }
        let version = try Int.fetchOne(db, sql: "SELECT policies_version FROM organization WHERE id = ?", arguments: [organization.uuid]) ?? 1
        if policies.isEmpty { return OrganizationPolicies(organizationID: organization, policies: [], version: version) }
        return OrganizationPolicies(organizationID: organization, policies: policies, version: version)
    }

    func save(_ policies: OrganizationPolicies) throws -> OrganizationPolicies {
        let organization = policies.organizationID.uuid
        try versionedUpdate("UPDATE organization SET policies_version = policies_version + 1 WHERE id = ? AND policies_version = ?",
                            [organization, policies.version], kind: .policy, name: "organization policies")
        try db.execute(sql: "DELETE FROM organization_policy WHERE organization_id = ?", arguments: [organization])
        try db.execute(sql: "DELETE FROM policy_exemption WHERE organization_id = ?", arguments: [organization])
        for policy in policies.policies {
            try db.execute(sql: """
                INSERT INTO organization_policy (organization_id, kind, is_enabled, maximum_lifespan_days, packaging_only)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [organization, policy.kind.rawValue, policy.isEnabled, policy.maximumLifespanDays, policy.packagingOnly])
            for exemption in policy.exemptions {
                switch exemption {
                case let .user(id):
                    try db.execute(sql: "INSERT INTO policy_exemption (organization_id, kind, user_id) VALUES (?, ?, ?)",
                                   arguments: [organization, policy.kind.rawValue, id.uuid])
                case let .group(id):
                    try db.execute(sql: "INSERT INTO policy_exemption (organization_id, kind, group_id) VALUES (?, ?, ?)",
                                   arguments: [organization, policy.kind.rawValue, id.uuid])
                }
            }
        }
        var stored = policies
        stored.version += 1
        return stored
    }
}

// MARK: Audit

extension SQLiteTransaction {
    private func auditList(_ query: AuditQuery) -> KeysetQuery {
        // Newest first: the id is both the order and the tie-break.
        var list = KeysetQuery(from: "audit_event", sortExpression: "id", idColumn: "id", descending: true)
        if let login = query.actorLogin, !login.isEmpty {
            // Two index walks in id order, merged: not 166,000 events of one actor sorted for a page.
            list.filterAny([("actor_login = ?", [login]), ("impersonator_login = ?", [login])])
        }
        if !query.actions.isEmpty {
            list.filter("action IN (\(Self.placeholders(query.actions.count)))")
            list.arguments += query.actions.map(\.rawValue).sorted()
        }
        if let target = query.target, !target.isEmpty {
            if target.mode == .substring, target.text.count >= 3 {
                list.filter("id IN (SELECT rowid FROM audit_search WHERE audit_search MATCH ?)", Self.phrase(target.text))
                list.isCostlyToCount = true
            } else {
                list.filter("target_name LIKE ? ESCAPE '\\'", Self.likePattern(TextSearch(target.text, mode: .prefix)))
            }
        }
        if let since = query.since { list.filter("occurred_at >= ?", since.timeIntervalSince1970) }
        if let until = query.until { list.filter("occurred_at < ?", until.timeIntervalSince1970) }
        if let organization = query.organizationID {
            list.filter("EXISTS (SELECT 1 FROM audit_event_organization WHERE event_id = audit_event.id AND organization_id = ?)", organization.uuid)
        }
        if let visible = query.visibleOrganizations {
            // The wall: events that affect one of the reader's organizations, probed per event in id order.
            let marks = Self.placeholders(visible.count)
            list.filter("EXISTS (SELECT 1 FROM audit_event_organization WHERE event_id = audit_event.id AND organization_id IN (\(marks)))")
            list.arguments += Self.sorted(visible)
            list.isCostlyToCount = true
        }
        return list
    }

    func auditEvents(_ query: AuditQuery, page: PageRequest) throws -> Page<AuditEvent> {
        try auditList(query).page(db, select: "*", request: page, cursorKey: Self.sortKey, decode: RowDecoding.auditEvent)
    }

    func count(_ query: AuditQuery) throws -> Int {
        try auditList(query).count(db)
    }

    func count(_ query: AuditQuery, cap: Int) throws -> ListCount {
        try auditList(query).count(db, cap: cap)
    }

    func append(_ event: AuditEvent) throws -> Int64 {
        let details = String(decoding: try JSONEncoder().encode(event.details), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO audit_event (occurred_at, actor_id, actor_login, impersonator_id, impersonator_login, on_behalf_of_id,
                on_behalf_of_login, action, target_kind, target_id, target_name, organization_id, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                event.occurredAt.timeIntervalSince1970, event.actor.id.uuid, event.actor.login, event.impersonator?.id.uuid,
                event.impersonator?.login, event.onBehalfOf?.id.uuid, event.onBehalfOf?.login, event.action.rawValue,
                event.target.kind.rawValue, event.target.id, event.target.name, event.organizationID?.uuid, details,
            ])
        let id = db.lastInsertedRowID
        for organization in event.affectedOrganizationIDs {
            try db.execute(sql: "INSERT OR IGNORE INTO audit_event_organization (event_id, organization_id) VALUES (?, ?)",
                           arguments: [id, organization.uuid])
        }
        return id
    }
}
