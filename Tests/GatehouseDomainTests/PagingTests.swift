import Foundation
import Testing
@testable import GatehouseDomain

@Suite("Keyset paging and list filters")
struct PagingTests {
    /// 120 numbered accounts (every third a service account, every fifth disabled), created in a
    /// shuffled order, plus a few whose names hold LIKE's wildcard and escape characters.
    struct Crowd {
        let dir: TestDirectory
        let numbered: [User]
        let specials: [String: User]

        /// `size` numbered accounts: 120 for paging, a few where only the specials matter.
        init(size: Int = 120) throws {
            dir = try TestDirectory()
            var generator = SplitMix(seed: 42)
            var made: [User] = []
            for number in Array(0..<size).shuffled(using: &generator) {
                let kind: AccountKind = number % 3 == 0 ? .serviceAccount : .user
                let user = try dir.service.createUser(
                    UserDraft(displayName: String(format: "User %03d", number), loginName: String(format: "u%03d", number),
                              email: kind == .user ? String(format: "u%03d@corp.example", number) : "", kind: kind),
                    in: [dir.orgID], by: dir.admin)
                made.append(number % 5 == 0 ? try dir.service.setStatus(.disabled, ofUser: user.id, by: dir.admin) : user)
                // Half of them share a creation time with the one before: ties to break by id.
                if number % 2 == 0 { dir.clock.advance(by: 1) }
            }
            numbered = made
            var specials: [String: User] = [:]
            for (login, name) in [("p1", "Percent 100% Sure"), ("p2", "Percent 1000 Sure"), ("s1", "Under_score"), ("s2", "UnderXscore"),
                                  ("b1", "Back\\slash"), ("b2", "Backslash")] {
                specials[name] = try dir.service.createUser(UserDraft(displayName: name, loginName: login), in: [dir.orgID], by: dir.admin)
            }
            self.specials = specials
        }

    }

    static func idBytes(_ id: UserID) -> [UInt8] { withUnsafeBytes(of: id.uuid.uuid) { Array($0) } }

    /// SQLite's order: NOCASE text (ASCII folding), then the id's 16 bytes.
    static func displayOrder(_ a: User, _ b: User) -> Bool {
        let (x, y) = (a.displayName.lowercased(), b.displayName.lowercased())
        return x != y ? x < y : idBytes(a.id).lexicographicallyPrecedes(idBytes(b.id))
    }

    static func creationOrder(_ a: User, _ b: User) -> Bool {
        a.createdAt != b.createdAt ? a.createdAt < b.createdAt : idBytes(a.id).lexicographicallyPrecedes(idBytes(b.id))
    }

    static func walkForward(_ dir: TestDirectory, _ query: UserQuery, limit: Int) throws -> [User] {
        var users: [User] = []
        var page = try dir.service.users(query, page: .first(limit), by: dir.admin)
        #expect(!page.hasMoreBefore)
        users += page.items
        while page.hasMoreAfter {
            let cursor = try #require(page.lastCursor)
            page = try dir.service.users(query, page: PageRequest(.after(cursor), limit: limit), by: dir.admin)
            #expect(page.hasMoreBefore)
            #expect(page.items.count <= limit)
            users += page.items
        }
        return users
    }

    static func walkBackward(_ dir: TestDirectory, _ query: UserQuery, limit: Int) throws -> [User] {
        var page = try dir.service.users(query, page: PageRequest(.last, limit: limit), by: dir.admin)
        #expect(!page.hasMoreAfter)
        var users = page.items
        while page.hasMoreBefore {
            let cursor = try #require(page.firstCursor)
            page = try dir.service.users(query, page: PageRequest(.before(cursor), limit: limit), by: dir.admin)
            #expect(page.hasMoreAfter)
            users = page.items + users
        }
        return users
    }

    @Test("walking forward with .after visits every user exactly once in sorted order; .last then .before walks back")
    func walkEveryUser() throws {
        let crowd = try Crowd()
        let expected = try crowd.dir.allUsers().sorted(by: Self.displayOrder)
        #expect(expected.count == 127) // admin, 120 numbered, 6 specials
        #expect(try crowd.dir.service.count(UserQuery(), by: crowd.dir.admin) == 127)

        for limit in [1, 7, 25, 127, 500] {
            let forward = try Self.walkForward(crowd.dir, UserQuery(), limit: limit)
            #expect(forward.map(\.id) == expected.map(\.id), "limit \(limit)")
            #expect(Set(forward.map(\.id)).count == forward.count, "no user twice")
            let backward = try Self.walkBackward(crowd.dir, UserQuery(), limit: limit)
            #expect(backward.map(\.id) == expected.map(\.id), "limit \(limit)")
        }
        // Descending is the exact reverse.
        let descending = try Self.walkForward(crowd.dir, UserQuery(descending: true), limit: 10)
        #expect(descending.map(\.id) == expected.reversed().map(\.id))
        // The first page of numbered users starts where it should.
        let first = try crowd.dir.service.users(UserQuery(search: TextSearch("User ", mode: .prefix)), page: .first(3), by: crowd.dir.admin)
        #expect(first.items.map(\.displayName) == ["User 000", "User 001", "User 002"])
    }

    @Test(".from(cursor) reloads a page in place, and still starts at the right row when that row is gone")
    func reloadInPlace() throws {
        let crowd = try Crowd(size: 30)
        let query = UserQuery()
        let first = try crowd.dir.service.users(query, page: .first(10), by: crowd.dir.admin)
        let second = try crowd.dir.service.users(query, page: PageRequest(.after(try #require(first.lastCursor)), limit: 10), by: crowd.dir.admin)
        let anchor = try #require(second.firstCursor)
        let reloaded = try crowd.dir.service.users(query, page: PageRequest(.from(anchor), limit: 10), by: crowd.dir.admin)
        #expect(reloaded.items.map(\.id) == second.items.map(\.id))

        // Someone deletes the first row of the window; reloading shows the rows after it, none skipped.
        try crowd.dir.service.deleteUser(second.items[0].id, by: crowd.dir.admin)
        let afterDelete = try crowd.dir.service.users(query, page: PageRequest(.from(anchor), limit: 10), by: crowd.dir.admin)
        let expected = Array(try crowd.dir.allUsers().sorted(by: Self.displayOrder).drop { Self.displayOrder($0, second.items[1]) }.prefix(10))
        #expect(afterDelete.items.first?.id == second.items[1].id)
        #expect(afterDelete.items.map(\.id) == expected.map(\.id))
    }

    @Test("ties in the sort column are broken by id: every user once, also backwards and descending")
    func tiesAreBrokenById() throws {
        let crowd = try Crowd()
        let expected = try crowd.dir.allUsers().sorted(by: Self.creationOrder)
        #expect(Set(expected.map(\.createdAt)).count < expected.count, "the data has ties")
        let query = UserQuery(sort: .createdAt)
        #expect(try Self.walkForward(crowd.dir, query, limit: 4).map(\.id) == expected.map(\.id))
        #expect(try Self.walkBackward(crowd.dir, query, limit: 6).map(\.id) == expected.map(\.id))
        let descending = UserQuery(sort: .createdAt, descending: true)
        #expect(try Self.walkForward(crowd.dir, descending, limit: 5).map(\.id) == expected.reversed().map(\.id))
        let byLogin = try Self.walkForward(crowd.dir, UserQuery(sort: .loginName), limit: 9).map(\.loginName)
        #expect(byLogin == byLogin.sorted { $0.lowercased() < $1.lowercased() })
    }

    @Test("filters return only matching rows, page after page, and counts match", arguments: [
        "service accounts", "disabled", "disabled service accounts", "prefix", "substring", "email",
    ])
    func filters(_ name: String) throws {
        let crowd = try Crowd()
        let all = try crowd.dir.allUsers()
        let (query, matches): (UserQuery, (User) -> Bool) = switch name {
        case "service accounts": (UserQuery(kinds: [.serviceAccount]), { $0.kind == .serviceAccount })
        case "disabled": (UserQuery(statuses: [.disabled]), { $0.status == .disabled })
        case "disabled service accounts":
            (UserQuery(kinds: [.serviceAccount], statuses: [.disabled]), { $0.kind == .serviceAccount && $0.status == .disabled })
        case "prefix": (UserQuery(search: TextSearch("user 04", mode: .prefix)), { $0.displayName.hasPrefix("User 04") })
        case "substring": (UserQuery(search: TextSearch("r 11")), { $0.displayName.contains("r 11") })
        default: (UserQuery(search: TextSearch("@corp.EXAMPLE")), { $0.email.hasSuffix("@corp.example") })
        }
        let expected = all.filter(matches).sorted(by: Self.displayOrder)
        #expect(!expected.isEmpty && expected.count < all.count)
        let walked = try Self.walkForward(crowd.dir, query, limit: 4)
        #expect(walked.map(\.id) == expected.map(\.id))
        #expect(try crowd.dir.service.count(query, by: crowd.dir.admin) == expected.count)
        #expect(try Self.walkBackward(crowd.dir, query, limit: 3).map(\.id) == expected.map(\.id))
    }

    @Test("%, _ and \\ typed in a search are literal characters; short searches match the start", arguments: [
        ("100%", TextSearch.Mode.substring, ["Percent 100% Sure"]),
        ("Percent 100%", .prefix, ["Percent 100% Sure"]),
        ("Under_", .prefix, ["Under_score"]),
        ("r_s", .substring, ["Under_score"]),
        ("k\\s", .substring, ["Back\\slash"]),
        ("% S", .substring, ["Percent 100% Sure"]),
        ("_", .prefix, []),
        // Under three characters a substring search matches the start only (so it can use an index).
        ("%", .substring, []),
        ("ck", .substring, []),
        ("Ba", .substring, ["Back\\slash", "Backslash"]),
    ])
    func wildcardsAreLiteral(_ text: String, _ mode: TextSearch.Mode, _ names: [String]) throws {
        let crowd = try Crowd(size: 12)
        let query = UserQuery(search: TextSearch(text, mode: mode))
        #expect(try crowd.dir.allUsers(query).map(\.displayName) == names)
        #expect(try crowd.dir.service.count(query, by: crowd.dir.admin) == names.count)
    }

    @Test("groups page by name and filter by organization")
    func groups() throws {
        let dir = try TestDirectory()
        for index in 0..<12 { try dir.addGroup(String(format: "Team %02d", index)) }
        let other = try dir.service.createOrganization(named: "Other", by: dir.admin)
        let query = GroupQuery(organizationID: dir.orgID)
        #expect(try dir.service.count(query, by: dir.admin) == 18)
        #expect(try dir.service.count(GroupQuery(), by: dir.admin) == 24)
        var names: [String] = []
        var page = try dir.service.groups(query, page: .first(5), by: dir.admin)
        names += page.items.map(\.name)
        while page.hasMoreAfter, let cursor = page.lastCursor {
            page = try dir.service.groups(query, page: PageRequest(.after(cursor), limit: 5), by: dir.admin)
            names += page.items.map(\.name)
        }
        #expect(names == names.sorted { $0.lowercased() < $1.lowercased() })
        #expect(names.count == 18)
        #expect(try dir.service.groups(GroupQuery(search: TextSearch("team 1", mode: .prefix)), page: .first(), by: dir.admin).items.map(\.name) == ["Team 10", "Team 11"])
        #expect(try dir.service.count(GroupQuery(search: TextSearch("Readers"), organizationID: other.id), by: dir.admin) == 1)
    }

    @Test("tokens with the same expiry page without loss or repeat")
    func tokensWithTies() throws {
        let dir = try TestDirectory()
        var made: Set<TokenID> = []
        for index in 0..<30 { made.insert(try dir.createToken("t\(index)", days: index < 20 ? 30 : 60).token.id) }
        var seen: [TokenID] = []
        var page = try dir.service.tokens(TokenQuery(), page: .first(4), by: dir.admin)
        seen += page.items.map(\.id)
        while page.hasMoreAfter, let cursor = page.lastCursor {
            page = try dir.service.tokens(TokenQuery(), page: PageRequest(.after(cursor), limit: 4), by: dir.admin)
            seen += page.items.map(\.id)
        }
        #expect(seen.count == 30)
        #expect(Set(seen) == made)
        let validTos = try seen.map { try dir.service.token($0, by: dir.admin).validTo }
        #expect(validTos == validTos.sorted())
    }

    @Test("the audit log pages newest first without loss or repeat")
    func auditNewestFirst() throws {
        let dir = try TestDirectory()
        for index in 0..<15 { try dir.addGroup("G\(index)") }
        let total = try dir.auditCount()
        var ids: [Int64] = []
        var page = try dir.service.auditEvents(AuditQuery(), page: .first(4), by: dir.admin)
        ids += page.items.map(\.id)
        while page.hasMoreAfter, let cursor = page.lastCursor {
            page = try dir.service.auditEvents(AuditQuery(), page: PageRequest(.after(cursor), limit: 4), by: dir.admin)
            ids += page.items.map(\.id)
        }
        #expect(ids.count == total)
        #expect(ids == ids.sorted(by: >))
        let created = try dir.service.auditEvents(AuditQuery(actions: [.groupCreated], target: TextSearch("G1", mode: .prefix)), page: .first(), by: dir.admin)
        #expect(Set(created.items.map(\.target.name)) == ["G1", "G10", "G11", "G12", "G13", "G14"])
    }
}

/// A small seeded generator, so the shuffled creation order is the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
