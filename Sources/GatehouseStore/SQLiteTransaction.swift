import Foundation
import GRDB
import GatehouseDomain

/// The reader and writer of one SQLite transaction. Lives only inside `pool.read`/`pool.write`.
struct SQLiteTransaction: DirectoryWriter {
    let db: Database
    /// Where "last used" updates are noted for the verification cache, once committed.
    let recordedUses: RecordedUses?
    /// See `SQLiteDirectoryStore.searchWalkThreshold`.
    let searchWalkThreshold: Int

    init(_ db: Database, recordingUsesIn recordedUses: RecordedUses? = nil,
         searchWalkThreshold: Int = SQLiteDirectoryStore.defaultSearchWalkThreshold) {
        self.db = db
        self.recordedUses = recordedUses
        self.searchWalkThreshold = searchWalkThreshold
    }

    func isEmpty() throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organization") == 0
    }

    func setting(_ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM directory_setting WHERE key = ?", arguments: [key])
    }

    func setSetting(_ key: String, to value: String) throws {
        try db.execute(sql: "INSERT INTO directory_setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       arguments: [key, value])
    }

    /// Updates guarded by version: zero rows changed means someone else changed it first.
    func versionedUpdate(_ sql: String, _ arguments: StatementArguments, kind: ObjectKind, name: String) throws {
        try db.execute(sql: sql, arguments: arguments)
        guard db.changesCount == 1 else { throw GatehouseError.staleVersion(kind: kind, name: name) }
    }

    /// `%` and `_` typed by a user are literal characters, not wildcards.
    static func likePattern(_ search: TextSearch) -> String {
        let escaped = search.text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return search.mode == .prefix ? escaped + "%" : "%" + escaped + "%"
    }

    /// Typed text as one FTS5 phrase: quotes doubled, so nothing typed is FTS syntax.
    static func phrase(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

// MARK: Organizations

extension SQLiteTransaction {
    func organizations() throws -> [Organization] {
        try Row.fetchAll(db, sql: "SELECT * FROM organization ORDER BY name").map(RowDecoding.organization)
    }

    func organization(_ id: OrganizationID) throws -> Organization? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM organization WHERE id = ?"), arguments: [id.uuid]).map(RowDecoding.organization)
    }

    func organization(named name: String) throws -> Organization? {
        try Row.fetchOne(db, sql: "SELECT * FROM organization WHERE name = ?", arguments: [name]).map(RowDecoding.organization)
    }

    func organizationIDs(ofUser id: UserID) throws -> [OrganizationID] {
        try UUID.fetchAll(db.cachedStatement(sql: "SELECT organization_id FROM organization_member WHERE user_id = ?"), arguments: [id.uuid]).map { OrganizationID($0) }
    }

    func activeMemberIDs(of organization: OrganizationID) throws -> Set<UserID> {
        let sql = "SELECT m.user_id FROM organization_member m JOIN user u ON u.id = m.user_id WHERE m.organization_id = ? AND u.status = 'active'"
        return Set(try UUID.fetchAll(db.cachedStatement(sql: sql), arguments: [organization.uuid]).map { UserID($0) })
    }

    func insert(_ organization: Organization) throws {
        try db.execute(sql: "INSERT INTO organization (id, name, created_at) VALUES (?, ?, ?)",
                       arguments: [organization.id.uuid, organization.name, organization.createdAt.timeIntervalSince1970])
    }

    func addMember(_ user: UserID, toOrganization organization: OrganizationID) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO organization_member (organization_id, user_id) VALUES (?, ?)",
                       arguments: [organization.uuid, user.uuid])
    }
}

// MARK: Users

extension SQLiteTransaction {
    func user(_ id: UserID) throws -> User? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE id = ?"), arguments: [id.uuid]).map(RowDecoding.user)
    }

    func user(login: String) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM user WHERE login_name = ?", arguments: [login]).map(RowDecoding.user)
    }

    func user(loginSkeleton: String) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM user WHERE login_skeleton = ? LIMIT 1", arguments: [loginSkeleton]).map(RowDecoding.user)
    }

    private func userList(_ query: UserQuery) -> KeysetQuery {
        let sort: String = switch query.sort {
        case .displayName: "display_name"
        case .loginName: "login_name"
        case .createdAt: "created_at"
        }
        var list = KeysetQuery(from: "user", sortExpression: sort, idColumn: "id", descending: query.descending)
        if let search = query.search, !search.isEmpty {
            if search.mode == .substring, search.text.count >= 3 {
                // By the trigram index: no scan, whatever the size of the directory.
                list.filter("rowid IN (SELECT rowid FROM user_search WHERE user_search MATCH ?)", Self.phrase(search.text))
            } else {
                // One or two characters: a prefix, which the NOCASE indexes answer.
                let pattern = Self.likePattern(TextSearch(search.text, mode: .prefix))
                list.filter("display_name LIKE ? ESCAPE '\\' OR login_name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\'", pattern, pattern, pattern)
            }
        }
        if !query.kinds.isEmpty {
            list.filter("kind IN (\(Self.placeholders(query.kinds.count)))")
            list.arguments += query.kinds.map(\.rawValue).sorted()
        }
        if !query.statuses.isEmpty {
            list.filter("status IN (\(Self.placeholders(query.statuses.count)))")
            list.arguments += query.statuses.map(\.rawValue).sorted()
        }
        if !query.identitySources.isEmpty {
            list.filter("identity_source IN (\(Self.placeholders(query.identitySources.count)))")
            list.arguments += query.identitySources.map(\.rawValue).sorted()
        }
        if let organization = query.organizationID {
            // A page walks the sort index and probes each row's membership (a few dozen probes);
            // the count takes the members as a set (45,000 of them), and stops at a list's cap.
            list.filter("EXISTS (SELECT 1 FROM organization_member WHERE organization_id = ? AND user_id = user.id)",
                        countingAs: "id IN (SELECT user_id FROM organization_member WHERE organization_id = ?)", organization.uuid)
            list.isCostlyToCount = true
        }
        if let visible = query.visibleOrganizations {
            // The wall: members of the reader's organizations only, probed per row like the filter above.
            let marks = Self.placeholders(visible.count)
            list.filter("EXISTS (SELECT 1 FROM organization_member WHERE organization_id IN (\(marks)) AND user_id = user.id)")
            list.arguments += Self.sorted(visible)
            list.isCostlyToCount = true
        }
        return list
    }

    func users(_ query: UserQuery, page: PageRequest) throws -> Page<User> {
        try userList(query).page(db, select: "*", request: page, cursorKey: Self.sortKey, decode: RowDecoding.user)
    }

    func count(_ query: UserQuery) throws -> Int {
        if let matches = try trigramMatchCount(query) { return matches }
        if let accounts = try keptAccountCount(query) { return accounts }
        return try userList(query).count(db)
    }

    func count(_ query: UserQuery, cap: Int) throws -> ListCount {
        if let matches = try trigramMatchCount(query) { return .exact(matches) }
        if let accounts = try keptAccountCount(query) { return .exact(accounts) }
        return try userList(query).count(db, cap: cap)
    }

    /// Every account, unfiltered and unwalled: the count v12's triggers keep (one row read, where
    /// counting read the whole of the smallest index). nil when any filter applies.
    private func keptAccountCount(_ query: UserQuery) throws -> Int? {
        guard query == UserQuery(sort: query.sort, descending: query.descending) else { return nil }
        return try Int.fetchOne(db, sql: "SELECT value FROM list_counter WHERE name = 'accounts'")
    }

    /// A filter of 3+ characters and nothing else (the Users `/` filter as typed): the accounts
    /// it matches are the trigram index's matches, one per account (the index mirrors `user` by
    /// rowid), so they are counted inside the index: 0.14 ms for "mar" (5,874 matches) at 100k
    /// accounts, where probing each account row took 4.9 ms. nil when another filter applies.
    private func trigramMatchCount(_ query: UserQuery) throws -> Int? {
        guard let search = query.search, search.effectiveMode == .substring, query.kinds.isEmpty, query.statuses.isEmpty,
              query.identitySources.isEmpty, query.organizationID == nil, query.visibleOrganizations == nil else { return nil }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user_search WHERE user_search MATCH ?", arguments: [Self.phrase(search.text)]) ?? 0
    }

    static func sortKey(_ row: Row) -> PageCursor.Key {
        switch row["sort_key"] as DatabaseValue {
        case let value where value.storage.isText: .text(String.fromDatabaseValue(value) ?? "")
        case let value:
            if case let .int64(number) = value.storage { .integer(number) } else { .number(Double.fromDatabaseValue(value) ?? 0) }
        }
    }

    func insert(_ user: User) throws {
        try db.execute(sql: """
            INSERT INTO user (id, display_name, login_name, email, kind, identity_source, access_level, status, created_at, version, login_skeleton)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [user.id.uuid, user.displayName, user.loginName, user.email, user.kind.rawValue, user.identitySource.rawValue,
                             user.accessLevel.rawValue, user.status.rawValue, user.createdAt.timeIntervalSince1970, user.version,
                             ConfusableText.skeleton(user.loginName)])
    }

    func update(_ user: User) throws -> User {
        try versionedUpdate("""
            UPDATE user SET display_name = ?, login_name = ?, email = ?, kind = ?, identity_source = ?, access_level = ?,
                status = ?, login_skeleton = ?, version = version + 1
            WHERE id = ? AND version = ?
            """, [user.displayName, user.loginName, user.email, user.kind.rawValue, user.identitySource.rawValue,
                  user.accessLevel.rawValue, user.status.rawValue, ConfusableText.skeleton(user.loginName), user.id.uuid, user.version], kind: .user, name: user.loginName)
        var stored = user
        stored.version += 1
        return stored
    }

    func delete(user id: UserID) throws {
        try db.execute(sql: "DELETE FROM user WHERE id = ?", arguments: [id.uuid])
    }
}

extension DatabaseValue.Storage {
    var isText: Bool { if case .string = self { true } else { false } }
}

// MARK: Groups

extension SQLiteTransaction {
    func group(_ id: GroupID) throws -> SecurityGroup? {
        try Row.fetchOne(db, sql: "SELECT * FROM security_group WHERE id = ?", arguments: [id.uuid]).map(RowDecoding.group)
    }

    func group(named name: String, in organization: OrganizationID) throws -> SecurityGroup? {
        try Row.fetchOne(db, sql: "SELECT * FROM security_group WHERE organization_id = ? AND name = ?",
                         arguments: [organization.uuid, name]).map(RowDecoding.group)
    }

    private func groupList(_ query: GroupQuery) -> KeysetQuery {
        var list = KeysetQuery(from: "security_group", sortExpression: "name", idColumn: "id")
        if let search = query.search, !search.isEmpty {
            let pattern = Self.likePattern(search)
            list.filter("name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\'", pattern, pattern)
        }
        if let organization = query.organizationID {
            list.filter("organization_id = ?", organization.uuid)
        }
        if let visible = query.visibleOrganizations {
            list.filter("organization_id IN (\(Self.placeholders(visible.count)))")
            list.arguments += Self.sorted(visible)
        }
        return list
    }

    func groups(_ query: GroupQuery, page: PageRequest) throws -> Page<SecurityGroup> {
        try groupList(query).page(db, select: "*", request: page, cursorKey: Self.sortKey, decode: RowDecoding.group)
    }

    func count(_ query: GroupQuery) throws -> Int {
        try groupList(query).count(db)
    }

    func members(of group: GroupID) throws -> [GroupMember] {
        try Row.fetchAll(db, sql: "SELECT member_user_id, member_group_id FROM group_member WHERE group_id = ?", arguments: [group.uuid])
            .compactMap { row in
                let c = RowDecoding.Columns(row, table: "group_member")
                if let user: UserID = try c.optionalID("member_user_id") { return .user(user) }
                if let group: GroupID = try c.optionalID("member_group_id") { return .group(group) }
                return nil
            }
    }

    func listCounts(for users: [UserID], now: Date, groupOrganizations: Set<OrganizationID>?, tokens: TokenVisibility?) throws -> [UserID: (groups: Int, activeTokens: Int)] {
        guard !users.isEmpty else { return [:] }
        var result: [UserID: (groups: Int, activeTokens: Int)] = Dictionary(uniqueKeysWithValues: users.map { ($0, (0, 0)) })
        let ids = users.map { $0.uuid as (any DatabaseValueConvertible)? }
        let marks = Self.placeholders(users.count)
        var groupWall = ""
        var groupArguments = ids
        if let groupOrganizations {
            groupWall = " AND group_id IN (SELECT id FROM security_group WHERE organization_id IN (\(Self.placeholders(groupOrganizations.count))))"
            groupArguments += Self.sorted(groupOrganizations)
        }
        for row in try Row.fetchAll(db, sql: "SELECT member_user_id, COUNT(*) AS n FROM group_member WHERE member_user_id IN (\(marks))\(groupWall) GROUP BY member_user_id",
                                    arguments: StatementArguments(groupArguments)) {
            let c = RowDecoding.Columns(row, table: "group_member")
            if let id: UserID = try c.optionalID("member_user_id") { result[id, default: (0, 0)].groups = try c.value("n") }
        }
        var tokenWall = ""
        var tokenArguments = ids + [now.timeIntervalSince1970]
        if let tokens {
            let (clause, arguments) = Self.tokenVisibilityClause(tokens)
            tokenWall = " AND (\(clause))"
            tokenArguments += arguments
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT owner_id, COUNT(*) AS n FROM token WHERE owner_id IN (\(marks)) AND revoked_at IS NULL AND valid_to > ?\(tokenWall) GROUP BY owner_id
            """, arguments: StatementArguments(tokenArguments)) {
            let c = RowDecoding.Columns(row, table: "token")
            if let id: UserID = try c.optionalID("owner_id") { result[id, default: (0, 0)].activeTokens = try c.value("n") }
        }
        return result
    }

    /// The groups a user reaches, by one recursive query: each (group, member it contains) edge once
    /// per depth, bounded in depth so that even a cycle written behind the façade's back ends.
    func groupReach(of user: UserID) throws -> [GroupReachEdge] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            WITH RECURSIVE reach(group_id, reached_from, depth) AS (
                SELECT group_id, NULL, 1 FROM group_member WHERE member_user_id = ?
                UNION
                SELECT group_member.group_id, reach.group_id, reach.depth + 1
                FROM reach JOIN group_member ON group_member.member_group_id = reach.group_id
                WHERE reach.depth < \(Self.maximumNestingDepth)
            )
            SELECT DISTINCT reach.reached_from, security_group.*,
                (SELECT group_concat(permission || '=' || setting, ' ') FROM group_permission WHERE group_id = reach.group_id) AS settings
            FROM reach JOIN security_group ON security_group.id = reach.group_id
            """), arguments: [user.uuid])
        return try rows.map { row in
            let c = RowDecoding.Columns(row, table: "security_group")
            return GroupReachEdge(group: try RowDecoding.group(row), reachedFrom: try c.optionalID("reached_from"),
                                  settings: GroupReachEdge.settings(aggregated: try c.optional("settings")))
        }
    }

    /// Deeper than any directory nests groups; past it, reach stops (a cycle cannot be made through the façade).
    static let maximumNestingDepth = 64

    static func sorted(_ organizations: Set<OrganizationID>) -> [(any DatabaseValueConvertible)?] {
        organizations.map(\.uuid).sorted { $0.uuidString < $1.uuidString }
    }

    func memberCount(of group: GroupID) throws -> Int {
        // Two probes of the partial unique indexes (group_id, member_…), not a scan of the table.
        try Int.fetchOne(db, sql: """
            SELECT (SELECT COUNT(*) FROM group_member WHERE group_id = ? AND member_user_id IS NOT NULL)
                 + (SELECT COUNT(*) FROM group_member WHERE group_id = ? AND member_group_id IS NOT NULL)
            """, arguments: [group.uuid, group.uuid]) ?? 0
    }

    /// Two shapes, chosen by the group's size against the directory's: a group holding more than
    /// one account in 50 (Contributors, 13,500 of 100,000) walks the display-name index and probes
    /// each user's membership, so a page reads a few hundred index rows; a smaller one takes its
    /// members as a set and sorts them (a walk would read the whole index to find five).
    func memberUsers(of group: GroupID, page: PageRequest) throws -> Page<User> {
        let members = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM group_member WHERE group_id = ? AND member_user_id IS NOT NULL", arguments: [group.uuid]) ?? 0
        // The largest rowid stands in for the number of accounts: one probe, not a count.
        let accounts = try Int.fetchOne(db, sql: "SELECT MAX(rowid) FROM user") ?? 0
        var list = KeysetQuery(from: "user", sortExpression: "display_name", idColumn: "id")
        if members * 50 >= accounts {
            list.filter("EXISTS (SELECT 1 FROM group_member WHERE group_id = ? AND member_user_id = user.id)", group.uuid)
        } else {
            list.filter("id IN (SELECT member_user_id FROM group_member WHERE group_id = ? AND member_user_id IS NOT NULL)", group.uuid)
        }
        return try list.page(db, select: "*", request: page, cursorKey: Self.sortKey, decode: RowDecoding.user)
    }

    func memberGroups(of group: GroupID) throws -> [SecurityGroup] {
        try Row.fetchAll(db, sql: """
            SELECT security_group.* FROM group_member JOIN security_group ON security_group.id = group_member.member_group_id
            WHERE group_member.group_id = ? AND group_member.member_group_id IS NOT NULL ORDER BY security_group.name COLLATE NOCASE
            """, arguments: [group.uuid]).map(RowDecoding.group)
    }

    func groupsContaining(_ member: GroupMember) throws -> [SecurityGroup] {
        let (column, id) = Self.memberColumn(member)
        return try Row.fetchAll(db, sql: """
            SELECT security_group.* FROM group_member JOIN security_group ON security_group.id = group_member.group_id
            WHERE group_member.\(column) = ?
            """, arguments: [id]).map(RowDecoding.group)
    }

    static func memberColumn(_ member: GroupMember) -> (String, UUID) {
        switch member {
        case let .user(id): ("member_user_id", id.uuid)
        case let .group(id): ("member_group_id", id.uuid)
        }
    }

    func permissionSettings(of group: GroupID) throws -> [Permission: PermissionSetting] {
        var settings: [Permission: PermissionSetting] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT permission, setting FROM group_permission WHERE group_id = ?", arguments: [group.uuid]) {
            let c = RowDecoding.Columns(row, table: "group_permission")
            if let permission = Permission(rawValue: try c.value("permission")), let setting = PermissionSetting(rawValue: try c.value("setting")) {
                settings[permission] = setting
            }
        }
        return settings
    }

    func insert(_ group: SecurityGroup) throws {
        try db.execute(sql: """
            INSERT INTO security_group (id, organization_id, name, description, default_role, created_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [group.id.uuid, group.organizationID.uuid, group.name, group.description, group.defaultRole?.rawValue,
                             group.createdAt.timeIntervalSince1970, group.version])
    }

    func update(_ group: SecurityGroup) throws -> SecurityGroup {
        try versionedUpdate("UPDATE security_group SET name = ?, description = ?, version = version + 1 WHERE id = ? AND version = ?",
                            [group.name, group.description, group.id.uuid, group.version], kind: .group, name: group.name)
        var stored = group
        stored.version += 1
        return stored
    }

    func delete(group id: GroupID) throws {
        try db.execute(sql: "DELETE FROM security_group WHERE id = ?", arguments: [id.uuid])
    }

    func addMember(_ member: GroupMember, to group: GroupID) throws {
        let (column, id) = Self.memberColumn(member)
        try db.execute(sql: "INSERT INTO group_member (group_id, \(column)) VALUES (?, ?)", arguments: [group.uuid, id])
    }

    func removeMember(_ member: GroupMember, from group: GroupID) throws {
        let (column, id) = Self.memberColumn(member)
        try db.execute(sql: "DELETE FROM group_member WHERE group_id = ? AND \(column) = ?", arguments: [group.uuid, id])
    }

    func setPermission(_ permission: Permission, to setting: PermissionSetting, for group: GroupID) throws {
        if setting == .notSet {
            try db.execute(sql: "DELETE FROM group_permission WHERE group_id = ? AND permission = ?", arguments: [group.uuid, permission.rawValue])
        } else {
            try db.execute(sql: """
                INSERT INTO group_permission (group_id, permission, setting) VALUES (?, ?, ?)
                ON CONFLICT (group_id, permission) DO UPDATE SET setting = excluded.setting
                """, arguments: [group.uuid, permission.rawValue, setting.rawValue])
        }
    }
}

// MARK: SSH keys

extension SQLiteTransaction {
    func sshKeys(of user: UserID) throws -> [RegisteredSSHKey] {
        try Row.fetchAll(db, sql: "SELECT * FROM ssh_key WHERE user_id = ? ORDER BY added_at", arguments: [user.uuid]).map(RowDecoding.sshKey)
    }

    func sshKey(_ id: SSHKeyID) throws -> RegisteredSSHKey? {
        try Row.fetchOne(db, sql: "SELECT * FROM ssh_key WHERE id = ?", arguments: [id.uuid]).map(RowDecoding.sshKey)
    }

    func sshKey(fingerprint: String) throws -> RegisteredSSHKey? {
        try Row.fetchOne(db, sql: "SELECT * FROM ssh_key WHERE fingerprint = ?", arguments: [fingerprint]).map(RowDecoding.sshKey)
    }

    func insert(_ key: RegisteredSSHKey) throws {
        try db.execute(sql: "INSERT INTO ssh_key (id, user_id, public_line, fingerprint, added_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [key.id.uuid, key.userID.uuid, key.key.openSSHLine, key.fingerprint, key.addedAt.timeIntervalSince1970])
    }

    func delete(sshKey id: SSHKeyID) throws {
        try db.execute(sql: "DELETE FROM ssh_key WHERE id = ?", arguments: [id.uuid])
    }
}

/// The "last used" updates of one write transaction, applied to the verification cache after it
/// commits (never before: a rolled-back update must not reach the cache).
final class RecordedUses {
    private(set) var entries: [(digest: TokenDigest, date: Date)] = []

    func append(_ digest: TokenDigest, at date: Date) { entries.append((digest, date)) }
}
