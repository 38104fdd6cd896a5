import GatehouseDomain
import TerminalKit

/// Full access, or a custom set with one level per area. Typing filters the areas; ↑/↓ move;
/// ←/→ change the level of the highlighted area; Space turns it on or off. High-privilege (†)
/// levels are marked and explained before anyone picks them.
struct ScopeSelector {
    enum Mode: Equatable { case custom, fullAccess }

    private(set) var mode: Mode
    /// The chosen level index per area name (absent: none).
    private(set) var levels: [String: Int] = [:]
    private(set) var filter = TextField(placeholder: "type to filter areas", maxLength: 40)
    private(set) var list = ListState()
    /// Why Full access is unavailable (a policy), or nil.
    var fullAccessDisabledReason: String?
    private let catalog: ScopeCatalog

    init(catalog: ScopeCatalog, selection: ScopeSelection? = nil) {
        self.catalog = catalog
        switch selection {
        case .fullAccess:
            mode = .fullAccess
        case let .custom(identifiers):
            mode = .custom
            for identifier in identifiers {
                guard let (area, level) = catalog.lookup(identifier) else { continue }
                levels[area.name] = area.levels.firstIndex(of: level)
            }
        case nil:
            mode = .custom
        }
    }

    var visibleAreas: [ScopeArea] {
        let text = filter.text.lowercased()
        return text.isEmpty ? catalog.areas : catalog.areas.filter { $0.name.lowercased().contains(text) }
    }

    var selection: ScopeSelection? {
        if mode == .fullAccess { return .fullAccess }
        let identifiers = catalog.areas.compactMap { area in levels[area.name].map { area.levels[$0].identifier } }
        return identifiers.isEmpty ? nil : .custom(identifiers)
    }

    /// The problem with the current choice, or nil when it can be accepted.
    var validationMessage: String? {
        if mode == .fullAccess, let reason = fullAccessDisabledReason { return reason }
        if selection == nil { return "Choose at least one scope, or switch to Full access (F)." }
        return nil
    }

    mutating func handle(_ key: Key, pageHeight: Int) -> Bool {
        let areas = visibleAreas
        switch key {
        case .character("F") where filter.text.isEmpty, .ctrl("f"):
            mode = mode == .fullAccess ? .custom : .fullAccess
        case .up, .down, .pageUp, .pageDown, .home, .end:
            _ = list.handle(key, rowCount: areas.count, pageHeight: pageHeight)
        case .left, .right:
            guard mode == .custom, list.selectedIndex < areas.count else { return false }
            let area = areas[list.selectedIndex]
            let count = area.levels.count + 1  // "none" is position 0
            let current = levels[area.name].map { $0 + 1 } ?? 0
            let next = (current + (key == .left ? count - 1 : 1)) % count
            levels[area.name] = next == 0 ? nil : next - 1
        case .character(" "):
            guard mode == .custom, list.selectedIndex < areas.count else { return false }
            let area = areas[list.selectedIndex]
            levels[area.name] = levels[area.name] == nil ? 0 : nil
        default:
            let before = filter.text
            _ = filter.handle(key)
            guard filter.text != before else { return false }
            list = ListState()
        }
        return true
    }

    /// The selector's keys as entries of the binding table of the screen that holds it (at
    /// `selector`); `changed` runs after each (the holder clears its message).
    func bindings<Screen>(_ selector: WritableKeyPath<Screen, ScopeSelector>, pageHeight: Int,
                          changed: @escaping (inout Screen) -> Void) -> [KeyBinding<Screen>] {
        let act: (inout Screen, Key, ConsoleEnvironment) -> [ConsoleAction] = { screen, key, _ in
            _ = screen[keyPath: selector].handle(key, pageHeight: pageHeight)
            changed(&screen)
            return []
        }
        let full = mode == .fullAccess ? "Full access covers every area at its highest level; F switches back to custom scopes." : nil
        // F is typed into the filter once the filter has text; Ctrl-F switches then.
        let switchKeys: [Key] = filter.text.isEmpty ? [.character("F"), .ctrl("f")] : [.ctrl("f")]
        return [
            KeyBinding([.up, .down, .pageUp, .pageDown, .home, .end], "\u{2191}/\u{2193}", "Area", disabledReason: full, action: act),
            KeyBinding([.left, .right], "\u{2190}/\u{2192}", "Level", disabledReason: full, action: act),
            KeyBinding([.character(" ")], "Space", "On/off", disabledReason: full, action: act),
            KeyBinding(switchKeys, filter.text.isEmpty ? "F" : "Ctrl-F", mode == .fullAccess ? "Custom scopes" : "Full access", action: act),
            // In Full access there is no list to filter: typing says so instead of editing a hidden filter.
            .typing("type", "Filter the areas", disabledReason: full, action: act),
        ]
    }

    var summary: String {
        guard let selection else { return "nothing chosen yet" }
        return selection.summary(in: catalog)
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.height >= 4 else { return }
        var x = area.x + 1
        x += buffer.put(mode == .custom ? "(\u{2022}) Custom defined" : "( ) Custom defined", x: x, y: area.y, style: theme[mode == .custom ? .accent : .normal]) + 3
        let fullRole: Role = fullAccessDisabledReason != nil ? .disabled : (mode == .fullAccess ? .danger : .normal)
        x += buffer.put(mode == .fullAccess ? "(\u{2022}) Full access \u{2020}" : "( ) Full access \u{2020}", x: x, y: area.y, style: theme[fullRole]) + 2
        buffer.put("F switches", x: x, y: area.y, style: theme[.muted], maxWidth: max(0, area.maxX - x))
        if mode == .fullAccess {
            let text = fullAccessDisabledReason ?? "Full access reaches every area at its highest level, including code, pipelines, secrets and tokens. Prefer the smallest set of scopes that does the job."
            let lines = TextWrap.wrap(text, width: max(1, area.width - 2))
            for (index, line) in lines.enumerated() where index + 2 < area.height {
                buffer.put(line, x: area.x + 1, y: area.y + 2 + index, style: theme[fullAccessDisabledReason != nil ? .errorText : .warning])
            }
            return
        }
        buffer.put("Filter:", x: area.x + 1, y: area.y + 1, style: theme[.muted])
        filter.render(into: &buffer, area: Rect(x: area.x + 9, y: area.y + 1, width: min(30, area.width - 10), height: 1), theme: theme)
        let areas = visibleAreas
        let listArea = Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 3)
        if areas.isEmpty {
            buffer.put("No area matches \u{201C}\(filter.text)\u{201D}.", x: listArea.x + 1, y: listArea.y, style: theme[.muted])
        }
        for (row, index) in list.visibleRange(rowCount: areas.count, pageHeight: listArea.height).enumerated() {
            let scopeArea = areas[index]
            let line = listArea.row(row)
            let selected = index == list.selectedIndex
            if selected { buffer.fill(line, style: theme[.selection]) }
            let chosen = levels[scopeArea.name].map { scopeArea.levels[$0] }
            let mark = chosen == nil ? "[ ]" : "[x]"
            var column = line.x + 1
            column += buffer.put("\(mark) \(scopeArea.name)", x: column, y: line.y, style: theme[selected ? .selection : .normal], maxWidth: 34)
            column = line.x + 36
            let levelText = chosen.map { "\u{2039} \($0.name)\($0.isHighPrivilege ? " \u{2020}" : "") \u{203A}" } ?? "\u{2039} none \u{203A}"
            let role: Role = selected ? .selection : (chosen?.isHighPrivilege == true ? .warning : (chosen == nil ? .muted : .success))
            buffer.put(levelText, x: column, y: line.y, style: theme[role], maxWidth: max(0, line.maxX - column))
        }
        let footer = area.row(area.height - 1)
        if list.selectedIndex < areas.count, let level = levels[areas[list.selectedIndex].name].map({ areas[list.selectedIndex].levels[$0] }), level.isHighPrivilege {
            buffer.put("\u{2020} \(level.identifier) is high-privilege: admins review such tokens in the risk view.", x: footer.x + 1, y: footer.y, style: theme[.warning], maxWidth: footer.width - 2)
        } else {
            buffer.put("Chosen: \(summary)", x: footer.x + 1, y: footer.y, style: theme[.muted], maxWidth: footer.width - 2)
        }
    }
}
