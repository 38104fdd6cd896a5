import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// Columns sized to what they hold, the key column first; text that wraps instead of being cut.
@MainActor @Suite struct LayoutTests {
    /// The text of the name column of each table row: everything left of the header's second column.
    func keyCells(_ console: ConsoleFixture, secondColumn: String) throws -> [String] {
        let header = try #require(console.frame.lines.first { $0.contains(secondColumn) && $0.contains("Name") })
        let start = try #require(header.range(of: secondColumn)).lowerBound
        let column = header.distance(from: header.startIndex, to: start)
        return console.tableRows.map { String($0.prefix(column)).trimmingCharacters(in: .whitespaces) }
    }

    @Test(arguments: [(80, 24), (100, 30), (200, 60)])
    func tokenNamesStayUnambiguous(width: Int, height: Int) throws {
        let console = try DemoConsole(width: width, height: height)
        console.send(.character("3"))
        let cells = try keyCells(console, secondColumn: "Owner")
        #expect(cells.count > 5)
        // Distinct names never look alike once cut: no two rows show the same name text.
        let names = try console.service.tokens(TokenQuery(statuses: [.active]), page: .first(cells.count), by: console.administrator).items.map(\.displayName)
        #expect(Set(cells).count == Set(names).count, "\(console.dump)")
    }

    @Test func theKeyColumnGetsItsWidthBeforeTheDescription() throws {
        let console = try DemoConsole(width: 100, height: 30)
        console.send(.character("2"))
        #expect(console.shows("Project Collection Administrators"), "the name whole at 100 columns\(console.dump)")
    }

    @Test func lastUsedIsWholeAtTwoHundredColumns() throws {
        let console = try DemoConsole(width: 200, height: 60)
        console.send(.character("3"))
        #expect(!console.tableRows.contains { $0.contains("\u{2026}") }, "nothing cut at 200 columns\(console.dump)")
    }

    @Test func aUsersGroupsWrapCarryTheirOrganizationAndPage() throws {
        let console = try DemoConsole(width: 80, height: 24)
        let user = try console.user("pbarros")
        let contoso = try console.organization("Contoso")
        for number in 1...14 {
            let group = try console.service.createGroup(named: "Release train \(number)", in: contoso.id, by: console.administrator)
            try console.service.addMember(.user(user.id), to: group.id, by: console.administrator)
        }
        let groups = try console.service.groups(of: user.id, by: console.administrator)
        console.command("user pbarros")
        let groupsLine = try #require(console.row(containing: "\u{2502} Groups "), "\(console.dump)")
        #expect(groupsLine.contains("Groups Contoso/"), "names carry their organization, sorted by it\(console.dump)")
        // At 80x24 they take the lines that fit, the last says how many more, and g pages on.
        let more = try #require(console.frame.lines.first { $0.contains(" more (g)") }, "\(console.dump)")
        let hidden = Int(more.components(separatedBy: "+").last?.components(separatedBy: " ").first ?? "") ?? 0
        #expect(hidden > 0 && hidden < groups.count)
        console.send(.character("g"))
        let nextLine = try #require(console.row(containing: "\u{2502} Groups "), "\(console.dump)")
        #expect(nextLine != groupsLine, "g shows the next groups\(console.dump)")
        #expect(console.shows("Release train"))
        // Paging on reaches the other organization's Contributors, told apart from Contoso's.
        for _ in 0..<5 where !console.shows("Fabrikam/Contributors") { console.send(.character("g")) }
        #expect(console.shows("Fabrikam/Contributors"), "\(console.dump)")

        let wide = try DemoConsole(width: 200, height: 60)
        wide.command("user pbarros")
        #expect(wide.shows("Contoso/Contributors"), "\(wide.dump)")
        #expect(!wide.shows("more (g)"))
    }
}

/// Item 14: what a form or the wizard refuses, it says in full, under the field, with the limit.
@MainActor @Suite struct FieldMessageTests {
    @Test func anOverLongTokenNameIsRefusedWithTheLimitNotCut() throws {
        let console = try DemoConsole(as: "ymoreau", width: 100, height: 30)
        console.send(.character("3"), .character("n"))
        #expect(console.wizardStep == "Name")
        console.type(String(repeating: "n", count: 120))
        console.send(.enter)
        #expect(console.wizardStep == "Name", "\(console.dump)")
        #expect(console.shows("The name is 120 characters; the maximum is 100."), "\(console.dump)")
        // Shortened to the limit, it passes.
        for _ in 0..<20 { console.send(.backspace) }
        console.send(.enter)
        #expect(console.wizardStep == "Organization")
    }

    @Test func aCustomDateReadsTheSameOnReviewAndOnTheShowOnceScreen() throws {
        let console = try DemoConsole(as: "ymoreau", width: 120, height: 30)
        console.send(.character("3"), .character("n"))
        console.type("Dated")
        console.send(.enter, .enter)
        #expect(console.wizardStep == "Expiration")
        console.send(.down, .down, .down)
        let day = TextFormat.date(Date().addingTimeInterval(20 * 86_400))
        console.type(day.replacingOccurrences(of: "-", with: ""))
        console.send(.enter)
        #expect(console.wizardStep == "Scopes")
        console.type("Code")
        console.send(.character(" "), .ctrl("u"), .enter)
        #expect(console.wizardStep == "Review")
        let review = try #require(console.row(containing: "Expires  "), "\(console.dump)")
        #expect(review.contains("through \(day) (until "), "\(console.dump)")
        console.send(.enter)
        #expect(console.shows("Dated"))
        let shown = try #require(console.row(containing: "Expires  "), "\(console.dump)")
        let words = { (line: String) in line.components(separatedBy: "Expires").last?.trimmingCharacters(in: CharacterSet(charactersIn: " \u{2502}")) ?? "" }
        #expect(words(shown) == words(review), "Review: \(review)\nShow-once: \(shown)")
        #expect(words(shown).contains("through \(day)"))
    }

    @Test func aLongFieldErrorWrapsUnderItsField() throws {
        let console = try DemoConsole(width: 80, height: 24)
        console.send(.character("1"), .character("n"))
        console.type("X")
        console.send(.tab)
        console.type("a b")  // a login with a space: refused by the façade with its rule
        console.send(.ctrl("s"))
        let lines = console.frame.lines
        let login = try #require(lines.firstIndex { $0.contains("Login") }, "\(console.dump)")
        let message = lines[(login + 1)...].prefix { !$0.contains("Email") }.joined(separator: " ")
        #expect(message.contains("\u{2717}") || message.contains("!"), "the error sits right under Login\(console.dump)")
        #expect(!message.contains("\u{2026}"), "wrapped, not cut\(console.dump)")
    }
}
