import Foundation
import GatehouseDomain

// Issue #13's one-statement queries, as the SQLite store writes them (SQLiteTransaction+Speed).

extension PostgresTransaction {
    /// One statement: the groups whose setting applies (and every group nested in them) marked
    /// allow, deny or exempt, then the organization's active members tested by their own
    /// memberships, stopping at `cap + 1`.
    func permissionHolders(_ permission: Permission, in organization: OrganizationID, exempt: Set<PolicyExemption>,
                           only user: UserID?, cap: Int) throws -> ListCount {
        let (users, groups) = PolicyExemption.split(exempt)
        let exemptUsers = users.map(\.pgValue), exemptGroups = groups.map(\.pgValue)
        var parameters: [PGValue] = [.text(permission.rawValue), organization.pgValue]
        var exemptSeeds = ""
        if !exemptGroups.isEmpty {
            exemptSeeds = " UNION SELECT id, 'exempt' FROM security_group WHERE id IN (\(Self.placeholders(exemptGroups.count)))"
            parameters += exemptGroups
        }
        parameters.append(organization.pgValue)
        var filters = ""
        if !exemptUsers.isEmpty {
            filters += " AND m.user_id NOT IN (\(Self.placeholders(exemptUsers.count)))"
            parameters += exemptUsers
        }
        if let user {
            filters += " AND m.user_id = ?"
            parameters.append(user.pgValue)
        }
        let rows = try scalarInt("""
            WITH RECURSIVE reach(group_id, mark) AS (
                SELECT p.group_id, p.setting FROM group_permission p JOIN security_group g ON g.id = p.group_id
                WHERE p.permission = ? AND g.organization_id = ?\(exemptSeeds)
                UNION
                SELECT gm.member_group_id, reach.mark FROM reach JOIN group_member gm ON gm.group_id = reach.group_id
                WHERE gm.member_group_id IS NOT NULL
            )
            SELECT COUNT(*) FROM (
                SELECT 1 FROM organization_member m JOIN users u ON u.id = m.user_id
                WHERE m.organization_id = ? AND u.status = 'active'\(filters)
                  AND EXISTS (SELECT 1 FROM group_member gm WHERE gm.member_user_id = m.user_id
                              AND gm.group_id IN (SELECT group_id FROM reach WHERE mark = 'allow'))
                  AND NOT EXISTS (SELECT 1 FROM group_member gm WHERE gm.member_user_id = m.user_id
                                  AND gm.group_id IN (SELECT group_id FROM reach WHERE mark <> 'allow'))
                LIMIT \(min(max(0, cap), Int.max - 1) + 1)
            ) AS holders
            """, parameters)
        return .counted(rows, cap: cap)
    }
}

// Reads of a whole page in one round trip, where the protocol's default asks once per row (a
// Groups page took 13 s through a database 200 ms away: a count per group).

extension PostgresTransaction {
    func memberCounts(of groups: [GroupID]) throws -> [GroupID: Int] {
        guard !groups.isEmpty else { return [:] }
        var counts = Dictionary(groups.map { ($0, 0) }, uniquingKeysWith: { first, _ in first })
        for row in try rows("SELECT group_id, COUNT(*) AS n FROM group_member WHERE group_id IN (\(Self.placeholders(groups.count))) GROUP BY group_id",
                            groups.map(\.pgValue)) {
            let c = PGColumns(row, table: "group_member")
            counts[try c.id("group_id") as GroupID] = try c.integer("n")
        }
        return counts
    }

    func users(_ ids: Set<UserID>) throws -> [UserID: User] {
        guard !ids.isEmpty else { return [:] }
        let users = try rows("SELECT * FROM users WHERE id IN (\(Self.placeholders(ids.count)))", ids.map(\.pgValue)).map(PGDecode.user)
        return Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func organizationIDs(ofUsers ids: [UserID]) throws -> [UserID: [OrganizationID]] {
        guard !ids.isEmpty else { return [:] }
        var found: [UserID: [OrganizationID]] = [:]
        for row in try rows("SELECT user_id, organization_id FROM organization_member WHERE user_id IN (\(Self.placeholders(ids.count)))", ids.map(\.pgValue)) {
            let c = PGColumns(row, table: "organization_member")
            found[try c.id("user_id") as UserID, default: []].append(try c.id("organization_id"))
        }
        return found
    }
}
