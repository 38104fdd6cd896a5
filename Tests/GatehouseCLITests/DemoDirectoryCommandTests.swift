import Foundation
import GatehouseDemo
import GatehouseDomain
import GatehouseStore
import Testing

/// A kept demo copy (`gatehouse demo --keep PATH`) can be scripted against by a presenter whose
/// OS login is not in it: the CLI acts as the demo administrator, or as anyone with --as.
@Suite struct DemoDirectoryCommandTests {
    let fixture: CLIFixture
    let demoPath: String

    init() throws {
        fixture = try CLIFixture()
        demoPath = fixture.folder.appendingPathComponent("demo.sqlite").path
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let resources = ResourceLocator(directory: repository.appendingPathComponent("Resources"))
        try DemoSeeder(resources: resources).seed(into: SQLiteDirectoryStore(path: demoPath), catalog: resources.scopeCatalog(), now: Date())
    }

    @Test func actsAsTheDemoAdministratorByDefault() throws {
        let result = fixture.run(["users", "list", "--json", "--db", demoPath], database: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.jsonArray().count > 60)
        // The presenter's own login was not added to the demo.
        let root = fixture.run(["users", "show", fixture.adminLogin, "--db", demoPath], database: false)
        #expect(root.status == 4)
    }

    @Test func anyoneMayActAsAnyDemoUser() throws {
        let result = fixture.run(["tokens", "list", "--json", "--as", "ymoreau", "--db", demoPath], database: false)
        #expect(result.status == 0, "\(result.stderr)")
        let owners = Set(try result.jsonArray().compactMap { $0["owner"] as? String })
        #expect(owners == ["ymoreau"], "a plain user sees only their own tokens")
    }
}
