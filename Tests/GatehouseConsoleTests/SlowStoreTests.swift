import Foundation
@testable import GatehouseConsole
import GatehouseDemo
import GatehouseDomain
import GatehouseStore
import GatehouseTestSupport
import TerminalKit
import Testing

/// A copy of the demo directory behind a `WatchedStore`, on a console whose effects are held
/// until the test releases them: what an admin on a slow (network) database sees between a key
/// and its data, and proof that neither keys nor drawing read the store.
@MainActor
final class SlowConsole {
    let folder: TemporaryFolder
    let store: WatchedStore
    let service: AccessService
    let actor: Actor
    let driver: ConsoleDriver

    init(width: Int = 80, height: Int = 24, delay: TimeInterval = 0) throws {
        let template = try DemoTemplate.seeded.get()
        folder = try TemporaryFolder()
        let path = folder.path("demo.sqlite")
        try FileManager.default.copyItem(atPath: template.path, toPath: path)
        store = WatchedStore(try SQLiteDirectoryStore(path: path), delay: delay)
        service = AccessService(store: store, catalog: try RepoResources.catalog())
        actor = try service.resolveActor(login: template.administratorLogin)
        driver = ConsoleDriver(service: service, actor: actor, width: width, height: height, holdingEffects: true)
    }

    var screen: String { driver.screen }
    var dump: String { "\n" + driver.frame.renderedText }
    func shows(_ text: String) -> Bool { driver.frame.contains(text) }
    var titleRow: String { driver.frame.text(row: 2) }
    var messageRow: String { driver.frame.text(row: driver.frame.height - 2) }
    var footerRow: String { driver.frame.text(row: driver.frame.height - 1) }
    var activeTab: String? {
        let frame = driver.frame
        var text = ""
        for x in 0..<frame.width where frame.style(atX: x, y: 1) == Theme.color[.activeTab] { text += frame.cell(atX: x, y: 1)?.symbol ?? "" }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The table body's rows (below the title and the column header, above the message row).
    var tableRows: [String] {
        let lines = driver.frame.lines
        return Array(lines[4..<(lines.count - 2)]).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Rows drawn as placeholders (a page not loaded yet).
    var placeholderRows: Int { tableRows.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\u{2026}") }.count }

    /// Keys sent while every store access is refused: none may happen.
    func sendRefusing(_ keys: Key...) {
        store.refusing { driver.send(keys) }
    }

    /// A frame drawn while every store access is refused.
    func drawRefusing() {
        store.refusing { driver.draw() }
    }
}

@MainActor @Suite struct SlowStoreTests {
    @Test func keysAnswerInTheNextFrameWhileThePageIsStillLoading() throws {
        let console = try SlowConsole()
        #expect(console.driver.heldEffectCount > 0, "the first page is an effect, not read before the first frame")
        #expect(console.titleRow.contains("Loading\u{2026}"), "\(console.dump)")
        #expect(console.messageRow.contains("Loading\u{2026}"), "the message row says the data is on its way\(console.dump)")
        // ↓, 2, ?, q all answer at once, from state, with nothing read.
        console.sendRefusing(.down)
        #expect(console.titleRow.contains("Users"))
        console.sendRefusing(.character("2"))
        #expect(console.activeTab?.contains("Groups") == true, "the pane switches at once\(console.dump)")
        #expect(console.shows("Loading\u{2026}"))
        console.sendRefusing(.character("?"))
        #expect(console.shows("Help \u{2014} Groups"), "\(console.dump)")
        console.sendRefusing(.escape)
        #expect(!console.shows("Help \u{2014}"))
        #expect(console.store.refused == 0, "no key read the store: \(console.store.refused) reads")
        // The rows arrive when the loads complete.
        console.driver.releaseEffects()
        #expect(console.shows("Project Collection Administrators"), "\(console.dump)")
        #expect(!console.messageRow.contains("Loading\u{2026}"))
        console.sendRefusing(.character("1"))
        console.driver.releaseEffects()
        #expect(console.shows("Alice Andersen"), "\(console.dump)")
        console.sendRefusing(.character("q"))
        #expect(console.driver.isFinished, "q quits from a list at once")
        #expect(console.store.refused == 0)
    }

    @Test func qQuitsEvenWhileTheFirstPageIsPending() throws {
        let console = try SlowConsole()
        console.sendRefusing(.character("q"))
        #expect(console.driver.isFinished)
        #expect(console.store.refused == 0)
    }

    @Test func aReloadReadsTheRowsInViewAndTheRestFollowsAsAPrefetch() throws {
        let console = try SlowConsole()
        #expect(console.driver.heldPrefetchCount == 0, "the first page is no prefetch: the frame waits for it")
        console.driver.releaseOneRound()
        let inView = console.tableRows.count
        #expect(inView > 10 && console.placeholderRows == 0, "one read brings every row in view\(console.dump)")
        #expect(console.driver.heldPrefetchCount == 1, "the rows below the view come next, as a prefetch")
        #expect(!console.messageRow.contains("Loading"), "nothing in view waits for it\(console.dump)")
        // A page down before the prefetch answers: only the view (and one row) was read.
        console.sendRefusing(.pageDown)
        #expect(console.placeholderRows >= inView - 2, "the next page was not read with the first\(console.dump)")
        #expect(console.messageRow.contains("Loading\u{2026}"), "rows in view wait for it now\(console.dump)")
        console.driver.releaseEffects()
        #expect(console.placeholderRows == 0, "\(console.dump)")
        #expect(console.store.refused == 0)
    }

    @Test func theFirstReadIsForTheTerminalsSizeAndTheFirstKeyReadsNothingAgain() throws {
        let console = try SlowConsole(width: 120, height: 40)
        console.driver.releaseOneRound()
        #expect(console.tableRows.count > 30 && console.placeholderRows == 0, "one read fills the first frame of a tall terminal\(console.dump)")
        console.driver.releaseEffects()
        console.sendRefusing(.down)
        #expect(console.driver.heldEffectCount == 0, "the first key reloads nothing: the size was known from the start")
        #expect(console.store.refused == 0)
    }

    @Test func aNewFilterDoesNotWaitForAPrefetchAndItsAnswerIsDropped() throws {
        let overtaking = try SlowConsole()
        overtaking.driver.releaseOneRound()
        #expect(overtaking.driver.heldPrefetchCount == 1)
        let held = overtaking.driver.heldEffectCount
        overtaking.sendRefusing(.character("/"), .character("k"))
        #expect(overtaking.driver.heldEffectCount == held + 1, "the filter is asked at once, beside the prefetch")
        overtaking.driver.releaseEffects()
        // The same filter typed with nothing in flight: the same count and rows.
        let plain = try SlowConsole()
        plain.driver.releaseEffects()
        plain.sendRefusing(.character("/"), .character("k"))
        plain.driver.releaseEffects()
        #expect(overtaking.titleRow == plain.titleRow, "\(overtaking.dump)\(plain.dump)")
        #expect(overtaking.tableRows == plain.tableRows, "the prefetch's rows never joined the filtered list\(overtaking.dump)")
        overtaking.sendRefusing(.enter, .end)
        plain.sendRefusing(.enter, .end)
        overtaking.driver.releaseEffects()
        plain.driver.releaseEffects()
        #expect(overtaking.tableRows == plain.tableRows, "nor its end\(overtaking.dump)")
        #expect(overtaking.store.refused == 0 && plain.store.refused == 0)
    }

    @Test func aSupersededFilterResultNeverShowsAndTheOldRowsStayMeanwhile() throws {
        let console = try SlowConsole()
        console.driver.releaseEffects()
        let before = console.tableRows
        #expect(before.contains { $0.contains("Alice Andersen") })
        console.sendRefusing(.character("/"), .character("k"))
        #expect(console.driver.heldEffectCount == 1, "one query in flight for the list")
        for character in "schmidt" { console.sendRefusing(.character(character)) }
        #expect(console.driver.heldEffectCount == 1, "the rest wait: only the latest is asked next")
        #expect(console.tableRows.dropFirst().elementsEqual(before.dropFirst()), "the old rows stay while the new ones load (no flicker)\(console.dump)")
        // "k"'s answer comes back: superseded, it is dropped, and "kschmidt" is asked.
        console.driver.releaseOneRound()
        #expect(console.tableRows.contains { $0.contains("Alice Andersen") }, "k's rows never show\(console.dump)")
        #expect(console.driver.heldEffectCount == 1)
        console.driver.releaseEffects()
        #expect(console.tableRows.count == 1, "\(console.dump)")
        #expect(console.tableRows.first?.contains("Kavya Schmidt") == true)
        #expect(console.store.refused == 0)
    }

    @Test func scrollingAsksForTheNextPageAheadAndFarJumpsShowPlaceholdersUntilTheirPage() throws {
        let console = try SlowConsole()
        console.driver.releaseEffects()
        #expect(console.driver.heldEffectCount == 0, "the first page and its prefetch cover the view and the margin")
        var asked = false
        // 63 accounts: the first read and its prefetch hold 56, so the next page is due on the way down.
        for _ in 0..<50 {
            console.sendRefusing(.down)
            #expect(console.placeholderRows == 0, "scrolling row by row never meets a placeholder\(console.dump)")
            if console.driver.heldEffectCount > 0 { asked = true }
        }
        #expect(asked, "the next page was asked for before the selection reached the window's edge")
        #expect(console.store.refused == 0)
        // A far jump on a fresh console, whose first read held only the rows in view.
        let jumping = try SlowConsole()
        jumping.driver.releaseOneRound()
        jumping.sendRefusing(.end)
        #expect(jumping.placeholderRows > 0, "rows not loaded yet are placeholders\(jumping.dump)")
        jumping.driver.releaseEffects()
        #expect(jumping.placeholderRows == 0, "\(jumping.dump)")
        #expect(jumping.store.refused == 0)
    }

    @Test func aFailedLoadArrivesAsTheListsMessage() throws {
        let console = try SlowConsole()
        console.store.refusing { console.driver.releaseEffects() }
        #expect(console.shows("the test refuses"), "the failure is said where the rows would be\(console.dump)")
        #expect(!console.messageRow.contains("Loading"), "and the list is no longer loading")
    }

    /// Render and keys never call the service: every screen of the panes and details is drawn,
    /// and its keys pressed, with the store refusing.
    @Test func renderingAndKeysNeverReadTheStoreOnAnyPaneOrDetail() throws {
        let console = try SlowConsole(width: 120, height: 40)
        console.driver.releaseEffects()
        func visit(_ keys: [Key], expecting text: String) {
            for key in keys {
                console.store.refusing { console.driver.send(key) }
                console.drawRefusing()
                console.driver.releaseEffects()
                console.drawRefusing()
            }
            #expect(console.shows(text), "\(console.dump)")
        }
        visit([.down, .enter], expecting: "Effective permissions in")
        visit([.character("o"), .character("g"), .down, .escape], expecting: "Users")
        visit([.character("2"), .enter], expecting: "Members (")
        visit([.tab, .down, .escape], expecting: "Groups")
        visit([.character("3"), .down, .enter], expecting: "Handle")
        visit([.down, .escape, .character("s"), .character("S")], expecting: "Tokens")
        visit([.character("4"), .down, .enter], expecting: "Target id")
        visit([.escape, .character("5"), .down, .right], expecting: "Policies of")
        visit([.character("1"), .character("/"), .character("a"), .character("n"), .enter, .pageDown, .end, .home], expecting: "Users")
        #expect(console.store.refused == 0, "\(console.store.refused) store transactions were asked for while drawing or handling keys")
    }

    @Test func aRevocationRunsAsAnEffectWithAProgressNote() throws {
        let console = try SlowConsole()
        console.driver.releaseEffects()
        console.sendRefusing(.character("3"))
        console.driver.releaseEffects()
        console.sendRefusing(.character("d"))
        console.driver.releaseEffects()  // the owner, for the dialog
        #expect(console.shows("Revoke token?"), "\(console.dump)")
        console.sendRefusing(.tab, .enter)
        #expect(console.messageRow.contains("Revoking"), "the save runs off the main loop, said on the message row\(console.dump)")
        console.sendRefusing(.down)
        #expect(console.store.refused == 0, "keys still answer while it saves")
        console.driver.releaseEffects()
        #expect(console.messageRow.contains("Revoked"), "\(console.dump)")
    }
}
