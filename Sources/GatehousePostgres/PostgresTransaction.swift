import Foundation
import GatehouseDomain

/// The reader and writer of one PostgreSQL transaction; lives only inside the store's `run`.
/// The SQL follows the SQLite store's statement for statement, with `gatehouse_fold` where SQLite
/// compares NOCASE.
struct PostgresTransaction: DirectoryWriter {
    let connection: PGConnection
    /// What the write did that this process's verification cache must learn at commit.
    let log: WriteLog?

    init(_ connection: PGConnection, log: WriteLog? = nil) {
        self.connection = connection
        self.log = log
    }

    // MARK: Helpers

    func rows(_ sql: String, _ parameters: [PGValue] = []) throws -> [PGRow] {
        try connection.query(sql, parameters).rows
    }

    func one(_ sql: String, _ parameters: [PGValue] = []) throws -> PGRow? {
        try connection.query(sql, parameters).first
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [PGValue] = []) throws -> Int {
        try connection.query(sql, parameters).affected
    }

    func scalarInt(_ sql: String, _ parameters: [PGValue] = []) throws -> Int {
        Int(try one(sql, parameters)?.text(at: 0) ?? "0") ?? 0
    }

    func exists(_ sql: String, _ parameters: [PGValue] = []) throws -> Bool {
        try one("SELECT EXISTS (\(sql))", parameters)?.text(at: 0) == "t"
    }

    /// Updates guarded by version: zero rows changed means someone else changed it first.
    func versionedUpdate(_ sql: String, _ parameters: [PGValue], kind: ObjectKind, name: String) throws {
        guard try execute(sql, parameters) == 1 else { throw GatehouseError.staleVersion(kind: kind, name: name) }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    static func sorted(_ organizations: Set<OrganizationID>) -> [PGValue] {
        organizations.map(\.uuid).sorted { $0.uuidString < $1.uuidString }.map { .uuid($0) }
    }

    /// `%`, `_` and `\` typed are literal characters; folded like the column it is matched with.
    static func likePattern(_ text: String, mode: TextSearch.Mode) -> PGValue {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return .text(mode == .prefix ? escaped + "%" : "%" + escaped + "%")
    }

    /// `gatehouse_fold(column) LIKE gatehouse_fold(?)`: one text filter, by the contract's meaning.
    static func matches(_ column: String) -> String {
        "gatehouse_fold(\(column)) LIKE gatehouse_fold(?)"
    }

    // MARK: Directory

    func isEmpty() throws -> Bool {
        try !exists("SELECT 1 FROM organization")
    }

    func setting(_ key: String) throws -> String? {
        try one("SELECT value FROM directory_setting WHERE key = ?", [.text(key)])?.text("value")
    }

    func setSetting(_ key: String, to value: String) throws {
        try execute("INSERT INTO directory_setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [.text(key), .text(value)])
    }

    // MARK: Organizations

    func organizations() throws -> [Organization] {
        try rows("SELECT * FROM organization ORDER BY gatehouse_fold(name)").map(PGDecode.organization)
    }

    func organization(_ id: OrganizationID) throws -> Organization? {
        try one("SELECT * FROM organization WHERE id = ?", [id.pgValue]).map(PGDecode.organization)
    }

    func organization(named name: String) throws -> Organization? {
        try one("SELECT * FROM organization WHERE gatehouse_fold(name) = gatehouse_fold(?)", [.text(name)]).map(PGDecode.organization)
    }

    func organizationIDs(ofUser id: UserID) throws -> [OrganizationID] {
        try rows("SELECT organization_id FROM organization_member WHERE user_id = ?", [id.pgValue])
            .map { try PGColumns($0, table: "organization_member").id("organization_id") }
    }

    func insert(_ organization: Organization) throws {
        try execute("INSERT INTO organization (id, name, created_at) VALUES (?, ?, ?)",
                    [organization.id.pgValue, .text(organization.name), organization.createdAt.pgValue])
    }

    func addMember(_ user: UserID, toOrganization organization: OrganizationID) throws {
        try execute("INSERT INTO organization_member (organization_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [organization.pgValue, user.pgValue])
        log?.touched.insert(user.uuid)
    }

    // MARK: Users

    func user(_ id: UserID) throws -> User? {
        try one("SELECT * FROM users WHERE id = ?", [id.pgValue]).map(PGDecode.user)
    }

    func user(login: String) throws -> User? {
        try one("SELECT * FROM users WHERE gatehouse_fold(login_name) = gatehouse_fold(?)", [.text(login)]).map(PGDecode.user)
    }

    func user(loginSkeleton: String) throws -> User? {
        try one("SELECT * FROM users WHERE login_skeleton = ? LIMIT 1", [.text(loginSkeleton)]).map(PGDecode.user)
    }

    private func userList(_ query: UserQuery) -> PGKeysetQuery {
        let sort: String = switch query.sort {
        case .displayName: "gatehouse_fold(display_name)"
        case .loginName: "gatehouse_fold(login_name)"
        case .createdAt: "created_at"
        }
        var list = PGKeysetQuery(from: "users", sortExpression: sort, idColumn: "id", descending: query.descending)
        if let search = query.search, !search.isEmpty {
            let pattern = Self.likePattern(search.text, mode: search.effectiveMode)
            list.filter("\(Self.matches("display_name")) OR \(Self.matches("login_name")) OR \(Self.matches("email"))", pattern, pattern, pattern)
            if search.effectiveMode == .substring { list.isCostlyToCount = true }
        }
        let kinds = query.kinds.map(\.rawValue).sorted().map(PGValue.text)
        if !kinds.isEmpty {
            list.filter("kind IN (\(Self.placeholders(kinds.count)))")
            list.arguments += kinds
        }
        if !query.statuses.isEmpty {
            list.filter("status IN (\(Self.placeholders(query.statuses.count)))")
            list.arguments += query.statuses.map(\.rawValue).sorted().map(PGValue.text)
        }
        let sources = query.identitySources.map(\.rawValue).sorted().map(PGValue.text)
        if !sources.isEmpty {
            list.filter("identity_source IN (\(Self.placeholders(sources.count)))")
            list.arguments += sources
        }
        if query.sort == .displayName {
            // pg-v4's (kind, name) and (identity_source, name) indexes, one walk per value.
            if kinds.count > 1 {
                list.branches = ("kind", kinds)
            } else if sources.count > 1 {
                list.branches = ("identity_source", sources)
            }
        }
        if let organization = query.organizationID {
            list.filter("EXISTS (SELECT 1 FROM organization_member WHERE organization_id = ? AND user_id = users.id)", organization.pgValue)
            list.isCostlyToCount = true
        }
        if let visible = query.visibleOrganizations {
            list.filter("EXISTS (SELECT 1 FROM organization_member WHERE organization_id IN (\(Self.placeholders(visible.count))) AND user_id = users.id)")
            list.arguments += Self.sorted(visible)
            list.isCostlyToCount = true
        }
        return list
    }

    func users(_ query: UserQuery, page: PageRequest) throws -> Page<User> {
        try userList(query).page(connection, select: "users.*", request: page, decode: PGDecode.user)
    }

    func count(_ query: UserQuery) throws -> Int { try userList(query).count(connection) }
    func count(_ query: UserQuery, cap: Int) throws -> ListCount { try userList(query).count(connection, cap: cap) }

    func insert(_ user: User) throws {
        try execute("""
            INSERT INTO users (id, display_name, login_name, email, kind, identity_source, access_level, status, created_at, version, login_skeleton)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [user.id.pgValue, .text(user.displayName), .text(user.loginName), .text(user.email), .text(user.kind.rawValue),
                  .text(user.identitySource.rawValue), .text(user.accessLevel.rawValue), .text(user.status.rawValue),
                  user.createdAt.pgValue, user.version.pgValue, .text(ConfusableText.skeleton(user.loginName))])
    }

    func update(_ user: User) throws -> User {
        try versionedUpdate("""
            UPDATE users SET display_name = ?, login_name = ?, email = ?, kind = ?, identity_source = ?, access_level = ?,
                status = ?, login_skeleton = ?, version = version + 1
            WHERE id = ? AND version = ?
            """, [.text(user.displayName), .text(user.loginName), .text(user.email), .text(user.kind.rawValue), .text(user.identitySource.rawValue),
                  .text(user.accessLevel.rawValue), .text(user.status.rawValue), .text(ConfusableText.skeleton(user.loginName)),
                  user.id.pgValue, user.version.pgValue], kind: .user, name: user.loginName)
        log?.touched.insert(user.id.uuid)
        var stored = user
        stored.version += 1
        return stored
    }

    func delete(user id: UserID) throws {
        try execute("DELETE FROM users WHERE id = ?", [id.pgValue])
        log?.touched.insert(id.uuid)
    }

    // MARK: Groups

    func group(_ id: GroupID) throws -> SecurityGroup? {
        try one("SELECT * FROM security_group WHERE id = ?", [id.pgValue]).map(PGDecode.group)
    }

    func group(named name: String, in organization: OrganizationID) throws -> SecurityGroup? {
        try one("SELECT * FROM security_group WHERE organization_id = ? AND gatehouse_fold(name) = gatehouse_fold(?)",
                [organization.pgValue, .text(name)]).map(PGDecode.group)
    }

    private func groupList(_ query: GroupQuery) -> PGKeysetQuery {
        var list = PGKeysetQuery(from: "security_group", sortExpression: "gatehouse_fold(name)", idColumn: "id")
        if let search = query.search, !search.isEmpty {
            // Groups match as the mode says at any length (`TextSearch.effectiveMode`).
            let pattern = Self.likePattern(search.text, mode: search.mode)
            list.filter("\(Self.matches("name")) OR \(Self.matches("description"))", pattern, pattern)
        }
        if let organization = query.organizationID {
            list.filter("organization_id = ?", organization.pgValue)
        }
        if let visible = query.visibleOrganizations {
            list.filter("organization_id IN (\(Self.placeholders(visible.count)))")
            list.arguments += Self.sorted(visible)
        }
        return list
    }

    func groups(_ query: GroupQuery, page: PageRequest) throws -> Page<SecurityGroup> {
        try groupList(query).page(connection, select: "security_group.*", request: page, decode: PGDecode.group)
    }

    func count(_ query: GroupQuery) throws -> Int { try groupList(query).count(connection) }

    func members(of group: GroupID) throws -> [GroupMember] {
        try rows("SELECT member_user_id, member_group_id FROM group_member WHERE group_id = ?", [group.pgValue]).compactMap { row in
            let c = PGColumns(row, table: "group_member")
            if let user: UserID = try c.optionalID("member_user_id") { return .user(user) }
            if let group: GroupID = try c.optionalID("member_group_id") { return .group(group) }
            return nil
        }
    }

    /// As SQLite's: the group's users a page at a time, sorted by display name, read with the page.
    func memberUsers(of group: GroupID, page: PageRequest) throws -> Page<User> {
        var list = PGKeysetQuery(from: "users", sortExpression: "gatehouse_fold(display_name)", idColumn: "id")
        list.filter("id IN (SELECT member_user_id FROM group_member WHERE group_id = ? AND member_user_id IS NOT NULL)", group.pgValue)
        return try list.page(connection, select: "users.*", request: page, decode: PGDecode.user)
    }

    func memberGroups(of group: GroupID) throws -> [SecurityGroup] {
        try rows("""
            SELECT security_group.* FROM group_member JOIN security_group ON security_group.id = group_member.member_group_id
            WHERE group_member.group_id = ? AND group_member.member_group_id IS NOT NULL ORDER BY gatehouse_fold(security_group.name), security_group.id
            """, [group.pgValue]).map(PGDecode.group)
    }

    func activeMemberIDs(of organization: OrganizationID) throws -> Set<UserID> {
        Set(try rows("""
            SELECT m.user_id FROM organization_member m JOIN users u ON u.id = m.user_id
            WHERE m.organization_id = ? AND u.status = 'active'
            """, [organization.pgValue]).map { try PGColumns($0, table: "organization_member").id("user_id") })
    }

    func memberCount(of group: GroupID) throws -> Int {
        try scalarInt("SELECT COUNT(*) FROM group_member WHERE group_id = ?", [group.pgValue])
    }

    func listCounts(for users: [UserID], now: Date, groupOrganizations: Set<OrganizationID>?, tokens: TokenVisibility?) throws -> [UserID: (groups: Int, activeTokens: Int)] {
        guard !users.isEmpty else { return [:] }
        var result: [UserID: (groups: Int, activeTokens: Int)] = Dictionary(uniqueKeysWithValues: users.map { ($0, (0, 0)) })
        let ids = users.map(\.pgValue)
        let marks = Self.placeholders(users.count)
        var groupWall = ""
        var groupArguments = ids
        if let groupOrganizations {
            groupWall = " AND group_id IN (SELECT id FROM security_group WHERE organization_id IN (\(Self.placeholders(groupOrganizations.count))))"
            groupArguments += Self.sorted(groupOrganizations)
        }
        for row in try rows("SELECT member_user_id, COUNT(*) AS n FROM group_member WHERE member_user_id IN (\(marks))\(groupWall) GROUP BY member_user_id", groupArguments) {
            let c = PGColumns(row, table: "group_member")
            if let id: UserID = try c.optionalID("member_user_id") { result[id, default: (0, 0)].groups = try c.integer("n") }
        }
        var tokenWall = ""
        var tokenArguments = ids + [now.pgValue]
        if let tokens {
            let (clause, arguments) = Self.tokenVisibilityClause(tokens)
            tokenWall = " AND (\(clause))"
            tokenArguments += arguments
        }
        for row in try rows("""
            SELECT owner_id, COUNT(*) AS n FROM token WHERE owner_id IN (\(marks)) AND revoked_at IS NULL AND valid_to > ?\(tokenWall) GROUP BY owner_id
            """, tokenArguments) {
            let c = PGColumns(row, table: "token")
            if let id: UserID = try c.optionalID("owner_id") { result[id, default: (0, 0)].activeTokens = try c.integer("n") }
        }
        return result
    }

    /// Every group the user reaches, by one recursive query (depth-bounded, so even a cycle
    /// written behind the façade's back ends): authorization is one round trip per check.
    func groupReach(of user: UserID) throws -> [GroupReachEdge] {
        try rows("""
            WITH RECURSIVE reach(group_id, reached_from, depth) AS (
                SELECT group_id, NULL::uuid, 1 FROM group_member WHERE member_user_id = ?
                UNION
                SELECT group_member.group_id, reach.group_id, reach.depth + 1
                FROM reach JOIN group_member ON group_member.member_group_id = reach.group_id
                WHERE reach.depth < \(Self.maximumNestingDepth)
            )
            SELECT DISTINCT reach.reached_from, security_group.*,
                (SELECT string_agg(permission || '=' || setting, ' ') FROM group_permission WHERE group_id = reach.group_id) AS settings
            FROM reach JOIN security_group ON security_group.id = reach.group_id
            """, [user.pgValue]).map { row in
            let c = PGColumns(row, table: "security_group")
            return GroupReachEdge(group: try PGDecode.group(row), reachedFrom: try c.optionalID("reached_from"),
                                  settings: GroupReachEdge.settings(aggregated: try c.optionalText("settings")))
        }
    }

    static let maximumNestingDepth = 64

    func groupsContaining(_ member: GroupMember) throws -> [SecurityGroup] {
        let (column, id) = Self.memberColumn(member)
        return try rows("""
            SELECT security_group.* FROM group_member JOIN security_group ON security_group.id = group_member.group_id
            WHERE group_member.\(column) = ?
            """, [.uuid(id)]).map(PGDecode.group)
    }

    static func memberColumn(_ member: GroupMember) -> (String, UUID) {
        switch member {
        case let .user(id): ("member_user_id", id.uuid)
        case let .group(id): ("member_group_id", id.uuid)
        }
    }

    func permissionSettings(of group: GroupID) throws -> [Permission: PermissionSetting] {
        var settings: [Permission: PermissionSetting] = [:]
        for row in try rows("SELECT permission, setting FROM group_permission WHERE group_id = ?", [group.pgValue]) {
            if let permission = row.text("permission").flatMap(Permission.init(rawValue:)),
               let setting = row.text("setting").flatMap(PermissionSetting.init(rawValue:)) {
                settings[permission] = setting
            }
        }
        return settings
    }

    func insert(_ group: SecurityGroup) throws {
        try execute("""
            INSERT INTO security_group (id, organization_id, name, description, default_role, created_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [group.id.pgValue, group.organizationID.pgValue, .text(group.name), .text(group.description),
                  group.defaultRole?.rawValue.pgValue ?? .null, group.createdAt.pgValue, group.version.pgValue])
    }

    func update(_ group: SecurityGroup) throws -> SecurityGroup {
        try versionedUpdate("UPDATE security_group SET name = ?, description = ?, version = version + 1 WHERE id = ? AND version = ?",
                            [.text(group.name), .text(group.description), group.id.pgValue, group.version.pgValue], kind: .group, name: group.name)
        var stored = group
        stored.version += 1
        return stored
    }

    func delete(group id: GroupID) throws {
        try execute("DELETE FROM security_group WHERE id = ?", [id.pgValue])
    }

    func addMember(_ member: GroupMember, to group: GroupID) throws {
        let (column, id) = Self.memberColumn(member)
        try execute("INSERT INTO group_member (group_id, \(column)) VALUES (?, ?)", [group.pgValue, .uuid(id)])
    }

    func removeMember(_ member: GroupMember, from group: GroupID) throws {
        let (column, id) = Self.memberColumn(member)
        try execute("DELETE FROM group_member WHERE group_id = ? AND \(column) = ?", [group.pgValue, .uuid(id)])
    }

    func setPermission(_ permission: Permission, to setting: PermissionSetting, for group: GroupID) throws {
        if setting == .notSet {
            try execute("DELETE FROM group_permission WHERE group_id = ? AND permission = ?", [group.pgValue, .text(permission.rawValue)])
        } else {
            try execute("""
                INSERT INTO group_permission (group_id, permission, setting) VALUES (?, ?, ?)
                ON CONFLICT (group_id, permission) DO UPDATE SET setting = excluded.setting
                """, [group.pgValue, .text(permission.rawValue), .text(setting.rawValue)])
        }
    }

    // MARK: SSH keys

    func sshKeys(of user: UserID) throws -> [RegisteredSSHKey] {
        try rows("SELECT * FROM ssh_key WHERE user_id = ? ORDER BY added_at", [user.pgValue]).map(PGDecode.sshKey)
    }

    func sshKey(_ id: SSHKeyID) throws -> RegisteredSSHKey? {
        try one("SELECT * FROM ssh_key WHERE id = ?", [id.pgValue]).map(PGDecode.sshKey)
    }

    func sshKey(fingerprint: String) throws -> RegisteredSSHKey? {
        try one("SELECT * FROM ssh_key WHERE fingerprint = ?", [.text(fingerprint)]).map(PGDecode.sshKey)
    }

    func insert(_ key: RegisteredSSHKey) throws {
        try execute("INSERT INTO ssh_key (id, user_id, public_line, fingerprint, added_at) VALUES (?, ?, ?, ?, ?)",
                    [key.id.pgValue, key.userID.pgValue, .text(key.key.openSSHLine), .text(key.fingerprint), key.addedAt.pgValue])
    }

    func delete(sshKey id: SSHKeyID) throws {
        try execute("DELETE FROM ssh_key WHERE id = ?", [id.pgValue])
    }
}

/// What one write transaction did that matters after it commits (never before: a rolled-back
/// attempt leaves nothing behind; a retried one starts a new log).
final class WriteLog {
    /// The tokens and accounts whose verification records the write changed (token ids, user ids).
    var touched: Set<UUID> = []
    var uses: [(token: TokenID, date: Date)] = []
}
