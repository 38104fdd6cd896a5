import Foundation
import GatehouseDomain

// MARK: Tokens

extension PostgresTransaction {
    func token(_ id: TokenID) throws -> PersonalAccessToken? {
        try one("SELECT * FROM token WHERE id = ?", [id.pgValue]).map(PGDecode.token)
    }

    func token(digest: TokenDigest) throws -> PersonalAccessToken? {
        try one("SELECT * FROM token WHERE digest = ?", [.bytes(digest.bytes)]).map(PGDecode.token)
    }

    func retiredSecret(digest: TokenDigest) throws -> RetiredSecret? {
        try one("SELECT * FROM retired_secret WHERE digest = ?", [.bytes(digest.bytes)]).map { row in
            let c = PGColumns(row, table: "retired_secret")
            return RetiredSecret(digest: digest, tokenID: try c.id("token_id"), generation: try c.integer("generation"), retiredAt: try c.date("retired_at"))
        }
    }

    /// The verification lookup in one round trip: the token by its digest, its owner's columns
    /// (aliased `owner_…`) and the owner's organizations (as JSON, aggregated).
    func verificationRecord(digest: TokenDigest) throws -> VerificationRecord? {
        try verificationRecords(digests: [digest])[digest]
    }

    /// The verification lookups of several digests in one statement and one round trip
    /// (`digest = ANY(?)`: one index probe each), keyed by digest; unknown digests are absent.
    func verificationRecords(digests: [TokenDigest]) throws -> [TokenDigest: VerificationRecord] {
        guard !digests.isEmpty else { return [:] }
        let rows = try rows("""
            SELECT token.*, \(Self.ownerColumns),
                (SELECT json_agg(json_build_object('id', organization.id, 'name', organization.name, 'created_at', organization.created_at)
                                 ORDER BY gatehouse_fold(organization.name))::text
                 FROM organization_member JOIN organization ON organization.id = organization_member.organization_id
                 WHERE organization_member.user_id = token.owner_id) AS owner_organizations
            FROM token LEFT JOIN users AS owner ON owner.id = token.owner_id WHERE token.digest = ANY(?)
            """, [.byteaArray(digests.map(\.bytes))])
        var records: [TokenDigest: VerificationRecord] = [:]
        records.reserveCapacity(rows.count)
        for row in rows {
            let token = try PGDecode.token(row)
            guard row.text("owner_id_") != nil else {
                records[token.digest] = VerificationRecord(token: token, owner: nil, organizations: [])
                continue
            }
            let owner = try PGDecode.user(row, prefix: "owner_")
            records[token.digest] = VerificationRecord(token: token, owner: owner, organizations: try Self.organizations(json: row.text("owner_organizations")))
        }
        return records
    }

    /// The owner's columns, each as `owner_<column>` (and `owner_id_`, whose plain alias would be
    /// the token's own `owner_id`).
    static let ownerColumns = ["display_name", "login_name", "email", "kind", "identity_source", "access_level", "status", "created_at", "version"]
        .map { "owner.\($0) AS owner_\($0)" }.joined(separator: ", ") + ", owner.id AS owner_id_"

    static func organizations(json: String?) throws -> [Organization] {
        guard let json, let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return [] }
        return try list.map { entry in
            guard let idText = entry["id"] as? String, let id = UUID(uuidString: idText), let name = entry["name"] as? String,
                  let created = (entry["created_at"] as? NSNumber)?.doubleValue else {
                throw PGDecodingError(table: "organization", column: "id", row: "of a token's owner", problem: "could not be read")
            }
            return Organization(id: OrganizationID(id), name: name, createdAt: Date(timeIntervalSince1970: created))
        }
    }

    func tokens(_ query: TokenQuery, now: Date, page: PageRequest) throws -> Page<PersonalAccessToken> {
        try tokenList(query, now: now).page(connection, select: "token.*", request: page, decode: PGDecode.token)
    }

    func count(_ query: TokenQuery, now: Date) throws -> Int { try tokenList(query, now: now).count(connection) }
    func count(_ query: TokenQuery, now: Date, cap: Int) throws -> ListCount { try tokenList(query, now: now).count(connection, cap: cap) }

    func activeTokenExists(owner: UserID, named name: String, now: Date, excluding: TokenID?) throws -> Bool {
        try exists("""
            SELECT 1 FROM token WHERE owner_id = ? AND gatehouse_fold(display_name) = gatehouse_fold(?) AND revoked_at IS NULL AND valid_to > ?
                AND id IS DISTINCT FROM ?
            """, [owner.pgValue, .text(name), now.pgValue, excluding.map { PGValue.uuid($0.uuid) } ?? .uuidNull])
    }

    private func tokenList(_ query: TokenQuery, now: Date) -> PGKeysetQuery {
        let sort: String = switch query.sort {
        case .validTo: "valid_to"
        case .displayName: "gatehouse_fold(display_name)"
        case .createdAt: "created_at"
        case .lastUsedAt: "COALESCE(last_used_at, 0)"
        }
        var list = PGKeysetQuery(from: "token", sortExpression: sort, idColumn: "id", descending: query.descending)
        let nowValue = now.pgValue
        if let search = query.search, !search.isEmpty {
            // The name or the handle (3+ characters, anywhere) or the name's start (fewer: every
            // handle starts with gpat_); or the owner's login by its start. As the SQLite store.
            let owner = "owner_id IN (SELECT id FROM users WHERE \(Self.matches("login_name")))"
            let ownerPrefix = Self.likePattern(search.text, mode: .prefix)
            if search.effectiveMode == .substring {
                let pattern = Self.likePattern(search.text, mode: .substring)
                list.filter("\(Self.matches("display_name")) OR \(Self.matches("handle")) OR \(owner)", pattern, pattern, ownerPrefix)
            } else {
                list.filter("\(Self.matches("display_name")) OR \(owner)", ownerPrefix, ownerPrefix)
            }
            list.isCostlyToCount = true
        }
        if let owner = query.ownerID {
            list.filter("owner_id = ?", owner.pgValue)
        }
        if let visibility = query.visibility {
            let (clause, arguments) = Self.tokenVisibilityClause(visibility)
            list.filter(clause)
            list.arguments += arguments
            list.isCostlyToCount = true
        }
        if let organization = query.organizationID {
            list.filter(Self.inOrganization, organization.pgValue, organization.pgValue)
            list.isCostlyToCount = true
        }
        if !query.statuses.isEmpty {
            let clauses = query.statuses.sorted { $0.rawValue < $1.rawValue }.map { status in
                switch status {
                case .active: "(revoked_at IS NULL AND valid_to > ?)"
                case .expired: "(revoked_at IS NULL AND valid_to <= ?)"
                case .revoked: "(revoked_at IS NOT NULL AND ?::float8 IS NOT NULL)"
                }
            }
            list.filter(clauses.joined(separator: " OR "))
            list.arguments += Array(repeating: nowValue, count: clauses.count)
            if query.statuses == [.active], query.sort == .createdAt {
                // As the SQLite store: a token created before now minus the longest lifespan of an
                // active token cannot be active, so the walk starts there, not among the expired.
                list.filter("""
                    created_at >= ? - 1 - COALESCE((SELECT valid_to - created_at FROM token WHERE revoked_at IS NULL AND valid_to > ?
                        ORDER BY valid_to - created_at DESC LIMIT 1), 0)
                    """, nowValue, nowValue)
            }
        }
        if let within = query.expiringWithin {
            list.filter("revoked_at IS NULL AND valid_to > ? AND valid_to <= ?", nowValue, .double(now.timeIntervalSince1970 + within))
        }
        if query.fullAccessOnly { list.filter("is_full_access") }
        if query.highPrivilegeOnly { list.filter("is_high_privilege") }
        if query.globalOnly { list.filter("target_organization_id IS NULL") }
        if query.neverUsedOnly { list.filter("last_used_at IS NULL") }
        if let unused = query.unusedFor {
            list.filter("COALESCE(last_used_at, created_at) <= ?", .double(now.timeIntervalSince1970 - unused))
            list.isCostlyToCount = true
        }
        if let prefix = query.idPrefix {
            if let (low, high) = Self.idRange(prefix: prefix) {
                list.filter("id BETWEEN ? AND ?", .uuid(low), .uuid(high))
            } else {
                list.filter("false")
            }
        }
        if query.secretNeverAcknowledgedOnly {
            list.filter("revoked_at IS NULL AND valid_to > ?", nowValue)
            list.filter("""
                EXISTS (SELECT 1 FROM audit_event WHERE audit_event.target_id = token.id::text
                    AND audit_event.action = ? AND audit_event.occurred_at >= token.valid_from)
                """, .text(AuditAction.tokenSecretNotAcknowledged.rawValue))
            list.isCostlyToCount = true
        }
        if query.disabledOwnerOnly {
            list.filter("owner_id IN (SELECT id FROM users WHERE status = 'disabled')")
        }
        if let rules = query.nonCompliantWith {
            list.filter("revoked_at IS NULL AND valid_to > ?", nowValue)
            let violations = rules.compactMap(Self.violation(of:))
            if violations.isEmpty {
                list.filter("false")
            } else {
                list.conditions.append(violations.map(\.clause).joined(separator: " OR "))
                list.arguments += violations.flatMap(\.arguments)
            }
            list.isCostlyToCount = true
        }
        return list
    }

    /// The smallest and largest ids that start with these hex digits (dashes ignored); nil when
    /// the text is not hex or longer than an id.
    static func idRange(prefix: String) -> (UUID, UUID)? {
        let digits = prefix.lowercased().filter { $0 != "-" }
        guard !digits.isEmpty, digits.count <= 32, digits.allSatisfy(\.isHexDigit) else { return nil }
        func uuid(_ hex: String) -> UUID? {
            let chars = Array(hex)
            let text = String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-" + String(chars[16..<20]) + "-" + String(chars[20..<32])
            return UUID(uuidString: text)
        }
        let padding = 32 - digits.count
        guard let low = uuid(digits + String(repeating: "0", count: padding)),
              let high = uuid(digits + String(repeating: "f", count: padding)) else { return nil }
        return (low, high)
    }

    static let inOrganization = "target_organization_id = ? OR (target_organization_id IS NULL AND \(ownerIsMember(of: "?")))"

    /// "The token's owner belongs to one of these organizations", probed on organization_member's
    /// primary key row by row. `OFFSET 0` keeps PostgreSQL from turning the EXISTS (under an OR, so
    /// never a semi-join) into a hashed subplan, which reads every member of the organization before
    /// the first row: 7 ms per organization at 100k accounts, 57 ms for a page of non-compliant tokens
    /// under three rules, against 1.7 ms probed (EXPLAIN ANALYZE, BENCHMARKS.md).
    static func ownerIsMember(of marks: String) -> String {
        "EXISTS (SELECT 1 FROM organization_member WHERE organization_id IN (\(marks)) AND user_id = token.owner_id OFFSET 0)"
    }

    static func tokenVisibilityClause(_ visibility: TokenVisibility) -> (String, [PGValue]) {
        var alternatives: [String] = []
        var arguments: [PGValue] = []
        if let owner = visibility.ownerID {
            alternatives.append("owner_id = ?")
            arguments.append(owner.pgValue)
        }
        if !visibility.organizations.isEmpty {
            let marks = placeholders(visibility.organizations.count)
            alternatives.append("target_organization_id IN (\(marks)) OR (target_organization_id IS NULL AND \(ownerIsMember(of: marks)))")
            arguments += sorted(visibility.organizations) + sorted(visibility.organizations)
        }
        return (alternatives.isEmpty ? "false" : alternatives.joined(separator: " OR "), arguments)
    }

    /// SQL for "breaks this rule", as the SQLite store's `violation(of:)`.
    static func violation(of rule: NonComplianceRule) -> (clause: String, arguments: [PGValue])? {
        var arguments: [PGValue] = [rule.organizationID.pgValue, rule.organizationID.pgValue]
        var parts = ["(\(inOrganization))"]
        switch rule.kind {
        case .restrictGlobalTokens:
            parts = ["target_organization_id IS NULL", ownerIsMember(of: "?")]
            arguments = [rule.organizationID.pgValue]
        case .restrictFullScopedTokens:
            parts.append("is_full_access")
        case .maximumLifespan:
            parts.append("valid_to - valid_from > ?")
            arguments.append(.double(Double(rule.maximumLifespanDays) * 86_400))
        case .restrictCreation:
            if rule.packagingOnly { parts.append("NOT is_packaging_only") }
        case .autoRevokeLeakedTokens: return nil
        }
        if !rule.exemptUserIDs.isEmpty {
            parts.append("owner_id NOT IN (\(placeholders(rule.exemptUserIDs.count)))")
            arguments += rule.exemptUserIDs.map(\.pgValue)
        }
        if !rule.exemptGroupIDs.isEmpty {
            parts.append("""
                owner_id NOT IN (
                    WITH RECURSIVE exempt(id) AS (
                        VALUES \(Array(repeating: "(?::uuid)", count: rule.exemptGroupIDs.count).joined(separator: ", "))
                        UNION SELECT member_group_id FROM group_member JOIN exempt ON group_member.group_id = exempt.id
                        WHERE member_group_id IS NOT NULL
                    )
                    SELECT member_user_id FROM group_member WHERE group_id IN (SELECT id FROM exempt) AND member_user_id IS NOT NULL)
                """)
            arguments += rule.exemptGroupIDs.map(\.pgValue)
        }
        return ("(" + parts.joined(separator: " AND ") + ")", arguments)
    }

    private func tokenColumns(_ token: PersonalAccessToken) -> [PGValue] {
        [
            token.id.pgValue, .text(token.displayName), token.ownerID.pgValue, token.createdByID.pgValue,
            token.target.organizationID.map { PGValue.uuid($0.uuid) } ?? .uuidNull,
            .text(token.scopes.storageText), .bool(token.scopes.isFullAccess), .bool(token.isHighPrivilege), .bool(token.scopes.isPackagingOnly),
            token.validFrom.pgValue, token.validTo.pgValue, token.createdAt.pgValue,
            token.lastUsedAt.map { PGValue.double($0.timeIntervalSince1970) } ?? .doubleNull,
            token.revocation.map { PGValue.double($0.at.timeIntervalSince1970) } ?? .doubleNull,
            token.revocation.map { PGValue.text($0.reason) } ?? .null,
            token.revocation.map { PGValue.uuid($0.byUserID.uuid) } ?? .uuidNull,
            .text(token.handle), .bytes(token.digest.bytes), token.generation.pgValue,
        ]
    }

    func insert(_ token: PersonalAccessToken) throws {
        try execute("""
            INSERT INTO token (id, display_name, owner_id, created_by_id, target_organization_id, scopes, is_full_access,
                is_high_privilege, is_packaging_only, valid_from, valid_to, created_at, last_used_at, revoked_at, revoked_reason,
                revoked_by_id, handle, digest, generation, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, tokenColumns(token) + [token.version.pgValue])
    }

    func update(_ token: PersonalAccessToken) throws -> PersonalAccessToken {
        try versionedUpdate("""
            UPDATE token SET display_name = ?, owner_id = ?, created_by_id = ?, target_organization_id = ?, scopes = ?,
                is_full_access = ?, is_high_privilege = ?, is_packaging_only = ?, valid_from = ?, valid_to = ?, created_at = ?,
                last_used_at = ?, revoked_at = ?, revoked_reason = ?, revoked_by_id = ?, handle = ?, digest = ?, generation = ?,
                version = version + 1
            WHERE id = ? AND version = ?
            """, Array(tokenColumns(token).dropFirst()) + [token.id.pgValue, token.version.pgValue], kind: .token, name: token.displayName)
        log?.touched.insert(token.id.uuid)
        var stored = token
        stored.version += 1
        return stored
    }

    func recordUse(of token: TokenID, at date: Date) throws {
        try execute("UPDATE token SET last_used_at = ? WHERE id = ?", [date.pgValue, token.pgValue])
        log?.uses.append((token, date))
    }

    func insert(_ retired: RetiredSecret) throws {
        try execute("INSERT INTO retired_secret (digest, token_id, generation, retired_at) VALUES (?, ?, ?, ?)",
                    [.bytes(retired.digest.bytes), retired.tokenID.pgValue, retired.generation.pgValue, retired.retiredAt.pgValue])
    }
}

// MARK: Policies

extension PostgresTransaction {
    func policies(of organization: OrganizationID) throws -> OrganizationPolicies {
        var exemptions: [PolicyKind: Set<PolicyExemption>] = [:]
        for row in try rows("SELECT kind, user_id, group_id FROM policy_exemption WHERE organization_id = ?", [organization.pgValue]) {
            let c = PGColumns(row, table: "policy_exemption")
            guard let kind = PolicyKind(rawValue: try c.text("kind")) else { continue }
            if let user: UserID = try c.optionalID("user_id") { exemptions[kind, default: []].insert(.user(user)) }
            if let group: GroupID = try c.optionalID("group_id") { exemptions[kind, default: []].insert(.group(group)) }
        }
        let policies = try rows("SELECT * FROM organization_policy WHERE organization_id = ?", [organization.pgValue]).compactMap { row -> TokenPolicy? in
            let c = PGColumns(row, table: "organization_policy")
            guard let kind = PolicyKind(rawValue: try c.text("kind")) else { return nil }
            return TokenPolicy(kind: kind, isEnabled: try c.bool("is_enabled"), maximumLifespanDays: try c.integer("maximum_lifespan_days"),
                               packagingOnly: try c.bool("packaging_only"), exemptions: exemptions[kind] ?? [])
        }
        let version = try one("SELECT policies_version FROM organization WHERE id = ?", [organization.pgValue])
            .flatMap { $0.text("policies_version") }.flatMap { Int($0) } ?? 1
        return OrganizationPolicies(organizationID: organization, policies: policies, version: version)
    }

    func save(_ policies: OrganizationPolicies) throws -> OrganizationPolicies {
        let organization = policies.organizationID.pgValue
        try versionedUpdate("UPDATE organization SET policies_version = policies_version + 1 WHERE id = ? AND policies_version = ?",
                            [organization, policies.version.pgValue], kind: .policy, name: "organization policies")
        try execute("DELETE FROM organization_policy WHERE organization_id = ?", [organization])
        try execute("DELETE FROM policy_exemption WHERE organization_id = ?", [organization])
        for policy in policies.policies {
            try execute("""
                INSERT INTO organization_policy (organization_id, kind, is_enabled, maximum_lifespan_days, packaging_only)
                VALUES (?, ?, ?, ?, ?)
                """, [organization, .text(policy.kind.rawValue), .bool(policy.isEnabled), policy.maximumLifespanDays.pgValue, .bool(policy.packagingOnly)])
            for exemption in policy.exemptions {
                switch exemption {
                case let .user(id):
                    try execute("INSERT INTO policy_exemption (organization_id, kind, user_id) VALUES (?, ?, ?)", [organization, .text(policy.kind.rawValue), id.pgValue])
                case let .group(id):
                    try execute("INSERT INTO policy_exemption (organization_id, kind, group_id) VALUES (?, ?, ?)", [organization, .text(policy.kind.rawValue), id.pgValue])
                }
            }
        }
        var stored = policies
        stored.version += 1
        return stored
    }
}

// MARK: Audit

extension PostgresTransaction {
    private func auditList(_ query: AuditQuery) -> PGKeysetQuery {
        var list = PGKeysetQuery(from: "audit_event", sortExpression: "id", idColumn: "id", descending: true)
        if let login = query.actorLogin, !login.isEmpty {
            list.filter("gatehouse_fold(actor_login) = gatehouse_fold(?) OR gatehouse_fold(impersonator_login) = gatehouse_fold(?)", .text(login), .text(login))
        }
        if !query.actions.isEmpty {
            list.filter("action IN (\(Self.placeholders(query.actions.count)))")
            list.arguments += query.actions.map(\.rawValue).sorted().map(PGValue.text)
        }
        if let target = query.target, !target.isEmpty {
            list.filter(Self.matches("target_name"), Self.likePattern(target.text, mode: target.effectiveMode))
            if target.effectiveMode == .substring { list.isCostlyToCount = true }
        }
        if let since = query.since { list.filter("occurred_at >= ?", since.pgValue) }
        if let until = query.until { list.filter("occurred_at < ?", until.pgValue) }
        if let organization = query.organizationID {
            list.filter("EXISTS (SELECT 1 FROM audit_event_organization WHERE event_id = audit_event.id AND organization_id = ?)", organization.pgValue)
        }
        if let visible = query.visibleOrganizations {
            list.filter("EXISTS (SELECT 1 FROM audit_event_organization WHERE event_id = audit_event.id AND organization_id IN (\(Self.placeholders(visible.count))))")
            list.arguments += Self.sorted(visible)
            list.isCostlyToCount = true
        }
        return list
    }

    func auditEvents(_ query: AuditQuery, page: PageRequest) throws -> Page<AuditEvent> {
        try auditList(query).page(connection, select: "audit_event.*", request: page, decode: PGDecode.auditEvent)
    }

    func count(_ query: AuditQuery) throws -> Int { try auditList(query).count(connection) }
    func count(_ query: AuditQuery, cap: Int) throws -> ListCount { try auditList(query).count(connection, cap: cap) }

    func append(_ event: AuditEvent) throws -> Int64 {
        let details = String(decoding: try JSONEncoder().encode(event.details), as: UTF8.self)
        let row = try one("""
            INSERT INTO audit_event (occurred_at, actor_id, actor_login, impersonator_id, impersonator_login, on_behalf_of_id,
                on_behalf_of_login, action, target_kind, target_id, target_name, organization_id, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """, [
                event.occurredAt.pgValue, event.actor.id.pgValue, .text(event.actor.login),
                event.impersonator.map { PGValue.uuid($0.id.uuid) } ?? .uuidNull, event.impersonator.map { PGValue.text($0.login) } ?? .null,
                event.onBehalfOf.map { PGValue.uuid($0.id.uuid) } ?? .uuidNull, event.onBehalfOf.map { PGValue.text($0.login) } ?? .null,
                .text(event.action.rawValue), .text(event.target.kind.rawValue), .text(event.target.id), .text(event.target.name),
                event.organizationID.map { PGValue.uuid($0.uuid) } ?? .uuidNull, .text(details),
            ])
        guard let id = row?.text("id").flatMap({ Int64($0) }) else { throw GatehouseError.storage("PostgreSQL returned no id for the audit event") }
        for organization in event.affectedOrganizationIDs {
            try execute("INSERT INTO audit_event_organization (event_id, organization_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        [.integer(id), organization.pgValue])
        }
        return id
    }
}
