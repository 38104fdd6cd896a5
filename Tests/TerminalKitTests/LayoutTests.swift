import CivilCalendar
import Testing
@testable import TerminalKit

@Suite("Layouts at every size")
struct LayoutTests {
    static let sizes = [(1, 1), (2, 2), (20, 6), (80, 24), (200, 60), (0, 0), (5, 1), (1, 5)]

    @Test(arguments: sizes)
    func sampleScreenRendersWithoutCrashing(width: Int, height: Int) {
        for withDialog in [false, true] {
            var buffer = Buffer(width: width, height: height)
            var state = TableState()
            state.select(250, rowCount: 500, pageHeight: max(0, height - 6))
            SampleScreen.render(into: &buffer, theme: .color, withDialog: withDialog, state: state)
            #expect(buffer.lines.count == height)
            for line in buffer.lines { #expect(TextWidth.width(line) == width) }
        }
    }

    @Test(arguments: sizes)
    func everyWidgetSurvivesEverySize(width: Int, height: Int) {
        var buffer = Buffer(width: width, height: height)
        let area = buffer.area
        let theme = Theme.color
        var field = TextField(text: "漢字 text", placeholder: "name")
        field.validationMessage = "Required"
        field.render(into: &buffer, area: area, theme: theme)
        DateField(date: CalendarDate(year: 2025, month: 1, day: 1)).render(into: &buffer, area: area, theme: theme)
        ChoiceList(items: [ChoiceItem("a"), ChoiceItem("b", disabledReason: "no")]).render(into: &buffer, area: area, theme: theme)
        MultiChoiceList(items: [ChoiceItem("a")]).render(into: &buffer, area: area, theme: theme)
        HelpOverlay(sections: [HelpSection("Keys", [KeyHint("q", "Quit")])]).render(into: &buffer, area: area, theme: theme)
        TooSmallView(required: Size(width: 80, height: 24), current: area.size).render(into: &buffer, area: area, theme: theme)
        Paragraph("some words to wrap").render(into: &buffer, area: area, theme: theme)
        Header(appName: "G", breadcrumbs: ["a", "b"], context: "c").render(into: &buffer, area: area, theme: theme)
        Footer(hints: [KeyHint("q", "Quit")]).render(into: &buffer, area: area, theme: theme)
        TabBar(titles: ["A", "B"], selectedIndex: 1).render(into: &buffer, area: area, theme: theme)
        #expect(buffer.size == Size(width: width, height: height))
        if let cursor = buffer.cursor { #expect(area.contains(x: cursor.x, y: cursor.y)) }
    }

    @Test func sampleScreenAt80x24() {
        var buffer = Buffer(width: 80, height: 24)
        SampleScreen.render(into: &buffer, theme: .color, withDialog: false)
        #expect(buffer.text(row: 0).hasPrefix(" Gatehouse › Tokens"))
        #expect(buffer.text(row: 1).contains("3 Tokens"))
        #expect(buffer.text(row: 2).hasPrefix("┌ Tokens ─"))
        #expect(buffer.text(row: 3).hasPrefix("│Name ▲"))
        #expect(buffer.text(row: 4).hasPrefix("│ci-deploy"))
        #expect(buffer.text(row: 5).hasPrefix("│漢字トークン"))
        #expect(buffer.text(row: 8).contains("evil␛]0;pwned␇"))
        #expect(buffer.text(row: 23).hasPrefix(" q Quit"))
    }
}
