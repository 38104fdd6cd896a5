import Foundation
import GRDB
import GatehouseTestSupport
import Testing
@testable import GatehouseDomain
@testable import GatehouseStore

/// `gatehouse dev seed` loads with its indexes and triggers dropped and puts them back at the end.
/// What would show if that broke: a generated directory whose filters miss rows (search indexes
/// not rebuilt) or whose verification cache never hears of a revocation (epoch triggers lost).
@Suite("Generated directory: as complete as one built through the façade")
struct GeneratedDirectoryTests {
    static func generate() throws -> (folder: TemporaryFolder, path: String, secrets: [String]) {
        let folder = try TemporaryFolder()
        let path = folder.path("generated.sqlite")
        var plan = BulkLoadPlan(administratorLogin: "admin")
        plan.users = 400
        plan.tokens = 3_000
        plan.teamsPerOrganization = 2
        plan.sampleSecrets = 5
        let report = try BulkLoader.load(path: path, plan: plan, catalog: try RepoResources.catalog())
        return (folder, path, report.sampleSecrets)
    }

    static func schemaObjects(_ store: SQLiteDirectoryStore) throws -> [String] {
        try store.pool.read { try String.fetchAll($0, sql: "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1") }
    }

    @Test func itHasEveryIndexAndTriggerOfAFreshDatabase() throws {
        let generated = try Self.generate()
        let fresh = try TestDirectory()
        #expect(try Self.schemaObjects(try SQLiteDirectoryStore(path: generated.path)) == (try Self.schemaObjects(fresh.store)))
    }

    @Test func textFiltersFindWhatAScanFinds() throws {
        let generated = try Self.generate()
        let service = AccessService(store: try SQLiteDirectoryStore(path: generated.path), catalog: try RepoResources.catalog())
        let admin = try service.resolveActor(login: "admin")
        let every = try collectAll { try service.tokens(TokenQuery(statuses: []), page: $0, by: admin) }
        #expect(every.count == 3_000)
        for term in ["deploy", "ci-", "npm"] {
            let found = try collectAll { try service.tokens(TokenQuery(search: TextSearch(term), statuses: []), page: $0, by: admin) }
            let expected = every.filter { $0.displayName.localizedCaseInsensitiveContains(term) || $0.handle.localizedCaseInsensitiveContains(term) }
            #expect(!expected.isEmpty, "the generator names some tokens \(term)")
            #expect(Set(found.map(\.id)) == Set(expected.map(\.id)), "tokens matching \(term)")
        }
        let users = try collectAll { try service.users(UserQuery(), page: $0, by: admin) }
        let maria = try collectAll { try service.users(UserQuery(search: TextSearch("mari")), page: $0, by: admin) }
        #expect(Set(maria.map(\.id)) == Set(users.filter {
            [$0.displayName, $0.loginName, $0.email].contains { $0.localizedCaseInsensitiveContains("mari") }
        }.map(\.id)))
    }

    @Test func aRevokedSampleTokenStopsVerifying() throws {
        let generated = try Self.generate()
        let service = AccessService(store: try SQLiteDirectoryStore(path: generated.path), catalog: try RepoResources.catalog())
        let secret = TokenSecret(presented: try #require(generated.secrets.first))
        let verified = try #require(try service.verify(secret).success)
        try service.revokeToken(verified.token.id, reason: "test", by: try service.resolveActor(login: "admin"))
        #expect(try service.verify(secret).failure?.code == "revoked")
    }
}
