import Foundation
@testable import GatehouseConsole
import GatehouseDomain
import TerminalKit
import Testing

/// Footer, `?` help and key handling cannot drift apart: on every screen reachable in the demo
/// world, each is checked against the screen's one binding table (`BindingScreen`), generically.
/// - every key in the footer and in the screen's `?` section is an entry of the table (or the shell's);
/// - every enabled entry's key, pressed, is taken by the screen and (for at least one of its keys)
///   changes what it shows or asks the shell for something;
/// - a disabled entry's key says its reason and changes nothing;
/// - a printable key that is in no entry (the table's, the shell's, or the lists' moves the help
///   names on every screen) changes nothing.
@MainActor @Suite struct KeyTableDriftTests {
    static let size = Size(width: 200, height: 60)

    /// A screen reached from the start by keys, as a user would.
    struct Place: CustomTestStringConvertible, Sendable {
        let name: String
        let keys: [Key]
        var testDescription: String { name }

        init(_ name: String, _ keys: [Key]) {
            self.name = name
            self.keys = keys
        }
    }

    nonisolated static func text(_ string: String) -> [Key] { string.map(Key.character) }

    nonisolated static let wizardToScopes: [Key] = text("3n") + [.enter] + text("drift check") + [.enter, .enter, .enter]

    nonisolated static let places: [Place] = [
        Place("Users", []),
        Place("Users, typing a filter", text("/an")),
        Place("Users, quick filters", text("f")),
        Place("New user: a text field", text("n")),
        Place("New user: a choice", text("n") + [.tab, .tab, .tab]),
        Place("New user: the organizations", text("n") + [.backTab]),
        Place("Edit user", text("e")),
        Place("User detail", [.enter]),
        Place("Add SSH key", [.enter] + text("a")),
        Place("Groups", text("2")),
        Place("New group", text("2n")),
        Place("New group: organization", text("2n") + [.backTab]),
        Place("Edit group", text("2e")),
        Place("Group detail: members", text("2") + [.enter]),
        Place("Group detail: permissions", text("2") + [.down, .enter, .tab]),
        Place("Group detail: a staged change", text("2") + [.down, .enter, .tab, .right]),
        Place("Member picker", text("2") + [.down, .enter] + text("a")),
        Place("Tokens", text("3")),
        Place("Risk filters", text("3f")),
        Place("Token detail", text("3") + [.enter]),
        Place("Edit token", text("3e")),
        Place("Edit token: expiration", text("3e") + [.tab]),
        Place("Edit token: scopes", text("3e") + [.ctrl("o")]),
        Place("Wizard: owner", text("3n")),
        Place("Wizard: name", text("3n") + [.enter]),
        Place("Wizard: organization", text("3n") + [.enter] + text("drift check") + [.enter]),
        Place("Wizard: expiration", text("3n") + [.enter] + text("drift check") + [.enter, .enter]),
        Place("Wizard: custom date", text("3n") + [.enter] + text("drift check") + [.enter, .enter, .down, .down, .down]),
        Place("Wizard: scopes", wizardToScopes),
        Place("Wizard: scopes, full access", wizardToScopes + text("F")),
        Place("Wizard: scopes, filtered", wizardToScopes + text("co")),
        Place("Wizard: review", wizardToScopes + text(" ") + [.enter]),
        Place("Show once", wizardToScopes + text(" ") + [.enter, .enter]),
        Place("Bulk revoke: dry run", text("3/a") + [.enter] + text("B")),
        Place("Bulk revoke: reason", text("3/a") + [.enter] + text("BR")),
        Place("Bulk revoke: finished", text("3/a") + [.enter] + text("BR") + text("drift") + [.enter]),
        Place("Audit", text("4")),
        Place("Audit, typing a filter", text("4/actor:")),
        Place("Audit event", text("4") + [.enter]),
        Place("Policies", text("5")),
        Place("Policy editor", text("5") + [.enter]),
        Place("Policy editor: maximum lifespan", text("5") + [.down, .down, .enter, .tab]),
        Place("Policy editor: exemptions", text("5") + [.enter, .tab]),
        Place("Policy editor: exemption picker", text("5") + [.enter, .tab] + text("a")),
    ]

    /// Screens the "effects" branch moves onto binding tables; until then they are checked only
    /// for being reached. (Remove a name once its screen is a `BindingScreen`.)
    static let awaitingTables: Set<String> = ["AuditDetail"]

    /// The shell's own footer entries, added around every screen's.
    static let shellFooter: Set<String> = ["Esc Back", ": Command", "? Help", "F1 Help", "q Quit", "Ctrl-C Quit"]

    @Test(arguments: places)
    func footerHelpAndKeysAgreeWithTheTable(_ place: Place) throws {
        let demo = try DemoConsole(width: Self.size.width, height: Self.size.height)
        demo.send(place.keys)
        let console = demo.driver.console
        let top = try #require(console.topScreen, "\(place.name): no screen")
        guard top is any BindingScreen else {
            #expect(Self.awaitingTables.contains("\(type(of: top))"), "\(place.name): \(type(of: top)) has no binding table")
            return
        }
        let problems = KeyTableCheck(console: console, demo: demo).problems()
        #expect(problems.isEmpty, "\(place.name) (\(type(of: top))): \(problems.joined(separator: "; "))")
        if !problems.isEmpty { print("\(place.name):\(demo.dump)") }
    }

    // MARK: The check fails on drift (screens made to drift on purpose)

    /// A screen whose table, footer and handling can be made to disagree.
    struct DriftingScreen: BindingScreen {
        enum Drift { case none, keyHandledOutsideTheTable, footerLabelWithoutHandler, helpEntryWithoutBinding, entryThatDoesNothing, disabledThatActs }
        let drift: Drift
        var count = 0
        var breadcrumb: String { "Drifting" }

        func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<DriftingScreen>] {
            var table = [KeyBinding<DriftingScreen>([.character("a")], "a", "Add one") { screen, _, _ in
                screen.count += 1
                return []
            }]
            if drift == .entryThatDoesNothing { table.append(KeyBinding([.character("n")], "n", "Nothing") { _, _, _ in [] }) }
            if drift == .disabledThatActs { table.append(KeyBinding([.character("b")], "b", "Blocked", disabledReason: "Not now.")) }
            return table
        }

        func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
            boundKeys(environment) + (drift == .footerLabelWithoutHandler ? [ScreenKey("z", "Zap")] : [])
        }

        func helpKeys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
            declaredKeys(environment).map { ScreenKey($0.hint, $0.label) } + (drift == .helpEntryWithoutBinding ? [ScreenKey("w", "Wave")] : [])
        }

        mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
            if drift == .keyHandledOutsideTheTable, key == .character("x") {
                count += 10
                return []
            }
            if drift == .disabledThatActs, key == .character("b") {
                count += 5
                return []
            }
            return handleBinding(key, environment)
        }

        func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
            buffer.put("Count: \(count)", x: area.x + 1, y: area.y)
        }
    }

    @Test(arguments: [
        (DriftingScreen.Drift.none, nil),
        (.keyHandledOutsideTheTable, "\u{201C}x\u{201D} is in no binding"),
        (.footerLabelWithoutHandler, "footer shows \u{201C}z Zap\u{201D}"),
        (.helpEntryWithoutBinding, "help lists \u{201C}w  Wave\u{201D}"),
        (.entryThatDoesNothing, "n Nothing does nothing"),
        (.disabledThatActs, "b Blocked is disabled"),
    ] as [(DriftingScreen.Drift, String?)])
    func theCheckCatchesEachKindOfDrift(_ drift: DriftingScreen.Drift, _ named: String?) throws {
        let demo = try DemoConsole(width: Self.size.width, height: Self.size.height)
        demo.driver.console.apply([.push(DriftingScreen(drift: drift))])
        demo.driver.draw()
        let problems = KeyTableCheck(console: demo.driver.console, demo: demo).problems()
        if let named {
            #expect(problems.contains { $0.contains(named) }, "\(drift): \(problems)")
        } else {
            #expect(problems.isEmpty, "\(problems)")
        }
    }
}

/// The checks, over whatever `BindingScreen` is on top of the console.
@MainActor
struct KeyTableCheck {
    let console: Console
    let demo: DemoConsole

    private var environment: ConsoleEnvironment { console.environment }

    /// What the screen draws, cell by cell and style by style (the shell's rows left out).
    private func picture(_ screen: any ConsoleScreen) -> Buffer {
        var buffer = Buffer(size: KeyTableDriftTests.size)
        screen.render(into: &buffer, area: environment.contentArea, theme: .color, environment: environment)
        return buffer
    }

    /// Whether `copy` draws differently from `top`: asked twice, so a clock shown on screen
    /// (an expiry "in 30 days" to the minute) ticking between two drawings is not a change.
    private func differs(_ copy: any ConsoleScreen, from top: any ConsoleScreen) -> Bool {
        picture(copy) != picture(top) && picture(copy) != picture(top)
    }

    func problems() -> [String] {
        guard let top = console.topScreen, let table = (top as? any BindingScreen)?.declaredKeys(environment) else { return ["not a BindingScreen"] }
        var problems: [String] = []
        let entries = Set(table.map { "\($0.hint) \($0.label)" })
        let footerEntries = table.filter(\.inFooter).map { "\($0.hint) \($0.label)" }

        // 1. The footer: every hint is an entry (or the shell's), every footer entry is shown.
        let footer = demo.footerRow.trimmingCharacters(in: .whitespaces)
        let segments = footer.split(separator: /\s{2,}/).map { String($0) }.filter { $0 != "\u{2026}" }
        for segment in segments where !entries.contains(segment) && !KeyTableDriftTests.shellFooter.contains(segment) {
            problems.append("footer shows \u{201C}\(segment)\u{201D}, which is in no binding")
        }
        if !footer.contains("\u{2026}") {
            for entry in footerEntries where !segments.contains(entry) { problems.append("footer lacks \u{201C}\(entry)\u{201D}") }
        }

        // 2. `?`: the screen's section lists entries of the table, with their label or reason.
        problems += helpProblems(top, table)

        // 3. Every enabled entry is taken and does something; a disabled one says why, nothing else.
        let probes: [Key] = [.character("x"), .character("2"), .character("-")]
        for entry in table where !entry.keys.isEmpty || entry.typesText {
            let keys = entry.keys + (entry.typesText ? probes : [])
            var didSomething = false
            for key in keys {
                var copy = top
                let actions = copy.handle(key, environment)
                if let reason = entry.disabledReason {
                    let said = actions.map { $0.count == 1 && Self.flashText($0[0]) == reason } ?? false
                    if !said || differs(copy, from: top) { problems.append("\(entry.hint) \(entry.label) is disabled but \(key) does not just say \u{201C}\(reason)\u{201D}") }
                    continue
                }
                guard let actions else {
                    if !entry.typesText { problems.append("\(entry.hint) \(entry.label): \(key) is passed on, not handled") }
                    continue
                }
                if !actions.isEmpty || differs(copy, from: top) { didSomething = true }
            }
            if entry.disabledReason == nil && !didSomething { problems.append("\(entry.hint) \(entry.label) does nothing") }
        }

        // 4. A printable key in no entry changes nothing.
        let shellKeys: Set<Character> = top.capturesText ? ["?"] : ["q", "?", ":", "1", "2", "3", "4", "5"]
        for scalar in 0x20...0x7E {
            let character = Character(Unicode.Scalar(UInt8(scalar)))
            let key = Key.character(character)
            if table.contains(where: { $0.matches(key) }) || shellKeys.contains(character) { continue }
            if ListMoveKeys.keys.contains(key) { continue }  // the help's "Lists" section names them on every screen
            var copy = top
            let actions = copy.handle(key, environment)
            if !(actions ?? []).isEmpty || differs(copy, from: top) {
                problems.append("\u{201C}\(character)\u{201D} is in no binding, yet it \((actions ?? []).isEmpty ? "changes the screen" : "asks the shell for something")")
            }
        }
        return problems
    }

    private static func flashText(_ action: ConsoleAction) -> String? {
        if case let .flash(text, _) = action { return text }
        return nil
    }

    /// Opens help (F1 works even in a text field), reads the screen's section, closes it.
    private func helpProblems(_ top: any ConsoleScreen, _ table: [DeclaredKey]) -> [String] {
        demo.send(.function(1))
        defer { demo.send(.escape) }
        let lines = demo.frame.lines
        guard let titleRow = lines.firstIndex(where: { $0.contains("Help \u{2014} \(top.breadcrumb)") }) else { return ["? shows no help for \(top.breadcrumb)"] }
        // The box's side borders are where its top corners are.
        let title = Array(lines[titleRow])
        let start = Array(lines[titleRow].components(separatedBy: "Help \u{2014}")[0]).count
        guard let left = title[..<start].lastIndex(of: "\u{250C}"), let right = title[start...].firstIndex(of: "\u{2510}") else { return ["help box not found"] }
        var problems: [String] = []
        // Row after the title is padding, then the section title, then its entries up to a blank row.
        var row = titleRow + 3
        while row < lines.count {
            let characters = Array(lines[row])
            guard characters.count > right else { break }
            let inner = String(characters[(left + 1)..<right]).trimmingCharacters(in: .whitespaces)
            if inner.isEmpty { break }
            let parts = inner.split(separator: /\s{2,}/, maxSplits: 1).map { String($0) }
            let key = parts.first ?? ""
            let text = parts.count > 1 ? parts[1] : ""
            let known = table.contains { entry in
                Self.startsTheSame(entry.hint, key) && (text.isEmpty || Self.startsTheSame(entry.label, text) || entry.disabledReason.map { Self.startsTheSame($0, text) } == true)
            }
            if !known { problems.append("help lists \u{201C}\(key)  \(text)\u{201D}, which is in no binding") }
            row += 1
        }
        return problems
    }

    /// Whether `shown` is `full`, or its start where the box cut it.
    private static func startsTheSame(_ full: String, _ shown: String) -> Bool {
        let cut = shown.hasSuffix("\u{2026}") ? String(shown.dropLast()) : shown
        return full == shown || (!cut.isEmpty && full.hasPrefix(cut))
    }
}
