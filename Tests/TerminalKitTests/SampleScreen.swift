@testable import TerminalKit

/// A screen like the console's: header, tabs, table in a box, footer, optional dialog.
enum SampleScreen {
    static let names = ["ci-deploy", "漢字トークン", "cafe\u{301}", "🚀 bot", "evil\u{1b}]0;pwned\u{07}", "rtl\u{202E}txt"]

    static func render(into buffer: inout Buffer, theme: Theme, withDialog: Bool, state: TableState = TableState()) {
        let rows = buffer.area.split(rows: [.fixed(1), .fixed(1), .fill, .fixed(1), .fixed(1)])
        Header(appName: "Gatehouse", breadcrumbs: ["Tokens"], context: "alice (demo)").render(into: &buffer, area: rows[0], theme: theme)
        TabBar(titles: ["Users", "Groups", "Tokens", "Audit", "Policies"], selectedIndex: 2).render(into: &buffer, area: rows[1], theme: theme)
        let inner = Block(title: "Tokens", isFocused: true).render(into: &buffer, area: rows[2], theme: theme)
        let page = TablePage(allRows: (0..<500).map { i in [names[i % names.count], "alice", "2025-01-01", "active"] })
        Table(columns: [TableColumn("Name", weight: 2), TableColumn("Owner"), TableColumn("Expires", minWidth: 10), TableColumn("Status")],
              sort: TableSort(column: 0), emptyMessage: "No tokens")
            .render(into: &buffer, area: inner, theme: theme, state: state, source: page)
        Flash("Saved", level: .success, now: .now).render(into: &buffer, area: rows[3], theme: theme)
        Footer(hints: [KeyHint("q", "Quit"), KeyHint("/", "Filter"), KeyHint("?", "Help")]).render(into: &buffer, area: rows[4], theme: theme)
        if withDialog {
            ConfirmDialog(title: "Revoke token", message: "Revoke it?", objectName: "ci-deploy", confirmLabel: "Revoke", isDestructive: true)
                .render(into: &buffer, area: buffer.area, theme: theme)
        }
    }
}
