import Foundation
import GRDB
import GatehouseDomain

// Reads of a whole page at once, where the protocol's default asks once per row: on SQLite a
// query per row costs little, but on a network database each one is a round trip.

extension SQLiteTransaction {
    func memberCounts(of groups: [GroupID]) throws -> [GroupID: Int] {
        guard !groups.isEmpty else { return [:] }
        var counts = Dictionary(groups.map { ($0, 0) }, uniquingKeysWith: { first, _ in first })
        let ids = groups.map { $0.uuid as (any DatabaseValueConvertible)? }
        let marks = Self.placeholders(groups.count)
        // Each side through its partial unique index (group_id, member_…), as memberCount does.
        for row in try Row.fetchAll(db, sql: """
            SELECT group_id, COUNT(*) AS n FROM group_member WHERE group_id IN (\(marks)) AND member_user_id IS NOT NULL GROUP BY group_id
            UNION ALL
            SELECT group_id, COUNT(*) AS n FROM group_member WHERE group_id IN (\(marks)) AND member_group_id IS NOT NULL GROUP BY group_id
            """, arguments: StatementArguments(ids + ids)) {
            let c = RowDecoding.Columns(row, table: "group_member")
            let id: GroupID = try c.id("group_id")
            counts[id, default: 0] += try c.value("n") as Int
        }
        return counts
    }

    func users(_ ids: Set<UserID>) throws -> [UserID: User] {
        guard !ids.isEmpty else { return [:] }
        let users = try Row.fetchAll(db, sql: "SELECT * FROM user WHERE id IN (\(Self.placeholders(ids.count)))",
                                     arguments: StatementArguments(ids.map { $0.uuid as (any DatabaseValueConvertible)? }))
            .map(RowDecoding.user)
        return Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func organizationIDs(ofUsers ids: [UserID]) throws -> [UserID: [OrganizationID]] {
        guard !ids.isEmpty else { return [:] }
        var found: [UserID: [OrganizationID]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT user_id, organization_id FROM organization_member WHERE user_id IN (\(Self.placeholders(ids.count)))",
                                    arguments: StatementArguments(ids.map { $0.uuid as (any DatabaseValueConvertible)? })) {
            let c = RowDecoding.Columns(row, table: "organization_member")
            found[try c.id("user_id") as UserID, default: []].append(try c.id("organization_id"))
        }
        return found
    }
}
