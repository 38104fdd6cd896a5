import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// The Groups pane: filter, the group detail (members and permission grid), delete behind a
/// dialog, and what someone without "Manage groups" sees.
@MainActor @Suite struct GroupsPaneTests {
    @Test func slashFiltersGroupsAsYouType() throws {
        let console = try DemoConsole()
        console.send(.character("2"))
        let total = try console.groupCount()
        #expect(console.counter?.total == total)
        console.send(.character("/"))
        console.type("Contr")
        let rows = console.tableRows
        #expect(rows.count == 4, "Contractors and the three Contributors\(console.dump)")
        #expect(rows.allSatisfy { $0.hasPrefix("Contr") })
        console.type("a")
        #expect(console.tableRows.count == 1)
        #expect(console.tableRows.first?.hasPrefix("Contractors") == true)
        console.send(.escape)
        #expect(console.counter?.total == total)
    }

    @Test func groupDetailShowsMembersNestedGroupsAndThePermissionGrid() throws {
        let console = try DemoConsole()
        console.command("group Release Managers")
        #expect(console.headerRow.contains("Groups \u{203A} Release Managers"))
        #expect(console.shows("custom group of Fabrikam"))
        #expect(console.shows("Members (3)"))
        #expect(console.row(containing: "dvarga")?.contains("Dana Varga") == true)
        #expect(console.row(containing: "gquist")?.contains("Grace Quist") == true)
        let nested = try #require(console.row(containing: "Build Administrators"))
        #expect(nested.contains("group"))
        #expect(nested.contains("nested group"))
        #expect(console.row(containing: "Manage others' tokens")?.contains("(\u{2022}) Allow") == true, "\(console.dump)")
        #expect(console.row(containing: "View audit log")?.contains("(\u{2022}) Allow") == true)
        #expect(console.row(containing: "Manage users")?.contains("(\u{2022}) Not set") == true)
        #expect(console.row(containing: "Create tokens")?.contains("(\u{2022}) Not set") == true)
    }

    @Test func contractorsGridShowsTheDenies() throws {
        let console = try DemoConsole()
        console.command("group Contractors")
        #expect(console.row(containing: "Create tokens")?.contains("(\u{2022}) Deny") == true, "\(console.dump)")
        #expect(console.row(containing: "Manage groups")?.contains("(\u{2022}) Deny") == true)
        #expect(console.row(containing: "pbarros") != nil)
        #expect(console.row(containing: "sweber") != nil)
    }

    @Test func changingAPermissionInTheGridIsSavedAndAudited() throws {
        let console = try DemoConsole()
        let contractors = try console.service.group(named: "Contractors", in: try console.organization("Fabrikam").id, by: console.administrator)
        let events = try console.auditCount()
        console.command("group Contractors")
        // Tab to the grid, down to "Edit policies" (5th), → from Not set to Allow.
        console.send(.tab, .down, .down, .down, .down, .right)
        #expect(try console.service.permissionSettings(of: contractors.id, by: console.administrator)[.editPolicies] == .allow)
        #expect(try console.auditCount() == events + 1)
        #expect(console.row(containing: "Edit policies")?.contains("(\u{2022}) Allow") == true)
        #expect(console.messageRow.contains("Edit policies: Allow for Contractors"))
    }

    @Test func enterOnAMemberOpensThatUser() throws {
        let console = try DemoConsole()
        console.command("group Contractors")
        console.send(.enter)
        #expect(console.headerRow.contains("Contractors \u{203A} pbarros"), "\(console.dump)")
        #expect(console.shows("Effective permissions"))
    }

    @Test func deleteNamesTheGroupCancelsFirstAndConfirmDeletesWithAnAuditEvent() throws {
        let console = try DemoConsole()
        let groups = try console.groupCount()
        let events = try console.auditCount()
        console.send(.character("2"))
        console.filter("Contractors")
        console.send(.character("d"))
        #expect(console.shows("Delete group?"))
        #expect(console.shows("Contractors (Fabrikam)"))
        #expect(console.shows("Members lose the permissions this group gives them"))
        console.send(.enter)
        #expect(!console.shows("Delete group?"))
        #expect(try console.groupCount() == groups)
        #expect(try console.auditCount() == events)

        console.send(.character("d"), .tab, .enter)
        #expect(try console.groupCount() == groups - 1)
        #expect(try console.auditCount() == events + 1)
        #expect(try console.auditEvents().first?.action == .groupDeleted)
        #expect(try console.auditEvents().first?.target.name == "Contractors")
        #expect(console.counter?.total == 0)
        #expect(console.messageRow.contains("Deleted group Contractors"))
    }

    @Test func defaultGroupsCannotBeDeleted() throws {
        let console = try DemoConsole()
        let groups = try console.groupCount()
        console.send(.character("2"))
        console.filter("Readers")
        console.send(.character("d"))
        #expect(!console.shows("Delete group?"))
        #expect(console.messageRow.contains("default group and cannot be deleted"))
        #expect(try console.groupCount() == groups)
    }

    @Test func withoutManageGroupsNewExplainsWhyAndOpensNothing() throws {
        let console = try DemoConsole(as: "ymoreau")
        console.send(.character("2"))
        #expect(console.footerRow.contains("n New"))
        let groups = try console.groupCount()
        console.send(.character("n"))
        #expect(console.messageRow.contains("Manage groups"), "\(console.dump)")
        #expect(!console.headerRow.contains("New group"))
        console.filter("Contractors")
        console.send(.character("d"))
        #expect(!console.shows("Delete group?"))
        #expect(console.messageRow.contains("Manage groups"))
        console.send(.enter, .tab, .right)
        #expect(console.messageRow.contains("Manage groups"), "the grid refuses too\(console.dump)")
        #expect(try console.groupCount() == groups)
    }
}
