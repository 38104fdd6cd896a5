import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// Moving around: panes, lists, details, back and quit, as the interaction contract promises.
@MainActor @Suite struct NavigationTests {
    static let panes: [(key: Character, title: String)] = [("1", "Users"), ("2", "Groups"), ("3", "Tokens"), ("4", "Audit"), ("5", "Policies")]

    @Test(arguments: [Character("1"), "2", "3", "4", "5"])
    func digitsSelectThePane(_ digit: Character) throws {
        let console = try DemoConsole()
        let title = try #require(Self.panes.first { $0.key == digit }).title
        if digit != "1" {
            #expect(console.activeTab == "1 Users")
            #expect(!console.headerRow.contains("Gatehouse \u{203A} \(title)"))
        }
        console.send(.character(digit))
        #expect(console.activeTab == "\(digit) \(title)")
        #expect(console.headerRow.contains("Gatehouse \u{203A} \(title)"))
        #expect(!console.driver.isFinished)
    }

    @Test func tabAndShiftTabCycleThroughThePanes() throws {
        let console = try DemoConsole()
        var seen: [String] = []
        for _ in 0..<5 {
            seen.append(console.activeTab ?? "?")
            console.send(.tab)
        }
        #expect(seen == ["1 Users", "2 Groups", "3 Tokens", "4 Audit", "5 Policies"])
        #expect(console.activeTab == "1 Users", "Tab wraps around after Policies")
        console.send(.backTab)
        #expect(console.activeTab == "5 Policies")
        #expect(console.headerRow.contains("Gatehouse \u{203A} Policies"))
        console.send(.backTab, .backTab)
        #expect(console.activeTab == "3 Tokens")
        #expect(console.headerRow.contains("Gatehouse \u{203A} Tokens"))
    }

    /// j/k, arrows, g/G and PgDn move the highlight; the "N of M" counter follows.
    @Test(arguments: [Character("1"), "2", "3", "4"])
    func listKeysMoveTheSelection(_ digit: Character) throws {
        let console = try DemoConsole()
        console.send(.character(digit))
        let start = try #require(console.counter)
        #expect(start.selected == 1)
        #expect(start.total > 20, "the demo lists are longer than a page")
        let first = try #require(console.selectedRow)

        console.send(.character("j"))
        #expect(console.counter?.selected == 2)
        let second = try #require(console.selectedRow)
        #expect(second != first)
        console.send(.character("k"))
        #expect(console.counter?.selected == 1)
        #expect(console.selectedRow == first)

        console.send(.down, .down)
        #expect(console.counter?.selected == 3)
        console.send(.up)
        #expect(console.counter?.selected == 2)
        #expect(console.selectedRow == second)

        console.send(.character("G"))
        #expect(console.counter?.selected == start.total)
        #expect(console.counter?.total == start.total)
        let last = try #require(console.selectedRow)
        #expect(last != first)
        // The last row is drawn at the bottom of the table.
        #expect(console.tableRows.last == last)

        console.send(.character("g"))
        #expect(console.counter?.selected == 1)
        #expect(console.selectedRow == first)

        console.send(.pageDown)
        let paged = try #require(console.counter?.selected)
        #expect(paged > 10, "PgDn jumps a page (18 rows at 80x24), not one row")
        #expect(console.selectedRow != first)
        console.send(.pageUp)
        #expect(console.counter?.selected == 1)

        console.send(.end)
        #expect(console.counter?.selected == start.total)
        console.send(.home)
        #expect(console.counter?.selected == 1)
    }

    @Test func theSelectedRowIsTheOneThatOpens() throws {
        let console = try DemoConsole()
        console.send(.character("j"), .character("j"))
        let row = try #require(console.selectedRow)
        let login = try #require(row.split(separator: " ").first { piece in (try? console.service.user(login: String(piece), by: console.administrator)) != nil }.map(String.init))
        console.send(.enter)
        #expect(console.headerRow.contains("Users \u{203A} \(login)"))
    }

    @Test(arguments: [
        (Character("1"), "Effective permissions"),
        ("2", "Permissions"),
        ("3", "Handle"),
        ("4", "Target id"),
    ])
    func enterOpensADetailAndEscGoesBack(_ digit: Character, _ detailText: String) throws {
        let console = try DemoConsole()
        console.send(.character(digit))
        let title = try #require(Self.panes.first { $0.key == digit }).title
        let list = console.screen
        #expect(!console.shows(detailText) || digit == "2")
        console.send(.enter)
        #expect(console.shows(detailText))
        #expect(console.headerRow.contains("Gatehouse \u{203A} \(title) \u{203A} "), "the breadcrumb names the opened object")
        console.send(.escape)
        #expect(console.headerRow.contains("Gatehouse \u{203A} \(title)"))
        #expect(!console.headerRow.contains("\(title) \u{203A} "))
        #expect(console.screen == list, "back where we were")
        #expect(!console.driver.isFinished)
    }

    @Test func qQuitsOnlyFromTheTopLevel() throws {
        let console = try DemoConsole()
        console.send(.enter)
        #expect(console.headerRow.contains("Users \u{203A} "))
        console.send(.character("q"))
        #expect(!console.driver.isFinished, "q in a detail goes back")
        #expect(console.headerRow.contains("Gatehouse \u{203A} Users"))
        #expect(!console.headerRow.contains("Users \u{203A} "))
        console.send(.character("q"))
        #expect(console.driver.isFinished)
    }

    @Test(arguments: [Character("2"), "3", "4", "5"])
    func qQuitsFromEveryPane(_ digit: Character) throws {
        let console = try DemoConsole()
        console.send(.character(digit), .character("q"))
        #expect(console.driver.isFinished)
    }

    @Test func tabKeepsEachPanesPlaceAndItsNumberShowsTheList() throws {
        let console = try DemoConsole()
        console.send(.character("j"), .character("j"), .character("j"))
        console.send(.character("3"), .enter)
        #expect(console.headerRow.contains("Tokens \u{203A} "))
        console.send(.character("1"))
        #expect(console.counter?.selected == 4, "the list keeps its selection")
        console.send(.tab, .tab)
        #expect(console.headerRow.contains("Tokens \u{203A} "), "Tab comes back to the token detail still open in the Tokens pane")
        console.send(.character("3"))
        #expect(console.headerRow.contains("Gatehouse \u{203A} Tokens"), "\(console.dump)")
        #expect(!console.headerRow.contains("Tokens \u{203A} "), "3 shows the Tokens list")
        #expect(console.counter != nil)
    }

    /// Issue #13 item 1: `:group X`, then `2` and keys meant for the Groups list renamed the group.
    @Test func aPanesNumberShowsItsListSoFilterKeysNeverBecomeEdits() throws {
        let console = try DemoConsole()
        let groups = { try console.service.groups(GroupQuery(), page: .first(1_000), by: console.administrator).items.map(\.name) }
        let before = try groups()
        let events = try console.auditCount()
        console.command("group Contractors")
        #expect(console.headerRow.contains("Groups \u{203A} Contractors"))
        console.send(.character("1"))
        console.send(.character("2"))
        #expect(console.headerRow.contains("Gatehouse \u{203A} Groups"))
        #expect(!console.headerRow.contains("Groups \u{203A} "), "2 shows the Groups list, not the remembered detail\(console.dump)")
        console.send(.character("/"))
        console.type("Readers")
        console.send(.enter, .character("d"), .enter)
        #expect(console.messageRow.contains("default group and cannot be deleted"), "\(console.dump)")
        console.send(.escape, .character("e"), .escape)
        #expect(try console.auditCount() == events, "nothing was changed")
        #expect(try groups() == before)
    }

    /// Issue #13 item 7: Esc clears a kept filter (it only cleared while typing); the next Esc goes back.
    @Test func escClearsAKeptFilterThenGoesBack() throws {
        let console = try DemoConsole()
        let total = try #require(console.counter?.total)
        console.filter("dvarga")
        #expect(console.counter?.total == 1, "\(console.dump)")
        console.send(.escape)
        #expect(console.counter?.total == total)
        #expect(!console.titleRow.contains("filter"))
        // In a list opened above another screen: the first Esc clears, the second goes back.
        console.send(.character("5"), .character("v"))
        #expect(console.headerRow.contains("Policies \u{203A} Tokens"), "\(console.dump)")
        console.filter("zzzz-no-such-token")
        #expect(console.counter?.total == 0)
        console.send(.escape)
        #expect(console.headerRow.contains("Policies \u{203A} Tokens"), "the first Esc only clears the filter")
        #expect(!console.titleRow.contains("zzzz"))
        console.send(.escape)
        #expect(!console.headerRow.contains("Policies \u{203A} "))
    }

    @Test func commandLinePaneNamesShowTheListToo() throws {
        let console = try DemoConsole()
        console.command("user dvarga")
        #expect(console.headerRow.contains("Users \u{203A} dvarga"))
        console.command("users")
        #expect(!console.headerRow.contains("Users \u{203A} "))
        #expect(console.counter != nil)
    }

    @Test func policiesPaneMovesBetweenPoliciesAndOrganizations() throws {
        let console = try DemoConsole()
        console.send(.character("5"))
        let organizationRow = console.frame.text(row: 2)
        #expect(console.shows(PolicyKind.restrictGlobalTokens.summary))
        console.send(.character("j"))
        #expect(console.shows(PolicyKind.restrictFullScopedTokens.summary))
        #expect(!console.shows(PolicyKind.restrictGlobalTokens.summary))
        console.send(.character("G"))
        #expect(console.shows(PolicyKind.autoRevokeLeakedTokens.summary))
        console.send(.character("k"))
        #expect(console.shows("Only exempt users and groups may create tokens"))
        console.send(.right)
        #expect(console.frame.text(row: 2) != organizationRow, "\u{2192} shows the next organization's policies")
        console.send(.left)
        #expect(console.frame.text(row: 2) == organizationRow)
    }
}
