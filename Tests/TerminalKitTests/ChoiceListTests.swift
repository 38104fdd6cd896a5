import Testing
@testable import TerminalKit

@Suite("Choice lists")
struct ChoiceListTests {
    let items = [
        ChoiceItem("Contoso"), ChoiceItem("Fabrikam", detail: "fabrikam.example"),
        ChoiceItem("All organizations", disabledReason: "blocked by policy"), ChoiceItem("北京"),
    ]

    @Test func singleChoiceMovesChoosesAndRefusesDisabled() {
        var list = ChoiceList(items: items, selectedIndex: 0)
        #expect(list.handle(.down, visibleHeight: 4) == .moved)
        #expect(list.handle(.character(" "), visibleHeight: 4) == .changed)
        #expect(list.selectedIndex == 1)
        _ = list.handle(.character("j"), visibleHeight: 4)
        #expect(list.handle(.enter, visibleHeight: 4) == .refused("blocked by policy"))
        #expect(list.selectedIndex == 1)
        _ = list.handle(.end, visibleHeight: 4)
        #expect(list.handle(.enter, visibleHeight: 4) == .submitted)
        #expect(list.selectedIndex == 3)
        #expect(list.handle(.escape, visibleHeight: 4) == .cancelled)
    }

    @Test func singleChoiceRendering() {
        var buffer = Buffer(width: 50, height: 4)
        var list = ChoiceList(items: items, selectedIndex: 1)
        _ = list.handle(.down, visibleHeight: 4)
        list.render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0).hasPrefix("( ) Contoso"))
        #expect(buffer.text(row: 1).hasPrefix("(•) Fabrikam  fabrikam.example"))
        #expect(buffer.text(row: 2).hasPrefix("( ) All organizations  (blocked by policy)"))
        #expect(buffer.text(row: 3).hasPrefix("( ) 北京"))
        #expect(buffer.style(atX: 49, y: 2) == Theme.color[.selection])
        #expect(buffer.style(atX: 49, y: 1) != Theme.color[.selection])
    }

    @Test func multiChoiceTogglesAndScrolls() {
        var list = MultiChoiceList(items: items, checked: [0])
        _ = list.handle(.down, visibleHeight: 2)
        #expect(list.handle(.character(" "), visibleHeight: 2) == .changed)
        _ = list.handle(.down, visibleHeight: 2)
        #expect(list.handle(.character(" "), visibleHeight: 2) == .refused("blocked by policy"))
        #expect(list.checkedIndices == [0, 1])
        #expect(list.handle(.enter, visibleHeight: 2) == .submitted)

        var buffer = Buffer(width: 30, height: 2)
        list.render(into: &buffer, area: buffer.area, theme: .monochrome.with(lineDrawing: .ascii))
        #expect(buffer.text(row: 0).hasPrefix("[x] Fabrikam"))
        #expect(buffer.text(row: 1).hasPrefix("[ ] All organizations"))
    }
}
