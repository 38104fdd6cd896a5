import Testing
@testable import TerminalKit

@Suite("Header, tabs, footer, flash, help, too small")
struct ChromeTests {
    @Test func headerShowsCrumbsAndContext() {
        var buffer = Buffer(width: 50, height: 1)
        Header(appName: "Gatehouse", breadcrumbs: ["Tokens", "ci-deploy"], context: "alice")
            .render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0) == " Gatehouse › Tokens › ci-deploy             alice ")
        #expect(buffer.style(atX: 20, y: 0) == Theme.color[.header])
    }

    @Test func headerCollapsesCrumbsWhenNarrow() {
        var buffer = Buffer(width: 30, height: 1)
        Header(appName: "Gatehouse", breadcrumbs: ["Users", "alice", "Tokens", "ci"], context: "alice@contoso")
            .render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0).hasPrefix(" Gatehouse › … › Tokens › ci"))
        #expect(!buffer.contains("alice@contoso"))
    }

    @Test func tabBarNumbersAndSelection() {
        var buffer = Buffer(width: 60, height: 1)
        TabBar(titles: ["Users", "Groups", "Tokens", "Audit", "Policies"], selectedIndex: 2)
            .render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0).hasPrefix(" 1 Users   2 Groups   3 Tokens   4 Audit   5 Policies "))
        guard let tokens = buffer.find("3 Tokens") else { Issue.record("no tab"); return }
        #expect(buffer.style(atX: tokens.x, y: 0) == Theme.color[.activeTab])
        var narrow = Buffer(width: 20, height: 1)
        TabBar(titles: ["Users", "Groups", "Tokens", "Audit", "Policies"], selectedIndex: 0)
            .render(into: &narrow, area: narrow.area, theme: .color)
        for n in 1...5 { #expect(narrow.text(row: 0).contains("\(n)")) }
        #expect(TabBar.index(for: .character("3"), current: 0, count: 5) == 2)
        #expect(TabBar.index(for: .character("9"), current: 0, count: 5) == nil)
        #expect(TabBar.index(for: .backTab, current: 0, count: 5) == 4)
        #expect(TabBar.index(for: .tab, current: 4, count: 5) == 0)
    }

    @Test func footerDropsHintsThatDoNotFit() {
        let footer = Footer(hints: [KeyHint("q", "Quit"), KeyHint("/", "Filter"), KeyHint("?", "Help"), KeyHint("d", "Revoke")])
        var wide = Buffer(width: 60, height: 1)
        footer.render(into: &wide, area: wide.area, theme: .color)
        #expect(wide.text(row: 0).hasPrefix(" q Quit  / Filter  ? Help  d Revoke"))
        #expect(wide.style(atX: 1, y: 0) == Theme.color[.keyHint])
        for width in 1...40 {
            var buffer = Buffer(width: width, height: 1)
            footer.render(into: &buffer, area: buffer.area, theme: .color)
            let text = buffer.text(row: 0)
            #expect(!text.contains("Fil ") && !text.contains("Hel "), "hints are whole or absent: \(text)")
        }
        var narrow = Buffer(width: 20, height: 1)
        footer.render(into: &narrow, area: narrow.area, theme: .color)
        #expect(narrow.text(row: 0).hasPrefix(" q Quit  / Filter …"))
    }

    @Test func flashExpiresOnTheInjectedClock() {
        let now = ContinuousClock.now
        let flash = Flash("Token revoked", level: .success, now: now, duration: .seconds(3))
        #expect(!flash.isExpired(at: now.advanced(by: .seconds(2))))
        #expect(flash.isExpired(at: now.advanced(by: .seconds(3))))
        #expect(Flash.active(flash, at: now.advanced(by: .seconds(4))) == nil)
        #expect(Flash.active(flash, at: now) == flash)
        var buffer = Buffer(width: 30, height: 1)
        flash.render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0).hasPrefix(" ✓ Token revoked"))
        #expect(buffer.style(atX: 1, y: 0) == Theme.color[.success])
    }

    @Test(arguments: [(Flash.Level.info, "ℹ"), (.warning, "!"), (.error, "✗")])
    func flashLevels(level: Flash.Level, mark: String) {
        var buffer = Buffer(width: 20, height: 1)
        Flash("msg", level: level, now: .now).render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0).hasPrefix(" \(mark) msg"))
    }

    @Test func helpOverlayListsKeysAndScrolls() {
        let help = HelpOverlay(sections: [
            HelpSection("Navigation", [KeyHint("j/k", "Move"), KeyHint("Enter", "Open")]),
            HelpSection("Tokens", [KeyHint("n", "New token"), KeyHint("r", "Regenerate")]),
        ])
        var buffer = Buffer(width: 80, height: 24)
        help.render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.contains("Help"))
        #expect(buffer.contains("Navigation"))
        #expect(buffer.contains("Enter  Open"))
        #expect(buffer.contains("Regenerate"))
        #expect(buffer.contains("Esc close"))
        var small = Buffer(width: 40, height: 7)
        help.render(into: &small, area: small.area, theme: .color)
        #expect(help.maxScrollOffset(in: small.area) > 0)
        #expect(small.contains("more"))
    }

    @Test func tooSmallViewSaysWhatIsNeeded() {
        var buffer = Buffer(width: 40, height: 6)
        TooSmallView(required: Size(width: 80, height: 24), current: buffer.size).render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.contains("Terminal too small"))
        #expect(buffer.contains("needs 80x24, now 40x6"))
        #expect(TooSmallView.isNeeded(required: Size(width: 80, height: 24), current: Size(width: 79, height: 30)))
        #expect(!TooSmallView.isNeeded(required: Size(width: 80, height: 24), current: Size(width: 80, height: 24)))
    }

    @Test func paragraphWrapsAndScrolls() {
        var buffer = Buffer(width: 10, height: 2)
        Paragraph("one two three four five", scrollOffset: 1).render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.lines == ["three four", "five      "])
    }
}
