import Foundation
import Testing
@testable import GatehouseDomain

/// The list queries that were rewritten for a million tokens (v7 indexes, a walk bound, merged
/// walks, membership probes, capped counts) must return exactly what the plain filter returns,
/// in the same order: each is checked here against the rows filtered and sorted in Swift.
@Suite("List query shapes: same rows, same order")
struct ListQueryShapeTests {
    static func idBytes(_ id: TokenID) -> [UInt8] { withUnsafeBytes(of: id.uuid.uuid) { Array($0) } }

    /// Every page of a token list, forward with `.after`; and backward with `.last`/`.before`,
    /// which must give the same rows.
    static func walk(_ dir: TestDirectory, _ query: TokenQuery, limit: Int = 3) throws -> [PersonalAccessToken] {
        var page = try dir.service.tokens(query, page: .first(limit), by: dir.admin)
        var forward = page.items
        while page.hasMoreAfter, let cursor = page.lastCursor {
            page = try dir.service.tokens(query, page: PageRequest(.after(cursor), limit: limit), by: dir.admin)
            forward += page.items
        }
        page = try dir.service.tokens(query, page: PageRequest(.last, limit: limit), by: dir.admin)
        var backward = page.items
        while page.hasMoreBefore, let cursor = page.firstCursor {
            page = try dir.service.tokens(query, page: PageRequest(.before(cursor), limit: limit), by: dir.admin)
            backward = page.items + backward
        }
        #expect(forward.map(\.id) == backward.map(\.id))
        return forward
    }

    /// Every token, whatever its state (`TokenQuery()` has no filter).
    static func everyToken(_ dir: TestDirectory) throws -> [PersonalAccessToken] {
        try dir.service.tokens(TokenQuery(), page: .first(1_000), by: dir.admin).items
    }

    /// Tokens made over a year: lifespans of 30 to 365 days (so the oldest active token is an old
    /// long-lived one, behind many expired younger ones), some revoked, some used, some global.
    static func yearOfTokens() throws -> (TestDirectory, now: Date) {
        let dir = try TestDirectory()
        // Global tokens are refused by default; these lists must show them.
        try dir.setPolicy(.restrictGlobalTokens, enabled: false)
        let bob = try dir.addUser("bob", kind: .serviceAccount)
        let lifespans = [30, 365, 60, 90, 180, 30, 30, 365]
        for index in 0..<40 {
            let days = lifespans[index % lifespans.count]
            let issued = try dir.createToken("token \(index)", owner: index % 3 == 0 ? bob.id : nil,
                                             target: index % 4 == 0 ? .allAccessibleOrganizations : nil,
                                             scopes: index % 5 == 0 ? .fullAccess : .custom(["vso.code"]), days: days)
            if index % 7 == 3 { _ = try dir.service.revokeToken(issued.token.id, by: dir.admin) }
            if index % 3 == 1 { _ = try dir.service.verify(issued.secret) }
            // Some share a creation time (ties broken by id), most do not.
            if index % 2 == 1 { dir.clock.advance(by: 9 * 86_400) }
        }
        return (dir, dir.clock.now)
    }

    @Test("active tokens by creation and by last use, both directions: the rows and order of the plain filter",
          arguments: [TokenQuery.Sort.createdAt, .lastUsedAt])
    func activeTokensBySort(_ sort: TokenQuery.Sort) throws {
        let (dir, now) = try Self.yearOfTokens()
        let active = try Self.everyToken(dir).filter { $0.revocation == nil && $0.validTo > now }
        #expect(active.count > 5)
        #expect(try Self.everyToken(dir).count(where: { $0.revocation == nil && $0.validTo <= now }) > 5, "some expired ones to skip")
        func key(_ token: PersonalAccessToken) -> Double {
            sort == .createdAt ? token.createdAt.timeIntervalSince1970 : token.lastUsedAt?.timeIntervalSince1970 ?? 0
        }
        let expected = active.sorted { key($0) != key($1) ? key($0) < key($1) : Self.idBytes($0.id).lexicographicallyPrecedes(Self.idBytes($1.id)) }
        for descending in [false, true] {
            let query = TokenQuery(statuses: [.active], sort: sort, descending: descending)
            let listed = try Self.walk(dir, query)
            #expect(listed.map(\.id) == (descending ? expected.reversed() : expected).map(\.id))
            #expect(try dir.service.count(query, by: dir.admin) == expected.count)
        }
    }

    @Test("tokens of disabled owners: the plain filter's rows in every sort, walked (disabled accounts common) or gathered (rare)")
    func disabledOwners() throws {
        let (dir, _) = try Self.yearOfTokens()
        let bob = try dir.service.resolveActor(login: "bob").user
        _ = try dir.service.setStatus(.disabled, ofUser: bob.id, by: dir.admin)
        func check() throws {
            let everything = try Self.everyToken(dir)
            for sort in [TokenQuery.Sort.validTo, .displayName, .createdAt, .lastUsedAt] {
                for descending in [false, true] {
                    var query = TokenQuery(sort: sort, descending: descending)
                    query.disabledOwnerOnly = true
                    var all = TokenQuery(sort: sort, descending: descending)
                    all.statuses = []
                    let expected = try Self.walk(dir, all, limit: 1_000).filter { $0.ownerID == bob.id }.map(\.id)
                    #expect(!expected.isEmpty)
                    #expect(try Self.walk(dir, query).map(\.id) == expected, "\(sort) descending: \(descending)")
                    #expect(try dir.service.count(query, by: dir.admin) == expected.count)
                }
            }
            #expect(everything.contains { $0.ownerID == bob.id })
        }
        try check()                                      // 1 account of 2 disabled: walked
        for index in 0..<60 { try dir.addUser("extra\(index)") }
        try check()                                      // 1 of 62: gathered
    }

    @Test("the oldest active token comes first even when it is the only long-lived one left")
    func oldestActiveFirst() throws {
        let dir = try TestDirectory()
        let old = try dir.createToken("long-lived", days: 365)
        dir.clock.advance(by: 86_400)
        for index in 0..<6 {
            try dir.createToken("short \(index)", days: 30)
            dir.clock.advance(by: 40 * 86_400)
        }
        let young = try dir.createToken("young", days: 30)
        let listed = try Self.walk(dir, TokenQuery(statuses: [.active], sort: .createdAt), limit: 1)
        #expect(listed.map(\.id) == [old.token.id, young.token.id])
    }

    @Test("non-compliant tokens: the same rows as the policies checked in Swift, with one rule, several and exemptions")
    func nonCompliant() throws {
        let (dir, now) = try Self.yearOfTokens()
        let other = try dir.service.createOrganization(named: "Other", by: dir.admin)
        let carol = try dir.addUser("carol", kind: .serviceAccount)
        try dir.createToken("carol global", owner: carol.id, target: .allAccessibleOrganizations, days: 365)
        #expect(try dir.service.policies(of: other.id, by: dir.admin)[.restrictGlobalTokens].isEnabled)
        let everyone = try Self.everyToken(dir)
        func listed() throws -> [TokenID] {
            try Self.walk(dir, TokenQuery.nonCompliant(try dir.service.nonComplianceRules(by: dir.admin))).map(\.id)
        }
        func expected(_ breaks: (PersonalAccessToken) -> Bool) -> [TokenID] {
            everyone.filter { $0.revocation == nil && $0.validTo > now && breaks($0) }
                .sorted { $0.validTo != $1.validTo ? $0.validTo < $1.validTo : Self.idBytes($0.id).lexicographicallyPrecedes(Self.idBytes($1.id)) }
                .map(\.id)
        }
        // A new organization restricts global tokens: those of its only member (admin) break it.
        #expect(try listed() == expected { $0.target.isGlobal && $0.ownerID == dir.admin.user.id })
        #expect(!(try listed().isEmpty))

        try dir.setPolicy(.restrictGlobalTokens, enabled: true)
        let global = expected { $0.target.isGlobal }
        #expect(!global.isEmpty)
        #expect(try listed() == global)
        #expect(try dir.service.count(TokenQuery.nonCompliant(try dir.service.nonComplianceRules(by: dir.admin)), by: dir.admin) == global.count)

        let bob = try dir.service.user(login: "bob", by: dir.admin)
        try dir.setPolicy(.restrictGlobalTokens, enabled: true, exemptions: [.user(bob.id)])
        #expect(try listed() == expected { $0.target.isGlobal && $0.ownerID != bob.id })

        try dir.setPolicy(.restrictFullScopedTokens, enabled: true)
        #expect(try listed() == expected { ($0.target.isGlobal && $0.ownerID != bob.id) || $0.scopes.isFullAccess })
    }

    @Test("users of one organization: by name, both ways, the members only; the count is exact")
    func usersOfOneOrganization() throws {
        let dir = try TestDirectory()
        let other = try dir.service.createOrganization(named: "Other", by: dir.admin)
        for index in 0..<12 {
            _ = try dir.service.createUser(UserDraft(displayName: "Person \(index % 5)", loginName: "p\(index)"),
                                           in: index % 3 == 0 ? [dir.orgID] : [dir.orgID, other.id], by: dir.admin)
        }
        // The members, as the membership table has them (the organization's creator is one too).
        let everyone = try dir.service.users(UserQuery(), page: .first(1_000), by: dir.admin).items
        let members = try everyone.filter { user in try dir.store.read { try $0.organizationIDs(ofUser: user.id) }.contains(other.id) }
        #expect(members.count == 9)
        let expected = members.sorted(by: PagingTests.displayOrder)
        let query = UserQuery(organizationID: other.id)
        #expect(try PagingTests.walkForward(dir, query, limit: 3).map(\.id) == expected.map(\.id))
        #expect(try PagingTests.walkBackward(dir, query, limit: 3).map(\.id) == expected.map(\.id))
        var descending = query
        descending.descending = true
        #expect(try PagingTests.walkForward(dir, descending, limit: 3).map(\.id) == expected.reversed().map(\.id))
        #expect(try dir.service.count(query, by: dir.admin) == expected.count)
        #expect(try dir.service.count(query, cap: 100, by: dir.admin) == .exact(expected.count))
        #expect(try dir.service.count(query, cap: 5, by: dir.admin) == ListCount(5, isExact: false))
    }

    @Test("the audit log of one actor: events they did and events done as someone else, merged newest first")
    func auditByActor() throws {
        let dir = try TestDirectory()
        try dir.addUser("bob", groups: [.projectCollectionAdministrators])
        let carol = try dir.addUser("carol")
        let adminAsBob = try dir.service.resolveActor(login: "admin", asLogin: "bob")
        let bob = try dir.actor("bob")
        for index in 0..<6 {
            try dir.addGroup("by admin \(index)")
            _ = try dir.service.createGroup(named: "as bob \(index)", in: dir.orgID, by: adminAsBob)
            _ = try dir.service.createGroup(named: "by bob \(index)", in: dir.orgID, by: bob)
        }
        _ = carol
        let all = try dir.service.auditEvents(AuditQuery(), page: .first(1_000), by: dir.admin).items
        for login in ["admin", "bob", "carol"] {
            let expected = all.filter { $0.actor.login == login || $0.impersonator?.login == login }.map(\.id)
            var page = try dir.service.auditEvents(AuditQuery(actorLogin: login), page: .first(4), by: dir.admin)
            var forward = page.items.map(\.id)
            while page.hasMoreAfter, let cursor = page.lastCursor {
                page = try dir.service.auditEvents(AuditQuery(actorLogin: login), page: PageRequest(.after(cursor), limit: 4), by: dir.admin)
                forward += page.items.map(\.id)
            }
            page = try dir.service.auditEvents(AuditQuery(actorLogin: login), page: PageRequest(.last, limit: 4), by: dir.admin)
            var backward = page.items.map(\.id)
            while page.hasMoreBefore, let cursor = page.firstCursor {
                page = try dir.service.auditEvents(AuditQuery(actorLogin: login), page: PageRequest(.before(cursor), limit: 4), by: dir.admin)
                backward = page.items.map(\.id) + backward
            }
            #expect(forward == expected, "\(login)")
            #expect(backward == expected, "\(login)")
            #expect(try dir.service.count(AuditQuery(actorLogin: login), by: dir.admin) == expected.count)
        }
        // Combined with another filter, in each walk.
        let created = all.filter { ($0.actor.login == "admin" || $0.impersonator?.login == "admin") && $0.action == .groupCreated }.map(\.id)
        #expect(try dir.service.auditEvents(AuditQuery(actorLogin: "admin", actions: [.groupCreated]), page: .first(100), by: dir.admin).items.map(\.id) == created)
    }

    @Test("a costly count stops at its cap and says so; a cheap one stays exact past it")
    func cappedCounts() throws {
        let (dir, _) = try Self.yearOfTokens()
        var unused = TokenQuery()
        unused.unusedFor = 30 * 86_400
        let exact = try dir.service.count(unused, by: dir.admin)
        #expect(exact > 4)
        #expect(try dir.service.count(unused, cap: 3, by: dir.admin) == ListCount(3, isExact: false))
        #expect(try dir.service.count(unused, cap: exact, by: dir.admin) == .exact(exact))
        #expect(try dir.service.count(unused, cap: exact - 1, by: dir.admin) == ListCount(exact - 1, isExact: false))
        // No filter: counting is cheap, so the count is exact whatever the cap.
        let all = try dir.service.count(TokenQuery(), by: dir.admin)
        #expect(try dir.service.count(TokenQuery(), cap: 3, by: dir.admin) == .exact(all))
        // The text filter's count is capped too.
        let named = try dir.service.count(TokenQuery(search: TextSearch("token")), by: dir.admin)
        #expect(try dir.service.count(TokenQuery(search: TextSearch("token")), cap: 2, by: dir.admin) == ListCount(2, isExact: false))
        #expect(try dir.service.count(TokenQuery(search: TextSearch("token")), cap: 1_000, by: dir.admin) == .exact(named))
        // The audit log filtered by target text.
        let events = try dir.service.count(AuditQuery(target: TextSearch("token")), by: dir.admin)
        #expect(events > 2)
        #expect(try dir.service.count(AuditQuery(target: TextSearch("token")), cap: 2, by: dir.admin) == ListCount(2, isExact: false))
    }
}

extension TokenQuery {
    static func nonCompliant(_ rules: [NonComplianceRule]) -> TokenQuery {
        var query = TokenQuery()
        query.nonCompliantWith = rules
        return query
    }
}
