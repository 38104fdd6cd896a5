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
