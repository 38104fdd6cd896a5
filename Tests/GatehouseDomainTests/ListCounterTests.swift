import Foundation
import GRDB
import Testing
@testable import GatehouseDomain
@testable import GatehouseStore

/// v12's counters (accounts; unrevoked tokens by the day they expire) give the unfiltered lists'
/// counts without reading an index whole. They must equal a real count after every kind of change,
/// at any moment: across midnight, on a token that expires exactly at midnight, after a cascade.
@Suite("Kept list counts")
struct ListCounterTests {
    /// The active tokens and the accounts, counted by the façade (the kept counts) and by hand.
    static func expectCountsMatch(_ dir: TestDirectory, _ comment: Comment) throws {
        let now = dir.clock.now
        let every = try ListQueryShapeTests.everyToken(dir)
        let active = every.count { $0.revocation == nil && $0.validTo > now }
        let capped = try dir.service.count(TokenQuery(statuses: [.active]), cap: 10_000, by: dir.admin)
        #expect(capped == .exact(active), comment)
        #expect(try dir.service.count(TokenQuery(statuses: [.active], sort: .displayName, descending: true), by: dir.admin) == active, comment)
        let users = try DatabaseQueue(path: dir.databasePath).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") } ?? -1
        #expect(try dir.service.count(UserQuery(), by: dir.admin) == users, comment)
        #expect(try dir.service.count(UserQuery(sort: .createdAt), cap: 5, by: dir.admin) == .exact(users), comment)
    }

    @Test("the kept counts equal a full count through creation, revocation, new expiry dates, deletion by cascade and the days passing")
    func countsFollowEveryChange() throws {
        let (dir, _) = try ListQueryShapeTests.yearOfTokens()
        try Self.expectCountsMatch(dir, "as made")
        let bob = try dir.service.resolveActor(login: "bob").user
        // Valid through today: it stops exactly at the next midnight (UTC), the edge of a day's bucket.
        let today = Date(timeIntervalSince1970: (dir.clock.now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let edge = try dir.service.createToken(TokenRequest(displayName: "edge", target: .organization(dir.organization.id),
                                                            scopes: .custom(["vso.code"]), expiration: .endOfDay(today)), by: dir.admin)
        #expect(edge.token.validTo.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 0)
        try Self.expectCountsMatch(dir, "a token until midnight")
        let listed = try ListQueryShapeTests.everyToken(dir).filter { $0.revocation == nil && $0.validTo > dir.clock.now && $0.id != edge.token.id }
        _ = try dir.service.updateToken(listed[0].id, TokenChanges(expiration: .days(3)), expectedVersion: listed[0].version, by: dir.admin)
        try Self.expectCountsMatch(dir, "a new expiry date")
        _ = try dir.service.regenerateToken(listed[1].id, by: dir.admin)
        try Self.expectCountsMatch(dir, "regenerated")
        _ = try dir.service.revokeToken(listed[2].id, by: dir.admin)
        try Self.expectCountsMatch(dir, "revoked")
        try dir.service.deleteUser(bob.id, by: dir.admin)
        try Self.expectCountsMatch(dir, "an owner deleted with their tokens")
        // Hour by hour across two midnights (the edge token expires at the first), then day by day.
        for hour in 1...48 {
            dir.clock.advance(by: 3_600)
            try Self.expectCountsMatch(dir, "after \(hour) h")
        }
        for day in 1...40 {
            dir.clock.advance(by: 86_400)
            try Self.expectCountsMatch(dir, "after \(day) more days")
        }
    }
}
