import Foundation
import Testing
import GatehouseStore
@testable import GatehouseDomain

/// A text filter on the Tokens pane pages one of two ways: few matches are gathered by index and
/// sorted; many are found by walking the list's sort index and testing each row (LIKE on the name,
/// with the trigram index asked for rows holding characters it folds differently). Both must give
/// the rows of the filter done in Swift, in the list's order, in every sort, both ways, paged
/// forward and backward.
@Suite("Token text filter: the gathering and the walking plan give the same rows in the same order")
struct TokenSearchPlanTests {
    /// Names that exercise each way a match can happen: case, the owner's login, the handle, the
    /// characters the trigram index folds to ASCII (Kelvin sign, long s), a non-ASCII text, LIKE's
    /// wildcards typed literally.
    static let names = [
        "deploy-%d", "Dependabot %d", "ci-%d", "DEPLOY_%d", "\u{212A}ube-%d", "te\u{017F}t-%d", "Déploiement %d",
        "a%%b_%d", "backup-%d", "redeploy %d",
    ]

    static func directory() throws -> (TestDirectory, now: Date) {
        let dir = try TestDirectory()
        let owners = [nil, try dir.addUser("dana", kind: .serviceAccount).id, try dir.addUser("deploybot", kind: .serviceAccount).id, try dir.addUser("zed", kind: .serviceAccount).id]
        let lifespans = [30, 90, 365, 60, 180]
        for index in 0..<90 {
            let name = String(format: names[index % names.count], index)
            let issued = try dir.createToken(name, owner: owners[index % owners.count], days: lifespans[index % lifespans.count])
            if index % 11 == 4 { _ = try dir.service.revokeToken(issued.token.id, by: dir.admin) }
            if index % 3 == 1 { _ = try dir.service.verify(issued.secret) }
            // Some share a creation time and expiry (ties broken by id), most do not.
            if index % 3 == 2 { dir.clock.advance(by: 5 * 86_400) }
        }
        return (dir, dir.clock.now)
    }

    /// A service on the same database whose store walks from `threshold` matches.
    static func service(_ dir: TestDirectory, threshold: Int) throws -> (AccessService, SQLiteDirectoryStore) {
        let store = try SQLiteDirectoryStore(path: dir.databasePath, searchWalkThreshold: threshold)
        return (AccessService(store: store, catalog: dir.catalog, clock: dir.clock), store)
    }

    /// What the trigram index and LIKE mean, in Swift: the index folds case (ASCII and the rest, with
    /// the Kelvin sign and long s folded to "k" and "s"); LIKE and NOCASE fold ASCII only.
    static func trigramFold(_ text: String) -> String { text.lowercased().replacingOccurrences(of: "\u{017F}", with: "s") }
    static func asciiFold(_ text: String) -> [UInt8] { text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 } }

    static func matches(_ token: PersonalAccessToken, _ text: String, logins: [UserID: String]) -> Bool {
        let login = asciiFold(logins[token.ownerID] ?? "")
        if login.starts(with: asciiFold(text)) { return true }
        if text.count >= 3 {
            return trigramFold(token.displayName).contains(trigramFold(text)) || trigramFold(token.handle).contains(trigramFold(text))
        }
        return asciiFold(token.displayName).starts(with: asciiFold(text))
    }

    static func ordered(_ tokens: [PersonalAccessToken], by sort: TokenQuery.Sort, descending: Bool) -> [PersonalAccessToken] {
        func before(_ a: PersonalAccessToken, _ b: PersonalAccessToken) -> Bool {
            let (x, y): ([UInt8], [UInt8])
            func number(_ value: Double) -> [UInt8] { withUnsafeBytes(of: value.bitPattern.bigEndian) { Array($0) } }  // all ≥ 0
            switch sort {
            case .validTo: (x, y) = (number(a.validTo.timeIntervalSince1970), number(b.validTo.timeIntervalSince1970))
            case .createdAt: (x, y) = (number(a.createdAt.timeIntervalSince1970), number(b.createdAt.timeIntervalSince1970))
            case .lastUsedAt: (x, y) = (number(a.lastUsedAt?.timeIntervalSince1970 ?? 0), number(b.lastUsedAt?.timeIntervalSince1970 ?? 0))
            case .displayName: (x, y) = (asciiFold(a.displayName), asciiFold(b.displayName))
            }
            if x != y { return x.lexicographicallyPrecedes(y) }
            return ListQueryShapeTests.idBytes(a.id).lexicographicallyPrecedes(ListQueryShapeTests.idBytes(b.id))
        }
        let sorted = tokens.sorted(by: before)
        return descending ? sorted.reversed() : sorted
    }

    /// Every page forward (`.first`, `.after`) and backward (`.last`, `.before`), which must agree.
    static func pages(_ service: AccessService, _ actor: Actor, _ query: TokenQuery, limit: Int = 4) throws -> [PersonalAccessToken] {
        var page = try service.tokens(query, page: .first(limit), by: actor)
        var forward = page.items
        while page.hasMoreAfter, let cursor = page.lastCursor {
            page = try service.tokens(query, page: PageRequest(.after(cursor), limit: limit), by: actor)
            forward += page.items
        }
        page = try service.tokens(query, page: PageRequest(.last, limit: limit), by: actor)
        var backward = page.items
        while page.hasMoreBefore, let cursor = page.firstCursor {
            page = try service.tokens(query, page: PageRequest(.before(cursor), limit: limit), by: actor)
            backward = page.items + backward
        }
        #expect(forward.map(\.id) == backward.map(\.id), "forward and backward paging disagree")
        return forward
    }

    static let searches = ["d", "De", "dep", "DEPLOY", "deploy", "kub", "KUB", "est", "dép", "%b_", "a%b", "gpa", "dana", "eploy 1", "zzz"]

    @Test("every search, sort and direction, active tokens and all tokens: both plans equal the filter done in Swift",
          arguments: TokenQuery.Sort.allCases)
    func bothPlansMatchSwift(_ sort: TokenQuery.Sort) throws {
        let (dir, now) = try Self.directory()
        let (walking, walkingStore) = try Self.service(dir, threshold: 1)
        let (gathering, gatheringStore) = try Self.service(dir, threshold: 1_000_000)
        let every = try dir.service.tokens(TokenQuery(), page: .first(1_000), by: dir.admin).items
        #expect(every.count == 90)
        let logins = Dictionary(uniqueKeysWithValues: try dir.service.users(UserQuery(), page: .first(1_000), by: dir.admin).items.map { ($0.id, $0.loginName) })
        for text in Self.searches {
            let search = TextSearch(text)
            #expect(try gatheringStore.walksSortIndex(for: search) == false)
            // A non-ASCII text of 3+ characters always gathers: LIKE would not fold it as the index does.
            let walks = try walkingStore.walksSortIndex(for: search)
            let anyMatch = every.contains { Self.matches($0, text, logins: logins) }
            #expect(walks == (anyMatch && (text.count < 3 || text.allSatisfy(\.isASCII))), "\(text)")
            for statuses: Set<TokenStatus> in [[.active], []] {
                let filtered = every.filter { Self.matches($0, text, logins: logins) }
                    .filter { statuses.isEmpty || ($0.revocation == nil && $0.validTo > now) }
                for descending in [false, true] {
                    let query = TokenQuery(search: search, statuses: statuses, sort: sort, descending: descending)
                    let expected = Self.ordered(filtered, by: sort, descending: descending).map(\.id)
                    #expect(try Self.pages(walking, dir.admin, query).map(\.id) == expected, "walk \(text) \(statuses) desc \(descending)")
                    #expect(try Self.pages(gathering, dir.admin, query).map(\.id) == expected, "gather \(text) \(statuses) desc \(descending)")
                    #expect(try walking.count(query, by: dir.admin) == expected.count)
                }
            }
        }
        // The data set covers what it must: folded characters, a broad and a narrow term.
        #expect(every.filter { Self.matches($0, "kub", logins: logins) }.count > 5)
        #expect(every.filter { Self.matches($0, "est", logins: logins) }.count > 5)
    }

    @Test("the default threshold: a term matching many tokens walks, one matching few gathers")
    func decidesByBreadth() throws {
        let (dir, _) = try Self.directory()
        let (_, store) = try Self.service(dir, threshold: 20)
        #expect(try store.walksSortIndex(for: TextSearch("dep")))          // deploy, Dependabot, DEPLOY, redeploy, deploybot's
        #expect(try store.walksSortIndex(for: TextSearch("d")))            // names and logins starting with d
        #expect(try !store.walksSortIndex(for: TextSearch("kub")))         // 9 Kelvin-sign names
        #expect(try !store.walksSortIndex(for: TextSearch("backup-8")))    // one
        #expect(try !store.walksSortIndex(for: TextSearch("Déploiement"))) // not ASCII
    }
}
