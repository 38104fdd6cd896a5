import Testing
@testable import TerminalKit

@Suite("Themes")
struct ThemeTests {
    @Test(arguments: Role.allCases)
    func monochromeUsesOnlyAttributes(role: Role) {
        let style = Theme.monochrome[role]
        #expect(style.foreground == .default)
        #expect(style.background == .default)
        #expect(style.attributes.isSubset(of: [.reverse, .bold, .underline, .dim]))
    }

    @Test func monochromeKeepsSelectionVisible() {
        #expect(Theme.monochrome[.selection].attributes.contains(.reverse))
        #expect(Theme.monochrome[.dangerSelection].attributes.contains(.reverse))
        #expect(Theme.monochrome[.selection] != Theme.monochrome[.normal])
        #expect(Theme.monochrome[.keyHint] != Theme.monochrome[.keyLabel])
    }

    @Test(arguments: [
        ([:] as [String: String], false, true, true),
        (["NO_COLOR": "1"], false, true, false),
        (["NO_COLOR": ""], false, true, true),       // empty NO_COLOR does not count (no-color.org)
        ([:], true, true, false),                     // --no-color
        ([:], false, false, false),                   // terminal without colors
    ])
    func selection(environment: [String: String], flag: Bool, hasColors: Bool, expectColor: Bool) {
        let theme = Theme.select(environment: environment, noColorFlag: flag, terminalHasColors: hasColors)
        #expect(theme.usesColor == expectColor)
    }

    @Test func aWholeScreenInMonochromeHasNoColor() {
        var buffer = Buffer(width: 80, height: 24)
        SampleScreen.render(into: &buffer, theme: .monochrome, withDialog: true)
        for cell in buffer.cells {
            #expect(cell.style.foreground == .default && cell.style.background == .default)
        }
        #expect(buffer.cells.contains { $0.style.attributes.contains(.reverse) })
    }

    @Test func asciiLineDrawing() {
        var buffer = Buffer(width: 80, height: 24)
        SampleScreen.render(into: &buffer, theme: Theme.color.with(lineDrawing: .ascii), withDialog: true)
        #expect(!buffer.cells.contains { "┌─┐│└┘›▲▼".contains($0.symbol) && !$0.symbol.isEmpty })
        #expect(buffer.contains("+-"))
    }
}
