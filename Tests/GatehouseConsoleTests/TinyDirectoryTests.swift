import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// A directory built through the façade with exactly what each test needs: exact counts, empty
/// states, and rows that sort before everything already on screen.
@MainActor @Suite struct TinyDirectoryTests {
    static func addUsers(_ names: [(String, String)]) -> (AccessService, Actor, OrganizationID) throws -> Void {
        { service, admin, organization in
            for (name, login) in names {
                _ = try service.createUser(UserDraft(displayName: name, loginName: login), in: [organization], by: admin)
            }
        }
    }

    @Test func theCounterStopsAtBothEnds() throws {
        let console = try TinyConsole(setup: Self.addUsers([("Mira Middle", "mmiddle"), ("Zed Last", "zlast")]))
        #expect(console.titleRow.contains("1 of 3"))
        #expect(console.tableRows.count == 3)
        #expect(console.selectedRow?.hasPrefix("Ada Admin") == true)
        console.send(.character("k"), .up)
        #expect(console.titleRow.contains("1 of 3"))
        console.send(.character("j"))
        #expect(console.titleRow.contains("2 of 3"))
        #expect(console.selectedRow?.hasPrefix("Mira Middle") == true)
        console.send(.pageDown)
        #expect(console.titleRow.contains("3 of 3"), "PgDn on a short list lands on the last row")
        console.send(.character("j"), .down, .end)
        #expect(console.titleRow.contains("3 of 3"))
        #expect(console.selectedRow?.hasPrefix("Zed Last") == true)
    }

    @Test func aNewUserThatSortsFirstAppearsAtTheTop() throws {
        let console = try TinyConsole(setup: Self.addUsers([("Mira Middle", "mmiddle")]))
        console.send(.character("n"))
        console.type("Aaron Able")
        console.send(.tab)
        console.type("aable")
        console.send(.ctrl("s"))
        #expect(console.headerRow.contains("Users \u{203A} aable"))
        console.send(.escape)
        #expect(console.titleRow.contains("of 3"), "\(console.dump)")
        #expect(console.tableRows.count == 3)
        #expect(console.tableRows.first?.hasPrefix("Aaron Able") == true, "the list is read again from the top\(console.dump)")
    }

    @Test func anEmptyTokenListSaysWhatToDo() throws {
        let console = try TinyConsole()
        console.send(.character("3"))
        #expect(console.titleRow.contains("0 of 0"))
        #expect(console.shows("No tokens. Press n to create one."))
        console.send(.enter, .character("d"), .character("e"), .character("r"))
        #expect(console.headerRow.contains("Gatehouse \u{203A} Tokens"), "nothing to open, edit or revoke")
        #expect(!console.shows("Revoke token?"))
        console.send(.character("B"))
        #expect(console.messageRow.contains("Bulk revoke needs a filter"))
        console.filter("nothing like it")
        console.send(.character("B"))
        #expect(console.shows("these 0 active tokens would be revoked"))
        #expect(console.shows("nothing would be revoked"))
        console.send(.character("R"))
        #expect(!console.shows("Reason:"))
        #expect(console.messageRow.contains("Nothing to revoke"))
    }

    @Test func theFirstTokenOfANewDirectoryGoesThroughTheWholeWizard() throws {
        let console = try TinyConsole()
        console.send(.character("3"), .character("n"))
        #expect(console.wizardStep == "Owner")
        console.send(.enter)
        console.type("First")
        console.send(.enter)
        #expect(console.row(containing: "Default")?.contains("(\u{2022})") == true, "the only organization is chosen\(console.dump)")
        console.send(.enter, .enter)
        console.send(.character("F"), .enter)
        #expect(console.row(containing: "Scopes  ")?.contains("Full access") == true, "\(console.dump)")
        console.send(.enter)
        let secret = try #require(console.visibleSecrets.first)
        console.send(.character("y"))
        #expect(console.titleRow.contains("1 of 1"))
        #expect(console.tableRows.first?.hasPrefix("First") == true)
        let verified = try console.service.verify(TokenSecret(presented: secret)).get()
        #expect(verified.scopes == .fullAccess)
        #expect(verified.organizations.map(\.name) == ["Default"])
    }

    @Test func aUserWithoutAnyPermissionStillGetsExplanations() throws {
        let console = try TinyConsole(actingAs: "plain", setup: Self.addUsers([("Plain User", "plain")]))
        #expect(console.headerRow.contains("admin as plain"))
        console.send(.character("n"))
        #expect(console.messageRow.contains("You may not add users"), "\(console.dump)")
        console.send(.character("3"))
        #expect(console.titleRow.contains("yours only"))
        console.send(.character("n"))
        #expect(console.wizardStep == "Name", "creating one's own token needs no Owner step\(console.dump)")
        console.send(.escape, .character("4"))
        #expect(console.screen.contains("View audit log"))
    }
}
