import Foundation
import GRDB
import GatehouseDomain

extension SQLiteTransaction {
    func token(_ id: TokenID) throws -> PersonalAccessToken? {
        try Row.fetchOne(db, sql: "SELECT * FROM token WHERE id = ?", arguments: [id.uuid]).map(RowDecoding.token)
    }

    /// The verification lookup: one probe of the unique digest index.
    func token(digest: TokenDigest) throws -> PersonalAccessToken? {
        // Cached statement: verification is the hot path; parsing the SQL each time cost more than the lookup.
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM token WHERE digest = ?"), arguments: [Data(digest.bytes)]).map(RowDecoding.token)
    }

    func retiredSecret(digest: TokenDigest) throws -> RetiredSecret? {
        try Row.fetchOne(db, sql: "SELECT * FROM retired_secret WHERE digest = ?", arguments: [Data(digest.bytes)]).map { row in
            let c = RowDecoding.Columns(row, table: "retired_secret")
            return RetiredSecret(digest: digest, tokenID: try c.id("token_id"), generation: try c.value("generation"), retiredAt: try c.date("retired_at"))
        }
    }

    func tokens(_ query: TokenQuery, now: Date, page: PageRequest) throws -> Page<PersonalAccessToken> {
        let plan = try query.search.map { try tokenSearchPlan($0, sort: query.sort) } ?? .gather
        return try tokenList(query, now: now, searchPlan: plan, paging: true)
            .page(db, select: "*", request: page, cursorKey: Self.sortKey, decode: RowDecoding.token)
    }

    /// Whether at least 1 account in 50 is disabled: two index probes (the disabled accounts' own
    /// index, the newest rowid), cheap enough for every page.
    func disabledAccountsAreCommon() throws -> Bool {
        let disabled = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM user INDEXED BY user_disabled WHERE status = 'disabled'")) ?? 0
        let accounts = try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(rowid) FROM user")) ?? 0
        return disabled > 0 && disabled * 50 >= accounts
    }

    func count(_ query: TokenQuery, now: Date) throws -> Int {
        if let active = try keptActiveTokenCount(query, now: now) { return active }
        return try tokenList(query, now: now, searchPlan: .gather).count(db)
    }

    func count(_ query: TokenQuery, now: Date, cap: Int) throws -> ListCount {
        if let active = try keptActiveTokenCount(query, now: now) { return .exact(active) }
        return try tokenList(query, now: now, searchPlan: .gather).count(db, cap: cap)
    }

    /// Every active token, nothing else filtered (the Tokens list as it opens for an administrator
    /// of every organization): v12's unrevoked tokens of the days after today (UTC), plus today's
    /// still valid, read in the index. "Today's" uses the triggers' own day expression, so a token
    /// expiring a hair before midnight is counted once. nil for any other query.
    private func keptActiveTokenCount(_ query: TokenQuery, now: Date) throws -> Int? {
        guard query == TokenQuery(statuses: [.active], sort: query.sort, descending: query.descending) else { return nil }
        let moment = now.timeIntervalSince1970
        guard moment.isFinite, moment > 0, moment < 1e15 else { return nil }
        let today = Int64(moment / 86_400)
        let later = try Int.fetchOne(db, sql: "SELECT IFNULL(SUM(tokens), 0) FROM unrevoked_tokens_by_expiry_day WHERE day > ?",
                                     arguments: [today]) ?? 0
        let rest = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM token INDEXED BY token_active_by_valid_to
            WHERE revoked_at IS NULL AND valid_to > ? AND valid_to < ? AND CAST(valid_to / 86400 AS INTEGER) <= ?
            """, arguments: [moment, Double(today + 1) * 86_400 + 1, today]) ?? 0
        return later + rest
    }

    /// How a page of a text-filtered token list finds its rows (a count always gathers).
    enum SearchPlan: Equatable {
        /// Every match, by the trigram or name index (and the owners' tokens), then sorted: cheap
        /// when there are few matches; ~70-100 ms at 1M tokens for "dep" (100,000 matches, 38 shown).
        case gather
        /// The list's own sort index, in order, each row tested against the filter: reads about
        /// 38 × (rows / matches) rows, so cheap when the match is broad, in a sort that does not
        /// follow the name (where matches are spread evenly along the walk).
        case walk
        /// Sorted by name with a name prefix: the prefix's range of the name index is already in
        /// order; merged with the owners' tokens, walked (many) or gathered (few).
        case nameRange(ownerWalks: Bool)
    }

    /// Decides by how broad the match is, counting matches only up to `searchWalkThreshold`
    /// inside the trigram, name and owner indexes (no token row is read): under a millisecond.
    func tokenSearchPlan(_ search: TextSearch, sort: TokenQuery.Sort = .validTo) throws -> SearchPlan {
        guard !search.isEmpty else { return .gather }
        let limit = searchWalkThreshold
        let prefix = Self.likePattern(TextSearch(search.text, mode: .prefix))
        func ownerTokens() throws -> Int {
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM (SELECT 1 FROM token WHERE owner_id IN (SELECT id FROM user WHERE login_name LIKE ? ESCAPE '\\') LIMIT \(limit))
                """, arguments: [prefix]) ?? 0
        }
        if sort == .displayName {
            // Matches of a substring gather in one stretch of the name order ("dep…"): a walk from
            // the start would read every name before them (1 s at 1M tokens). So they are gathered.
            if Self.usesTrigramIndex(search) { return .gather }
            return .nameRange(ownerWalks: try ownerTokens() >= limit)
        }
        var matches: Int
        if Self.usesTrigramIndex(search) {
            // The walk tests names with LIKE, which equals the trigram match for ASCII text only.
            guard search.text.allSatisfy(\.isASCII) else { return .gather }
            matches = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT rowid FROM token_search WHERE token_search MATCH ? LIMIT \(limit))",
                                       arguments: [Self.phrase(search.text)]) ?? 0
        } else {
            matches = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM token WHERE display_name LIKE ? ESCAPE '\\' LIMIT \(limit))",
                                       arguments: [prefix]) ?? 0
        }
        if matches < limit { matches += try ownerTokens() }
        return matches >= limit ? .walk : .gather
    }

    /// 3+ characters in substring mode use the trigram index; else a prefix of the name.
    static func usesTrigramIndex(_ search: TextSearch) -> Bool {
        search.mode == .substring && search.text.count >= 3
    }

    /// The only characters the trigram index folds to ASCII ones while LIKE does not (the Kelvin
    /// sign to "k", the long s to "s"; every code point was checked against SQLite 3.40's trigram
    /// tokenizer). A row holding one is tested by the trigram index itself.
    static let foldedToASCII = "\u{212A}\u{017F}"

    func activeTokenExists(owner: UserID, named name: String, now: Date, excluding: TokenID?) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM token WHERE owner_id = ? AND display_name = ? AND revoked_at IS NULL AND valid_to > ? AND id IS NOT ?)
            """, arguments: [owner.uuid, name, now.timeIntervalSince1970, excluding?.uuid]) ?? false
    }

    private func tokenList(_ query: TokenQuery, now: Date, searchPlan: SearchPlan, paging: Bool = false) throws -> KeysetQuery {
        let sort: String = switch query.sort {
        case .validTo: "valid_to"
        case .displayName: "display_name"
        case .createdAt: "created_at"
        case .lastUsedAt: "IFNULL(last_used_at, 0)"
        }
        var list = KeysetQuery(from: "token", sortExpression: sort, idColumn: "id", descending: query.descending)
        let nowValue = now.timeIntervalSince1970
        if let search = query.search, !search.isEmpty {
            // Name or handle by the trigram index (3+ characters) or an indexed prefix; or the
            // owner's login by prefix. Nothing here scans the token table.
            let ownerPrefix = Self.likePattern(TextSearch(search.text, mode: .prefix))
            // Counting a broad match ("d": 100,000s of tokens) reads every match: capped.
            list.isCostlyToCount = true
            // The owner's login, tested row by row (for a walk) or as the set of owners (gathered).
            // Tested inside `user_login_by_id` (id, login): the account row is not read; SQLite would
            // pick the id's own unique index, which holds no login.
            let ownerTested = "EXISTS (SELECT 1 FROM user INDEXED BY user_login_by_id WHERE user.id = token.owner_id AND login_name LIKE ? ESCAPE '\\')"
            let ownerGathered = "owner_id IN (SELECT id FROM user WHERE login_name LIKE ? ESCAPE '\\')"
            if case let .nameRange(ownerWalks) = searchPlan {
                list.filterAny([("display_name LIKE ? ESCAPE '\\'", [ownerPrefix]), (ownerWalks ? ownerTested : ownerGathered, [ownerPrefix])])
            } else if searchPlan == .walk {
                // The same filter, tested row by row (`+` and EXISTS keep SQLite from driving the
                // walk by it): the planner then walks the sort index as it does with no filter.
                if query.sort == .validTo, query.statuses == [.active] {
                    // The Tokens pane's default and the bulk-revoke dry run: the walk reads the
                    // index that holds name, handle and owner, so a row passed over costs an index
                    // entry, not a token row (SQLite would pick the narrower token_active_by_valid_to).
                    // The status filter below says `revoked_at IS NULL`, which the partial index needs.
                    list.from = "token INDEXED BY token_active_search_walk"
                }
                let owner = ownerTested
                if Self.usesTrigramIndex(search) {
                    // ASCII text (`tokenSearchPlan`): a trigram match is a case-insensitive
                    // substring of the name or the handle, which LIKE finds, except in a row
                    // holding a character the index folds to ASCII: such a row asks the index.
                    let pattern = Self.likePattern(search)
                    let folded = "*[\(Self.foldedToASCII)]*"
                    list.filter("""
                        +display_name LIKE ? ESCAPE '\\' OR +handle LIKE ? ESCAPE '\\'
                        OR ((+display_name GLOB ? OR +handle GLOB ?)
                            AND EXISTS (SELECT 1 FROM token_search WHERE token_search MATCH ? AND token_search.rowid = token.rowid))
                        OR \(owner)
                        """, pattern, pattern, folded, folded, Self.phrase(search.text), ownerPrefix)
                } else {
                    list.filter("+display_name LIKE ? ESCAPE '\\' OR \(owner)", ownerPrefix, ownerPrefix)
                }
            } else if Self.usesTrigramIndex(search) {
                list.filter("""
                    rowid IN (SELECT rowid FROM token_search WHERE token_search MATCH ?)
                    OR owner_id IN (SELECT id FROM user WHERE login_name LIKE ? ESCAPE '\\')
                    """, Self.phrase(search.text), ownerPrefix)
            } else {
                // Handles all start with gpat_, so a short prefix is matched on names only: both
                // terms are then indexed and SQLite unions them instead of scanning.
                list.filter("""
                    display_name LIKE ? ESCAPE '\\'
                    OR owner_id IN (SELECT id FROM user WHERE login_name LIKE ? ESCAPE '\\')
                    """, ownerPrefix, ownerPrefix)
            }
        }
        if let owner = query.ownerID {
            list.filter("owner_id = ?", owner.uuid)
        }
        if let visibility = query.visibility {
            let (clause, arguments) = Self.tokenVisibilityClause(visibility)
            list.filter(clause)
            list.arguments += arguments
            list.isCostlyToCount = true
        }
        if let organization = query.organizationID {
            list.filter(Self.inOrganization, countingAs: Self.inOrganizationAsSet, organization.uuid, organization.uuid)
            list.isCostlyToCount = true
        }
        if !query.statuses.isEmpty {
            let clauses = query.statuses.sorted { $0.rawValue < $1.rawValue }.map { status in
                switch status {
                case .active: "(revoked_at IS NULL AND valid_to > ?)"
                case .expired: "(revoked_at IS NULL AND valid_to <= ?)"
                case .revoked: "(revoked_at IS NOT NULL AND ? IS NOT NULL)"
                }
            }
            list.filter(clauses.joined(separator: " OR "))
            list.arguments += Array(repeating: nowValue, count: clauses.count)
            if query.statuses == [.active], query.sort == .createdAt {
                // Oldest active first would otherwise skip the ~700,000 expired tokens created
                // before them. A token created before `now - L`, where L is the longest lifespan
                // of an active token (one probe of `token_active_lifespan`), cannot be active: a
                // redundant bound (one second of slack for rounding) that starts the walk there.
                list.bound("""
                    created_at >= ? - 1 - IFNULL((SELECT valid_to - created_at FROM token WHERE revoked_at IS NULL AND valid_to > ?
                        ORDER BY valid_to - created_at DESC LIMIT 1), 0)
                    """, nowValue, nowValue)
            }
        }
        if let within = query.expiringWithin {
            list.filter("revoked_at IS NULL AND valid_to > ? AND valid_to <= ?", nowValue, nowValue + within)
        }
        if query.fullAccessOnly { list.filter("is_full_access = 1") }
        if query.highPrivilegeOnly { list.filter("is_high_privilege = 1") }
        if query.globalOnly { list.filter("target_organization_id IS NULL") }
        if query.neverUsedOnly { list.filter("last_used_at IS NULL") }
        if let unused = query.unusedFor {
            list.filter("IFNULL(last_used_at, created_at) <= ?", nowValue - unused)
            list.isCostlyToCount = true
        }
        if let prefix = query.idPrefix {
            // Text that cannot start an id matches nothing (never everything).
            if let (low, high) = Self.idRange(prefix: prefix) {
                list.filter("id BETWEEN ? AND ?", low, high)
            } else {
                list.filter("0")
            }
        }
        if query.secretNeverAcknowledgedOnly {
            // The audit log says so (`AccessService.recordSecretNotAcknowledged`), for the current
            // secret: recorded after it was issued (a regeneration sets valid_from). One probe of
            // audit_by_target per token, by the id as the log writes it.
            list.filter("revoked_at IS NULL AND valid_to > ?", nowValue)
            list.filter("""
                EXISTS (SELECT 1 FROM audit_event WHERE audit_event.target_id = \(Self.idText("token.id"))
                    AND audit_event.action = ? AND audit_event.occurred_at >= token.valid_from)
                """, AuditAction.tokenSecretNotAcknowledged.rawValue)
            list.isCostlyToCount = true
        }
        if query.disabledOwnerOnly {
            if paging, try disabledAccountsAreCommon() {
                // A page walks the sort's order, probing each owner in v11's index of disabled
                // accounts: with 1 in 50 accounts disabled, it passes a few thousand tokens at most.
                // (A count reads the disabled owners' tokens, below: it needs them all anyway.)
                list.filter("EXISTS (SELECT 1 FROM user INDEXED BY user_disabled WHERE user.id = token.owner_id AND status = 'disabled')")
            } else {
                // Few disabled: their tokens are few; read them and sort (a walk could pass them all).
                list.filter("owner_id IN (SELECT id FROM user WHERE status = 'disabled')")
            }
        }
        if let rules = query.nonCompliantWith {
            list.filter("revoked_at IS NULL AND valid_to > ?", nowValue)
            let violations = rules.compactMap(Self.violation(of:))
            if violations.isEmpty {
                list.filter("0")
            } else {
                // What every broken rule asks of the token itself (e.g. all are "no global
                // tokens"), stated once more outside the OR, where an index can answer it.
                let shared = violations[0].kind
                if let shared, violations.allSatisfy({ $0.kind == shared }) { list.filter(shared) }
                list.conditions.append(violations.map(\.clause).joined(separator: " OR "))
                list.arguments += violations.flatMap(\.arguments)
            }
            list.isCostlyToCount = true
        }
        return list
    }

    /// The smallest and largest 16-byte ids that start with these hex digits (dashes ignored);
    /// nil when the text is not hex or longer than an id.
    static func idRange(prefix: String) -> (Data, Data)? {
        let digits = prefix.lowercased().filter { $0 != "-" }
        guard !digits.isEmpty, digits.count <= 32, digits.allSatisfy(\.isHexDigit) else { return nil }
        func bytes(_ hex: String) -> Data {
            var data = Data(capacity: 16)
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                data.append(UInt8(hex[index..<next], radix: 16) ?? 0)
                index = next
            }
            return data
        }
        let padding = 32 - digits.count
        return (bytes(digits + String(repeating: "0", count: padding)), bytes(digits + String(repeating: "f", count: padding)))
    }

    /// A token works in an organization when it targets it, or is global and its owner is a member.
    /// The membership is probed per row (a page reads a few dozen), not built as a set of 45,000.
    static let inOrganization = """
        target_organization_id = ? OR (target_organization_id IS NULL
            AND EXISTS (SELECT 1 FROM organization_member WHERE organization_id = ? AND user_id = token.owner_id))
        """

    /// The same, for counting every token of an organization: the members as a set, built once.
    static let inOrganizationAsSet = """
        target_organization_id = ? OR (target_organization_id IS NULL
            AND owner_id IN (SELECT user_id FROM organization_member WHERE organization_id = ?))
        """

    /// A 16-byte id column as the text `Identifier.description` gives (lowercase, dashed).
    static func idText(_ column: String) -> String {
        "lower(substr(hex(\(column)), 1, 8) || '-' || substr(hex(\(column)), 9, 4) || '-' || substr(hex(\(column)), 13, 4) || '-' || substr(hex(\(column)), 17, 4) || '-' || substr(hex(\(column)), 21))"
    }

    /// The wall for tokens: the reader's own, and those that work in the reader's organizations.
    static func tokenVisibilityClause(_ visibility: TokenVisibility) -> (String, [(any DatabaseValueConvertible)?]) {
        var alternatives: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let owner = visibility.ownerID {
            alternatives.append("owner_id = ?")
            arguments.append(owner.uuid)
        }
        if !visibility.organizations.isEmpty {
            let marks = placeholders(visibility.organizations.count)
            alternatives.append("""
                target_organization_id IN (\(marks)) OR (target_organization_id IS NULL
                    AND EXISTS (SELECT 1 FROM organization_member WHERE organization_id IN (\(marks)) AND user_id = token.owner_id))
                """)
            arguments += sorted(visibility.organizations) + sorted(visibility.organizations)
        }
        return (alternatives.isEmpty ? "0" : alternatives.joined(separator: " OR "), arguments)
    }

    static let ownerIsMember = "EXISTS (SELECT 1 FROM organization_member WHERE organization_id = ? AND user_id = token.owner_id)"

    /// SQL for "breaks this rule": in the rule's organization, owner not exempt, settings in violation;
    /// nil when nothing can break it. `kind` is the part about the token alone, without arguments.
    static func violation(of rule: NonComplianceRule) -> (clause: String, arguments: [(any DatabaseValueConvertible)?], kind: String?)? {
        var arguments: [(any DatabaseValueConvertible)?] = [rule.organizationID.uuid, rule.organizationID.uuid]
        var parts = ["(\(inOrganization))"]
        var kind: String?
        switch rule.kind {
        case .restrictGlobalTokens:
            // A global token is in the organization exactly when its owner is a member.
            kind = "target_organization_id IS NULL"
            parts = [kind!, ownerIsMember]
            arguments = [rule.organizationID.uuid]
        case .restrictFullScopedTokens:
            kind = "is_full_access = 1"
            parts.append(kind!)
        case .maximumLifespan:
            parts.append("valid_to - valid_from > ?")
            arguments.append(Double(rule.maximumLifespanDays) * 86_400)
        case .restrictCreation:
            if rule.packagingOnly {
                kind = "is_packaging_only = 0"
                parts.append(kind!)
            }
        case .autoRevokeLeakedTokens: return nil
        }
        if !rule.exemptUserIDs.isEmpty {
            parts.append("owner_id NOT IN (\(placeholders(rule.exemptUserIDs.count)))")
            arguments += rule.exemptUserIDs.map { $0.uuid as (any DatabaseValueConvertible)? }
        }
        if !rule.exemptGroupIDs.isEmpty {
            // Members of the exempt groups, through any depth of nesting.
            parts.append("""
                owner_id NOT IN (
                    WITH RECURSIVE \(nestingEdges),
                    exempt(id) AS (
                        VALUES \(Array(repeating: "(?)", count: rule.exemptGroupIDs.count).joined(separator: ", "))
                        UNION SELECT nesting.child FROM nesting JOIN exempt ON nesting.parent = exempt.id
                    )
                    SELECT member_user_id FROM group_member WHERE group_id IN exempt AND member_user_id IS NOT NULL)
                """)
            arguments += rule.exemptGroupIDs.map { $0.uuid as (any DatabaseValueConvertible)? }
        }
        return ("(" + parts.joined(separator: " AND ") + ")", arguments, kind)
    }

    func insert(_ token: PersonalAccessToken) throws {
        try db.execute(sql: """
            INSERT INTO token (id, display_name, owner_id, created_by_id, target_organization_id, scopes, is_full_access,
                is_high_privilege, is_packaging_only, valid_from, valid_to, created_at, last_used_at, revoked_at, revoked_reason,
                revoked_by_id, handle, digest, generation, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: StatementArguments(tokenColumns(token) + [token.version]))
    }

    func update(_ token: PersonalAccessToken) throws -> PersonalAccessToken {
        let columns = tokenColumns(token)
        try versionedUpdate("""
            UPDATE token SET display_name = ?, owner_id = ?, created_by_id = ?, target_organization_id = ?, scopes = ?,
                is_full_access = ?, is_high_privilege = ?, is_packaging_only = ?, valid_from = ?, valid_to = ?, created_at = ?,
                last_used_at = ?, revoked_at = ?, revoked_reason = ?, revoked_by_id = ?, handle = ?, digest = ?, generation = ?,
                version = version + 1
            WHERE id = ? AND version = ?
            """, StatementArguments(Array(columns.dropFirst()) + [token.id.uuid, token.version]), kind: .token, name: token.displayName)
        var stored = token
        stored.version += 1
        return stored
    }

    private func tokenColumns(_ token: PersonalAccessToken) -> [(any DatabaseValueConvertible)?] {
        [
            token.id.uuid, token.displayName, token.ownerID.uuid, token.createdByID.uuid, token.target.organizationID?.uuid,
            token.scopes.storageText, token.scopes.isFullAccess, token.isHighPrivilege, token.scopes.isPackagingOnly,
            token.validFrom.timeIntervalSince1970, token.validTo.timeIntervalSince1970, token.createdAt.timeIntervalSince1970,
            token.lastUsedAt?.timeIntervalSince1970, token.revocation?.at.timeIntervalSince1970, token.revocation?.reason,
            token.revocation?.byUserID.uuid, token.handle, Data(token.digest.bytes), token.generation,
        ]
    }

    func recordUse(of token: TokenID, at date: Date) throws {
        let digest = try Data.fetchOne(db, sql: "UPDATE token SET last_used_at = ? WHERE id = ? RETURNING digest",
                                       arguments: [date.timeIntervalSince1970, token.uuid])
        if let digest { recordedUses?.append(TokenDigest(bytes: [UInt8](digest)), at: date) }
    }

    func insert(_ retired: RetiredSecret) throws {
        try db.execute(sql: "INSERT INTO retired_secret (digest, token_id, generation, retired_at) VALUES (?, ?, ?, ?)",
                       arguments: [Data(retired.digest.bytes), retired.tokenID.uuid, retired.generation, retired.retiredAt.timeIntervalSince1970])
    }
}
