import TerminalKit

struct QuickFilterOption {
    let id: String
    let label: String
    let group: String
}

/// A checklist of quick filters over the list it came from. Space toggles, Enter applies,
/// `c` clears, Esc leaves the filters as they were.
struct QuickFilterScreen: BindingScreen {
    let title: String
    let options: [QuickFilterOption]
    private var checklist: MultiChoiceList

    init(title: String, options: [QuickFilterOption], chosen: Set<String>) {
        self.title = title
        self.options = options
        let checked = Set(options.indices.filter { chosen.contains(options[$0].id) })
        // The group is named once, on its first option, so the list reads as sections.
        checklist = MultiChoiceList(items: options.enumerated().map { index, option in
            ChoiceItem(option.label, detail: index == 0 || options[index - 1].group != option.group ? "\u{2014} \(option.group)" : nil)
        }, checked: checked)
    }

    var breadcrumb: String { title }
    var helpSummary: String { "Tick the filters to apply; within a group any ticked value matches, across groups all must match." }

    /// The checklist's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<QuickFilterScreen>] {
        [
            KeyBinding([.character(" ")], "Space", "Toggle") { screen, key, environment in screen.move(key, environment) },
            KeyBinding([.enter], "Enter", "Apply") { screen, _, _ in
                [.popWith(.quickFilters(Set(screen.checklist.checkedIndices.map { screen.options[$0].id })))]
            },
            KeyBinding([.character("c")], "c", "Clear all",
                       disabledReason: checklist.checkedIndices.isEmpty ? "No filter is ticked: nothing to clear." : nil) { screen, _, _ in
                screen.checklist = MultiChoiceList(items: screen.checklist.items, checked: [])
                return []
            },
            KeyBinding([.escape, .character("q")], "Esc", "Cancel") { _, _, _ in [.pop] },
            .moving { screen, key, environment in screen.move(key, environment) },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    private mutating func move(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        _ = checklist.handle(key, visibleHeight: listArea(environment.contentArea).height)
        return []
    }

    private func listArea(_ area: Rect) -> Rect {
        let box = area.centered(width: min(area.width, 56), height: min(area.height, options.count + 4))
        return box.inset(by: Insets(horizontal: 2, vertical: 1))
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let box = area.centered(width: min(area.width, 56), height: min(area.height, options.count + 4))
        let inner = Block(title: title, isFocused: true, clearsBackground: true).render(into: &buffer, area: box, theme: theme)
        checklist.render(into: &buffer, area: inner.inset(by: Insets(horizontal: 1, vertical: 1)), theme: theme)
    }
}
