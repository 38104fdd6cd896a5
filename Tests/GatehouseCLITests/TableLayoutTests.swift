import Foundation
import Testing
@testable import GatehouseCLI
import TerminalKit

/// CLI tables as a person sees them: measured in terminal columns (a CJK character or an emoji is
/// two), cut only to fit a terminal, never in a pipe.
@Suite struct TableLayoutTests {
    @Test func wideNamesLineUpWithTheirColumns() {
        var table = TextTable([.fixed("LOGIN"), .flexible("NAME"), .fixed("STATUS")])
        table.append(["wang", "王小明", "Active"])
        table.append(["marie", "Marie ❤️ 🇫🇷", "Active"])
        table.append(["bob", "Bob Builder", "Disabled"])
        let lines = table.render(width: 100)
        // STATUS starts at the same terminal column on every line, as a terminal draws them.
        #expect(lines == [
            "LOGIN  NAME         STATUS",
            "wang   王小明       Active",
            "marie  Marie \u{2764}\u{FE0F} 🇫🇷  Active",
            "bob    Bob Builder  Disabled",
        ])
    }

    @Test func aWideNameIsCutToColumnsNeverHalfACharacter() {
        var table = TextTable([.fixed("LOGIN"), .flexible("NAME", minimum: 4)])
        table.append(["wang", "王小明王小明王小明"])
        let lines = table.render(width: 16)
        #expect(lines.allSatisfy { TextWidth.width($0) <= 16 }, "\(lines)")
        #expect(lines[1] == "wang   王小明王…")
    }

    @Test func noWidthLimitInAPipe() {
        #expect(TerminalWidth.detect(environment: [:], standardOutputIsTerminal: false) == TerminalWidth.unlimited)
        #expect(TerminalWidth.detect(environment: ["COLUMNS": "80"], standardOutputIsTerminal: false) == 80)
        var table = TextTable([.fixed("LOGIN"), .flexible("EMAIL")])
        let email = String(repeating: "long.mailbox.", count: 12) + "@contoso.example"
        table.append(["svc", email])
        #expect(table.render(width: TerminalWidth.unlimited)[1] == "svc    " + email)
    }

    @Test func aStreamedListInAPipeCutsNoLaterRow() throws {
        let fixture = try CLIFixture()
        let email = "a.mailbox.much.longer.than.any.on.the.first.page@operations.contoso.example"
        #expect(fixture.run(["users", "add", "--login", "zz-late", "--name", "Late", "--email", email, "--kind", "user"]).status == 0)
        let listed = fixture.run(["users", "list"], width: TerminalWidth.unlimited)
        #expect(listed.stdout.contains(email), "\(listed.stdout)")
        #expect(!listed.stdout.contains("\u{2026}"))
        let narrow = fixture.run(["users", "list"], width: 80)
        #expect(narrow.stdout.split(separator: "\n").allSatisfy { TextWidth.width($0) <= 80 })
    }

    @Test func optionsBeforeTheSubcommandAreMovedAfterIt() {
        let root = GatehouseCommand.self
        #expect(LeadingOptions.reorder(["--db", "x.sqlite", "tokens", "list"], root: root).arguments == ["tokens", "list", "--db", "x.sqlite"])
        #expect(LeadingOptions.reorder(["--as=bob", "--json", "users", "show", "alice"], root: root).arguments == ["users", "show", "alice", "--as=bob", "--json"])
        #expect(LeadingOptions.reorder(["--db", "x", "users", "show", "--", "--odd-login"], root: root).arguments == ["users", "show", "--db", "x", "--", "--odd-login"])
        // The console with --db, an unknown word and a dangling --db are left as typed.
        #expect(LeadingOptions.reorder(["--db", "x"], root: root).arguments == ["--db", "x"])
        #expect(LeadingOptions.reorder(["--db", "x", "tokns"], root: root).arguments == ["--db", "x", "tokns"])
        #expect(LeadingOptions.reorder(["tokens", "list", "--db"], root: root).arguments == ["tokens", "list", "--db"])
    }
}
