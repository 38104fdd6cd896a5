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

    /// Issue #13 item 2: ←/→ stage a value (nothing written, no audit event); Ctrl-S saves every
    /// staged change in one call, one audit event each.
    @Test func permissionChangesAreStagedAndSavedTogether() throws {
        let console = try DemoConsole()
        let contractors = try console.service.group(named: "Contractors", in: try console.organization("Fabrikam").id, by: console.administrator)
        let settings = { try console.service.permissionSettings(of: contractors.id, by: console.administrator) }
        let before = try settings()
        let events = try console.auditCount()
        console.command("group Contractors")
        // Tab to the grid, down to "Edit policies" (5th), → from Not set to Allow: staged only.
        console.send(.tab, .down, .down, .down, .down, .right)
        #expect(try settings() == before, "→ writes nothing")
        #expect(try console.auditCount() == events)
        let row = try #require(console.row(containing: "Edit policies"))
        #expect(row.contains("(\u{2022}) Allow"), "the grid shows the pending value\(console.dump)")
        #expect(row.contains("was Not set"))
        #expect(console.shows("1 unsaved change"))
        #expect(console.footerRow.contains("Ctrl-S"), "\(console.footerRow)")
        // Down to "View audit log" (6th, Not set): → → stages Deny, after Allow (Not set · Allow · Deny).
        console.send(.down, .right, .right)
        #expect(console.row(containing: "View audit log")?.contains("(\u{2022}) Deny") == true, "\(console.dump)")
        #expect(console.shows("2 unsaved changes"))
        #expect(try console.auditCount() == events)

        console.send(.ctrl("s"))
        let after = try settings()
        #expect(after[.editPolicies] == .allow)
        #expect(after[.viewAuditLog] == .deny)
        #expect(try console.auditCount() == events + 2, "one audit event per changed permission")
        #expect(try console.auditEvents().prefix(2).allSatisfy { $0.action == .groupPermissionSet })
        #expect(!console.shows("unsaved change"))
        #expect(console.messageRow.contains("Saved for Contractors"), "\(console.messageRow)")
    }

    @Test func walkingRoundTheValuesAndBackStagesNothing() throws {
        let console = try DemoConsole()
        let events = try console.auditCount()
        console.command("group Contractors")
        console.send(.tab, .down, .down, .down, .down)
        console.send(.right, .right, .right, .left, .left, .left, .left)
        #expect(console.row(containing: "Edit policies")?.contains("(\u{2022}) Not set") == true, "\(console.dump)")
        #expect(!console.shows("unsaved change"))
        console.send(.escape)
        #expect(!console.shows("Discard changes?"), "nothing staged: Esc just goes back")
        #expect(try console.auditCount() == events)
    }

    @Test func escWithStagedChangesAsksAndDiscardsOnlyWhenConfirmed() throws {
        let console = try DemoConsole()
        let contractors = try console.service.group(named: "Contractors", in: try console.organization("Fabrikam").id, by: console.administrator)
        let before = try console.service.permissionSettings(of: contractors.id, by: console.administrator)
        let events = try console.auditCount()
        console.command("group Contractors")
        console.send(.tab, .down, .down, .down, .down, .right)
        console.send(.escape)
        #expect(console.shows("Discard changes?"), "\(console.dump)")
        console.send(.enter)  // Cancel has the focus
        #expect(console.headerRow.contains("Groups \u{203A} Contractors"))
        #expect(console.shows("1 unsaved change"))
        // The pane's number asks too.
        console.send(.character("2"))
        #expect(console.shows("Discard changes?"), "\(console.dump)")
        console.send(.tab, .enter)
        #expect(!console.headerRow.contains("Groups \u{203A} "), "discarded, back on the Groups list\(console.dump)")
        #expect(try console.service.permissionSettings(of: contractors.id, by: console.administrator) == before)
        #expect(try console.auditCount() == events)
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
