import Foundation
import Testing
import GatehouseDomain
@testable import GatehouseConsole

/// The console behind the walls: the header says "all organizations" only when it is true, and
/// every list, count and `:` command stops at the acting user's organizations.
@MainActor @Suite struct OrganizationWallConsoleTests {
    @Test func theHeaderNamesTheOrganizationsTheActorSees() throws {
        let everything = try DemoConsole()
        #expect(everything.headerRow.contains("all organizations"), "\(everything.dump)")
        let contoso = try DemoConsole(as: "bhoffmann")
        #expect(contoso.headerRow.contains("Contoso"), "\(contoso.dump)")
        #expect(!contoso.headerRow.contains("all organizations"), "bhoffmann administers Contoso only\(contoso.dump)")
        let both = try DemoConsole(as: "aandersen")
        #expect(both.headerRow.contains("Contoso and Fabrikam") || both.headerRow.contains("Fabrikam and Contoso"), "\(both.dump)")
    }

    @Test func anotherOrganizationCannotBeNamedOrCompleted() throws {
        let console = try DemoConsole(as: "bhoffmann")
        console.command("org Northwind")
        #expect(console.messageRow.contains("No organization named"), "\(console.dump)")
        #expect(!console.messageRow.contains("Northwind,"), "the known organizations listed are the actor's own")
        console.command("user cokafor")
        #expect(!console.headerRow.contains("cokafor"), "Northwind's administrator is not there to open\(console.dump)")
    }

    @Test func theTokensCountIsTheTokensListed() throws {
        let console = try DemoConsole(as: "bhoffmann")
        let visible = try console.service.count(TokenQuery(statuses: [.active]), by: console.actor)
        let everything = try console.service.count(TokenQuery(statuses: [.active]), by: console.administrator)
        #expect(visible < everything, "Contoso's administrator sees fewer tokens than the whole directory holds")
        console.send(.character("3"))
        #expect(console.screen.contains("of \(visible) \u{00B7} everyone's in Contoso"), "\(console.dump)")
    }
}
