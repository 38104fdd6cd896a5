import Foundation
import GatehouseTestSupport
import Testing
@testable import GatehouseDomain
@testable import GatehouseStore

/// The query shapes of migration v10 (`v10-covering-indexes`), each against a plain scan of a
/// generated directory (`gatehouse dev seed`'s loader): what a user types must find the same rows,
/// in the same order, as before the shapes changed.
@Suite("Covering-index query shapes: the same answers as a scan")
struct CoveringIndexQueryTests {
    /// One generated directory per test, opened with the walking plan forced (threshold 1) and
    /// with the gathering plan forced.
    struct Generated {
        let folder: TemporaryFolder
        let path: String
        let walking: AccessService
        let gathering: AccessService
        let admin: Actor

        init() throws {
            let generated = try GeneratedDirectoryTests.generate()
            folder = generated.folder
            path = generated.path
            let catalog = try RepoResources.catalog()
            walking = AccessService(store: try SQLiteDirectoryStore(path: generated.path, searchWalkThreshold: 1), catalog: catalog)
            gathering = AccessService(store: try SQLiteDirectoryStore(path: generated.path, searchWalkThreshold: 1_000_000), catalog: catalog)
            admin = try walking.resolveActor(login: "admin")
        }
    }

    @Test("one and two letters, active tokens soonest to expire (the walk of token_active_search_walk): the rows and order of a scan, both ways")
    func oneLetterTokenWalk() throws {
        let generated = try Generated()
        let service = generated.walking, admin = generated.admin
        let now = Date()
        let every = try collectAll { try service.tokens(TokenQuery(statuses: []), page: $0, by: admin) }
        let logins = Dictionary(uniqueKeysWithValues: try collectAll { try service.users(UserQuery(), page: $0, by: admin) }.map { ($0.id, $0.loginName) })
        var matched = 0
        for text in ["e", "G", "ma", "d", "De", "zz", "_"] {
            let expectedSet = every.filter { $0.revocation == nil && $0.validTo > now && TokenSearchPlanTests.matches($0, text, logins: logins) }
            matched += expectedSet.count
            for descending in [false, true] {
                let query = TokenQuery(search: TextSearch(text), statuses: [.active], sort: .validTo, descending: descending)
                let expected = TokenSearchPlanTests.ordered(expectedSet, by: .validTo, descending: descending).map(\.id)
                #expect(try TokenSearchPlanTests.pages(service, admin, query, limit: 40).map(\.id) == expected, "walk \(text) desc \(descending)")
                #expect(try TokenSearchPlanTests.pages(generated.gathering, admin, query, limit: 40).map(\.id) == expected, "gather \(text) desc \(descending)")
                // The dry run's page: the same tokens, each with its owner's login.
                let owned = try service.tokensWithOwners(query, page: .first(40), by: admin).items
                #expect(owned.map(\.token.id) == Array(expected.prefix(40)))
                #expect(owned.allSatisfy { $0.ownerLogin == logins[$0.token.ownerID] })
            }
        }
        #expect(matched > 100, "the generated directory has owners and names for these letters")
    }

    @Test("the covered walk behind the walls: a reader of one organization's tokens, and of their own, finds what their own list holds")
    func oneLetterTokenWalkBehindWalls() throws {
        let generated = try Generated()
        let service = generated.walking, admin = generated.admin
        let now = Date()
        let users = try collectAll { try service.users(UserQuery(kinds: [.user]), page: $0, by: admin) }
        let logins = Dictionary(uniqueKeysWithValues: try collectAll { try service.users(UserQuery(), page: $0, by: admin) }.map { ($0.id, $0.loginName) })
        // One who manages others' tokens somewhere (walled to those organizations), one who reads only their own.
        var readers: [Actor] = []
        for user in users where user.isActive {
            let actor = try service.resolveActor(login: user.loginName)
            let manages = try service.managesOthersTokens(actor)
            if manages, !readers.contains(where: { (try? service.managesOthersTokens($0)) == true }) { readers.append(actor) }
            if !manages, !readers.contains(where: { (try? service.managesOthersTokens($0)) == false }) { readers.append(actor) }
            if readers.count == 2 { break }
        }
        #expect(readers.count == 2)
        let organization = try #require(try service.organizations(by: admin).first)
        for reader in readers {
            let visible = try collectAll { try service.tokens(TokenQuery(statuses: [.active]), page: $0, by: reader) }
            for text in ["e", "a", "ma"] {
                for scoped in [nil, organization.id] {
                    var query = TokenQuery(search: TextSearch(text), organizationID: scoped, statuses: [.active], sort: .validTo)
                    query.descending = scoped != nil
                    let inScope = try scoped.map { id in Set(try collectAll { try service.tokens(TokenQuery(organizationID: id, statuses: [.active]), page: $0, by: reader) }.map(\.id)) }
                    let expected = TokenSearchPlanTests.ordered(visible.filter {
                        $0.validTo > now && TokenSearchPlanTests.matches($0, text, logins: logins) && (inScope?.contains($0.id) ?? true)
                    }, by: .validTo, descending: query.descending).map(\.id)
                    #expect(try TokenSearchPlanTests.pages(service, reader, query, limit: 40).map(\.id) == expected, "\(reader.user.loginName) \(text) \(scoped == nil ? "" : organization.name)")
                }
            }
        }
    }

    @Test("a 3+ letter Users filter is counted inside the trigram index: the count of a scan, also after a rename and a deletion")
    func trigramUserCount() throws {
        let generated = try Generated()
        let service = generated.walking, admin = generated.admin
        func check(_ note: String) throws {
            let users = try collectAll { try service.users(UserQuery(), page: $0, by: admin) }
            for text in ["mari", "MAR", "son", "a.h", "example", "zzq", "Zoë"] {
                let fields = { (user: User) in [user.displayName, user.loginName, user.email].map { $0.lowercased() } }
                let expected = users.filter { fields($0).contains { $0.contains(text.lowercased()) } }.count
                let query = UserQuery(search: TextSearch(text))
                #expect(try service.count(query, by: admin) == expected, "\(note): \(text)")
                #expect(try service.count(query, cap: 10, by: admin) == .exact(expected), "\(note): \(text), capped")
                #expect(try collectAll { try service.users(query, page: $0, by: admin) }.count == expected, "\(note): \(text), listed")
                // With another filter the count is the list's own (not the index's).
                let people = UserQuery(search: TextSearch(text), kinds: [.user])
                #expect(try service.count(people, by: admin) == users.filter { $0.kind == .user && fields($0).contains { $0.contains(text.lowercased()) } }.count)
            }
        }
        try check("generated")
        let users = try collectAll { try service.users(UserQuery(kinds: [.user]), page: $0, by: admin) }
        let renamed = try #require(users.first { !$0.displayName.lowercased().contains("zoë") })
        let draft = UserDraft(displayName: "Zoë Zzqist", loginName: renamed.loginName, email: renamed.email, kind: renamed.kind,
                              identitySource: renamed.identitySource, accessLevel: renamed.accessLevel)
        _ = try service.updateUser(renamed.id, to: draft, expectedVersion: renamed.version, by: admin)
        let deleted = try #require(users.last { $0.displayName.lowercased().contains("mar") && $0.id != renamed.id })
        try service.deleteUser(deleted.id, by: admin)
        try check("after a rename and a deletion")
        #expect(try service.count(UserQuery(search: TextSearch("zzq")), by: admin) == 1)
    }

    @Test("policy impact's holders (nested groups read once, memberships inside the index): each member's own evaluation, in every organization")
    func holdersMatchEachMembersEvaluation() throws {
        let generated = try Generated()
        let service = generated.walking, admin = generated.admin
        for organization in try service.organizations(by: admin) {
            let members = try collectAll { try service.users(UserQuery(organizationID: organization.id), page: $0, by: admin) }
            let expected = try members.filter { member in
                try member.isActive && service.effectivePermissions(of: member.id, in: organization.id, by: admin)
                    .contains { $0.permission == .createTokens && $0.isAllowed }
            }
            #expect(!expected.isEmpty && expected.count < members.count, "\(organization.name): some hold Create tokens, not all")
            var policy = try service.policies(of: organization.id, by: admin)[.restrictCreation]
            policy.isEnabled = true
            let impact = try service.policyImpact(of: policy, in: organization.id, by: admin)
            #expect(impact.usersLosingCreation == min(expected.count, PolicyImpact.countCap), "\(organization.name)")
            #expect(impact.usersLosingCreationIsExact == (expected.count <= PolicyImpact.countCap))
            let exact = try SQLiteDirectoryStore(path: generated.path).read {
                try $0.permissionHolders(.createTokens, in: organization.id, exempt: [], only: nil, cap: Int.max)
            }.value
            #expect(exact == expected.count, "\(organization.name)")
        }
    }
}
