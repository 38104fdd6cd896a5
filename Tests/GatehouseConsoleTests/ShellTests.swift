import Foundation
import GatehouseDomain
import GatehouseStore
import TerminalKit
import Testing

/// The shell around the screens: the `:` command line, `?` help, layouts from 1x1 to 200x60,
/// the monochrome theme, and text from the database that tries to reach the terminal.
@MainActor @Suite struct ShellTests {
    // MARK: Command line

    @Test func userCommandOpensThatUsersDetailFromAnyPane() throws {
        let console = try DemoConsole()
        console.send(.character("4"))
        console.command("user aandersen")
        #expect(console.activeTab == "1 Users")
        #expect(console.headerRow.contains("Gatehouse \u{203A} Users \u{203A} aandersen"))
        #expect(console.shows("Alice Andersen"))
        #expect(console.shows("Effective permissions in"))
        console.send(.escape)
        #expect(console.headerRow.contains("Gatehouse \u{203A} Users"))
        #expect(!console.headerRow.contains("aandersen"))
    }

    @Test func userCommandAcceptsAUniquePartAndExplainsMisses() throws {
        let console = try DemoConsole()
        console.command("user kschm")
        #expect(console.headerRow.contains("Users \u{203A} kschmidt"))
        console.send(.escape)
        console.command("user nobody-here")
        #expect(console.messageRow.contains("No user matches \u{201C}nobody-here\u{201D}"))
        console.command("user schmidt")
        #expect(console.messageRow.contains("Several users match"))
        console.command("user")
        #expect(console.messageRow.contains("Which user?"))
        #expect(console.headerRow.contains("Gatehouse \u{203A} Users"))
    }

    @Test func paneCommandsAndQuit() throws {
        let console = try DemoConsole()
        console.command("tokens")
        #expect(console.activeTab == "3 Tokens")
        console.command("audit")
        #expect(console.activeTab == "4 Audit")
        console.command("group Contractors")
        #expect(console.headerRow.contains("Groups \u{203A} Contractors"))
        console.command("q")
        #expect(console.driver.isFinished)
    }

    @Test func orgNarrowsEveryListAndAllWidensAgain() throws {
        let console = try DemoConsole()
        let contoso = try console.organization("Contoso")
        let allUsers = try console.userCount()
        console.command("org Contoso")
        #expect(console.messageRow.contains("Showing Contoso only"))
        #expect(console.headerRow.contains("\u{00B7} Contoso"))
        let users = try console.userCount(UserQuery(organizationID: contoso.id))
        #expect(users < allUsers)
        #expect(console.counter?.total == users, "\(console.dump)")
        console.send(.character("2"))
        #expect(console.counter?.total == (try console.groupCount(GroupQuery(organizationID: contoso.id))))
        #expect(console.tableRows.allSatisfy { $0.contains("Contoso") }, "\(console.dump)")
        console.send(.character("3"))
        #expect(console.counter?.total == (try console.tokenCount(TokenQuery(organizationID: contoso.id, statuses: [.active]))))
        // At 80 columns the names keep their width and the Organization column may give way.
        let showsOrganization = console.frame.lines.contains { $0.contains("Organization") }
        #expect(!showsOrganization || console.tableRows.allSatisfy { $0.contains("Contoso") || $0.contains("All orgs") })
        console.send(.character("5"))
        #expect(console.shows("Policies of \u{2039} Contoso \u{203A}"))
        console.command("org all")
        #expect(console.messageRow.contains("Showing all organizations"))
        console.send(.character("1"))
        #expect(console.counter?.total == allUsers)
    }

    @Test func orgAfterScrollingToTheEndStillListsFromTheTop() throws {
        let console = try DemoConsole()
        console.send(.character("3"), .character("G"))
        let contoso = try console.organization("Contoso")
        console.command("org Contoso")
        let total = try console.tokenCount(TokenQuery(organizationID: contoso.id, statuses: [.active]))
        #expect(console.counter?.total == total)
        console.send(.character("g"))
        #expect(console.counter?.selected == 1)
        #expect(console.tableRows.count == min(total, 18), "no blank rows\(console.dump)")
        // The first rows of the narrowed list, from the top (the Organization column may give way to names at 80 columns).
        let top = try console.service.tokens(TokenQuery(organizationID: contoso.id, statuses: [.active]), page: .first(3), by: console.actor).items
        #expect(zip(console.tableRows, top).allSatisfy { $0.hasPrefix($1.displayName) }, "\(console.dump)")
    }

    @Test func anUnknownCommandOrOrganizationShowsAnError() throws {
        let console = try DemoConsole()
        let before = console.tableRows
        console.command("frobnicate")
        #expect(console.messageRow.contains("Unknown command \u{201C}frobnicate\u{201D}"))
        let mark = try #require(console.frame.find("\u{2717}"))
        #expect(console.frame.style(atX: mark.x, y: mark.y) == Theme.color[.danger], "shown as an error")
        console.command("org Atlantis")
        #expect(console.messageRow.contains("No organization named \u{201C}Atlantis\u{201D}"))
        #expect(console.tableRows == before, "nothing changed")
        console.command("")
        #expect(console.messageRow.contains("Type a command"))
    }

    @Test func tabCompletesCommandsLoginsAndOrganizations() throws {
        let console = try DemoConsole()
        console.send(.character(":"))
        #expect(console.footerRow.contains("Tab Complete"))
        console.type("pol")
        console.send(.tab)
        #expect(console.messageRow.hasPrefix(":policies "), "\(console.dump)")
        console.send(.ctrl("u"))
        console.type("user aand")
        console.send(.tab)
        #expect(console.messageRow.hasPrefix(":user aandersen"))
        console.send(.enter)
        #expect(console.headerRow.contains("Users \u{203A} aandersen"))

        console.send(.character(":"))
        console.type("org Con")
        console.send(.tab)
        #expect(console.messageRow.hasPrefix(":org Contoso"))
        console.send(.enter)
        #expect(console.headerRow.contains("\u{00B7} Contoso"))

        console.send(.character(":"))
        console.type("gr")
        console.send(.tab)
        #expect(console.messageRow.hasPrefix(":group"), "common prefix of groups and group")
    }

    /// Issue #13 item 11: Tab shows the candidates, completes what they share, then cycles.
    @Test func tabShowsTheCandidatesAndCycles() throws {
        let console = try DemoConsole(width: 120, height: 30)
        console.send(.character(":"))
        console.type("group Re")
        console.send(.tab)
        let above = console.frame.text(row: console.frame.height - 3)
        #expect(above.contains("Readers") && above.contains("Release Managers"), "the candidates are shown\(console.dump)")
        #expect(above.components(separatedBy: "Readers").count == 2, "a name in several organizations is offered once: \(above)")
        console.send(.tab)
        let first = console.messageRow
        console.send(.tab)
        let second = console.messageRow
        #expect(first != second, "Tab cycles: \(first) / \(second)")
        #expect([first, second].allSatisfy { $0.hasPrefix(":group Re") })
        console.send(.backTab)
        #expect(console.messageRow == first, "Shift-Tab goes back")
    }

    /// `:group Readers` names a default group of every organization: the list of them, not a guess.
    @Test func anAmbiguousGroupNameOpensAFilteredList() throws {
        let console = try DemoConsole(width: 120, height: 30)
        let readers = try console.service.groups(GroupQuery(search: TextSearch("Readers")), page: .first(50), by: console.administrator).items
            .filter { $0.name == "Readers" }
        #expect(readers.count > 1)
        console.command("group Readers")
        #expect(console.headerRow.contains("Gatehouse \u{203A} Groups"), "\(console.dump)")
        #expect(!console.headerRow.contains("Groups \u{203A} "), "no group was picked for you")
        #expect(console.titleRow.contains("filter \u{201C}Readers\u{201D}"))
        #expect(console.tableRows.filter { $0.hasPrefix("Readers") }.count == readers.count, "\(console.dump)")
        #expect(console.messageRow.contains("\(readers.count) groups are named \u{201C}Readers\u{201D}"))
        console.send(.escape)
        #expect(!console.titleRow.contains("filter"), "Esc clears the filter")
    }

    @Test func escOrBackspaceOnAnEmptyLineCancelsTheCommandLine() throws {
        let console = try DemoConsole()
        console.send(.character(":"))
        #expect(console.messageRow.hasPrefix(":"))
        console.type("tok")
        console.send(.escape)
        #expect(!console.messageRow.hasPrefix(":"))
        #expect(console.activeTab == "1 Users")
        console.send(.character(":"), .backspace)
        #expect(!console.messageRow.hasPrefix(":"))
        console.send(.character("q"))
        #expect(console.driver.isFinished, "keys reach the list again")
    }

    // MARK: Help

    @Test(arguments: [
        (Character("1"), "Quick filters"),
        ("2", "New"),
        ("3", "Bulk revoke"),
        ("4", "Filter (actor: action: since: until:)"),
        ("5", "Non-compliant tokens"),
    ])
    func helpListsTheCurrentScreensKeys(_ digit: Character, _ label: String) throws {
        let console = try DemoConsole(width: 100, height: 40)
        console.send(.character(digit))
        let pane = console.activeTab?.dropFirst(2) ?? ""
        console.send(.character("?"))
        #expect(console.shows("Help \u{2014} \(pane)"), "\(console.dump)")
        #expect(console.shows(label))
        #expect(console.shows("That pane's list"))
        #expect(console.footerRow.contains("Esc Close help"))
        console.send(.character("j"), .character("k"))
        #expect(console.shows("Help \u{2014} \(pane)"), "j/k scroll, they do not close")
        console.send(.escape)
        #expect(!console.shows("Help \u{2014}"))
        #expect(!console.driver.isFinished)
    }

    /// Issue #13 item 12: however many keys a screen has, the footer keeps how to get help and how
    /// to quit, at its right end; `?` works in the wizard where nothing is typed.
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 60, height: 16), Size(width: 200, height: 60)])
    func theFooterAlwaysKeepsHelpAndQuit(_ size: Size) throws {
        let console = try DemoConsole(width: size.width, height: size.height)
        func check(_ place: String, help: String = "? Help", quit: String = "q Quit") {
            let footer = console.footerRow.trimmingCharacters(in: .whitespaces)
            #expect(footer.hasSuffix("\(help)  \(quit)"), "\(place) at \(size.width)x\(size.height): \(footer)")
        }
        for digit in ["1", "2", "3", "4", "5"] {
            console.send(.character(Character(digit)))
            check("pane \(digit)")
        }
        console.send(.character("3"), .enter)
        check("a token's detail", quit: "Ctrl-C Quit")
        console.send(.escape, .character("/"))
        check("typing a filter", help: "F1 Help", quit: "Ctrl-C Quit")
        console.send(.escape, .character("n"), .enter)
        check("the wizard", help: "F1 Help", quit: "Ctrl-C Quit")
        console.send(.function(1))
        #expect(console.shows("Help \u{2014} New token"), "F1 opens help while typing\(console.dump)")
        console.send(.escape)
        console.type("Helpful")
        console.send(.enter)
        #expect(console.wizardStep == "Organization")
        console.send(.character("?"))
        #expect(console.shows("Help \u{2014} New token"), "? opens help at the Organization step\(console.dump)")
        console.send(.escape)
        #expect(console.wizardStep == "Organization")
    }

    @Test func helpOnADetailNamesItAndExplainsDisabledKeys() throws {
        let console = try DemoConsole(as: "ymoreau", width: 140, height: 40)
        console.command("user aandersen")
        console.send(.character("?"))
        #expect(console.shows("Help \u{2014} aandersen"))
        #expect(console.shows("Add SSH key") || console.shows("You may not manage users"), "\(console.dump)")
        #expect(console.shows("You may not manage users: it needs \u{201C}Manage users\u{201D}"), "a disabled key shows why\(console.dump)")
        #expect(console.shows("Effective permissions: Deny in any group wins"))
        console.send(.character("?"))
        #expect(!console.shows("Help \u{2014}"), "? toggles")
    }

    // MARK: Layouts

    nonisolated static let sizes: [(Int, Int)] = [(1, 1), (20, 6), (59, 16), (60, 15), (60, 16), (80, 24), (132, 43), (200, 60)]

    @Test(arguments: sizes)
    func everyScreenRendersAtThisSize(_ width: Int, _ height: Int) throws {
        let console = try DemoConsole(width: width, height: height)
        func check(_ place: String) {
            #expect(console.frame.width == width && console.frame.height == height, "\(place)")
            if width < 60 || height < 16 {
                #expect(console.screen.contains("T"), "the too-small view draws something at \(place)")
            } else {
                #expect(console.headerRow.contains("Gatehouse"), "\(place)\(console.dump)")
            }
        }
        for digit in ["1", "2", "3", "4", "5"] {
            console.send(.character(Character(digit)))
            check("pane \(digit)")
            console.send(.character("j"), .pageDown, .character("G"), .enter)
            check("detail of pane \(digit)")
            console.send(.escape, .character("?"))
            check("help of pane \(digit)")
            console.send(.escape, .character("/"))
            console.type("a")
            check("filter of pane \(digit)")
            console.send(.escape)
        }
        console.send(.character("1"), .character("x"))
        check("a dialog")
        console.send(.escape, .character("3"), .character("n"), .enter)
        console.type("Sized")
        check("the wizard")
        console.send(.enter, .enter, .enter, .enter, .escape, .escape, .escape, .escape, .escape, .tab, .enter)
        console.command("frobnicate")
        check("a flash")
        #expect(!console.driver.isFinished)
    }

    @Test func tooSmallSaysWhatIsNeeded() throws {
        let console = try DemoConsole(width: 20, height: 6)
        #expect(console.screen.contains("Terminal too small"))
        #expect(console.screen.contains("needs 60x16"))
        #expect(console.screen.contains("20x6"))
        console.send(.character("q"))
        #expect(console.driver.isFinished, "q still quits")
    }

    @Test func resizingKeepsThePlaceAndNeverCrashes() throws {
        let console = try DemoConsole()
        console.send(.down, .down, .down, .down, .down)
        let selected = console.selectedRow
        #expect(console.counter?.selected == 6)
        for (width, height) in [(1, 1), (20, 6), (60, 16), (200, 60), (59, 15), (80, 24)] {
            console.driver.resize(width: width, height: height)
            #expect(console.frame.width == width)
            #expect(console.frame.height == height)
        }
        #expect(console.counter?.selected == 6)
        #expect(console.selectedRow == selected)
        console.driver.resize(width: 60, height: 16)
        #expect(console.counter?.selected == 6)
        #expect(console.tableRows.count == 10, "a 60x16 table shows 10 rows\(console.dump)")
        console.driver.resize(width: 200, height: 60)
        #expect(console.tableRows.count == min(54, try console.userCount()))
        #expect(console.frame.text(row: 3).contains("Groups"), "wide terminals show every column")
    }

    // MARK: Monochrome

    @Test func monochromeUsesNoColorAnywhere() throws {
        let console = try DemoConsole(width: 100, height: 30, theme: .monochrome)
        var frames = 0
        func check(_ place: String) {
            frames += 1
            let frame = console.frame
            var colored: [String] = []
            for y in 0..<frame.height {
                for x in 0..<frame.width {
                    guard let style = frame.style(atX: x, y: y) else { continue }
                    if style.foreground != .default || style.background != .default { colored.append("(\(x),\(y))") }
                }
            }
            #expect(colored.isEmpty, "colors in \(place) at \(colored.prefix(5).joined(separator: " "))")
        }
        for digit in ["1", "2", "3", "4", "5"] {
            console.send(.character(Character(digit)))
            check("pane \(digit)")
            console.send(.enter)
            check("detail of pane \(digit)")
            console.send(.escape, .character("?"))
            check("help")
            console.send(.escape)
        }
        console.send(.character("1"), .character("f"))
        check("quick filters")
        console.send(.escape, .character("x"))
        check("a destructive dialog")
        console.send(.tab)
        check("a dialog with Confirm focused")
        console.send(.escape, .character("2"), .character("n"), .ctrl("s"))
        check("a form with an error")
        console.send(.escape, .character("3"), .character("n"), .enter)
        console.type("Mono")
        console.send(.enter, .down, .down, .down)
        check("the wizard with a refused choice")
        console.send(.up, .up, .up, .enter, .enter)
        console.type("Code")
        console.send(.character(" "), .enter)
        check("the review")
        console.send(.enter)
        check("the show-once screen")
        console.send(.character("c"))
        check("a flash")
        console.send(.character("y"))
        console.command("nope")
        check("an error flash")
        console.driver.resize(width: 20, height: 6)
        check("the too-small view")
        #expect(frames == 25)
        // The selection stays visible without color: reverse video.
        console.driver.resize(width: 100, height: 30)
        console.send(.character("1"))
        let selected = try #require(console.frame.style(atX: 1, y: 4))
        #expect(selected.attributes.contains(.reverse))
    }

    // MARK: Text from the database

    @Test func controlCharactersInADisplayNameRenderInert() throws {
        let console = try DemoConsole(width: 120, height: 30)
        let hostile = "Mallory \u{1b}]0;pwned\u{07}\u{1b}[2J\u{9b}31m\u{85}"
        // The façade refuses control characters, so this is what another tool might have written.
        let fabrikam = try console.organization("Fabrikam").id
        try console.store.write { writer in
            let mallory = User(displayName: hostile, loginName: "mallory", email: "mallory@evil.example", createdAt: Date())
            try writer.insert(mallory)
            try writer.addMember(mallory.id, toOrganization: fabrikam)
        }
        #expect(throws: GatehouseError.self) {
            _ = try console.service.createUser(UserDraft(displayName: hostile, loginName: "mallory2"), in: [try console.organization("Fabrikam").id], by: console.actor)
        }

        func checkInert(_ place: String) {
            var bad: [String] = []
            for line in console.frame.lines {
                for scalar in line.unicodeScalars where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    bad.append(String(format: "U+%04X", scalar.value))
                }
            }
            #expect(bad.isEmpty, "control characters reach the terminal in \(place): \(bad)")
        }
        console.send(.character("/"))
        console.type("mallory")
        checkInert("the filter")
        console.send(.enter)
        #expect(console.tableRows.first?.hasPrefix("Mallory \u{241B}") == true, "the name is visible, ESC as a control picture\(console.dump)")
        checkInert("the users list")
        console.send(.enter)
        #expect(console.shows("Mallory \u{241B}]0;pwned\u{2407}\u{241B}[2J"), "\(console.dump)")
        checkInert("the user detail")
        console.send(.character("x"))
        #expect(console.shows("Disable account?"))
        checkInert("a dialog naming the account")
        console.send(.escape, .character("?"))
        checkInert("help")
        console.send(.escape, .escape, .escape)
        console.command("user mallory")
        checkInert("the command line's result")
        console.send(.character("e"))
        checkInert("the edit form")
        #expect(console.screen.contains("Mallory"))
        console.send(.escape)
        console.driver.resize(width: 60, height: 16)
        checkInert("a narrow terminal")
        console.driver.resize(width: 200, height: 60)
        checkInert("a wide terminal")
        #expect(console.screen.contains("Mallory"))
    }
}
