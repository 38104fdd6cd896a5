import GatehouseDomain
import TerminalKit

/// One key of a screen, declared once (lazygit's keybinding tables): the footer, the `?` help and
/// the handling all read the same entry, so what the footer offers is what the key does, and a
/// disabled key says the same reason in the footer, in help and when pressed.
struct KeyBinding<Screen> {
    /// The keys that trigger it (`d` and Delete).
    let keys: [Key]
    /// How the footer and help write the key ("Enter", "←/→").
    let hint: String
    let label: String
    /// Why it cannot be used now; pressing it then says this and does nothing else.
    let disabledReason: String?
    /// In the footer (help lists every binding).
    let inFooter: Bool
    /// nil: the keys are handled by the shared list keys (Enter opens, `/` filters), listed here
    /// so the footer and help show them from the same table.
    let action: ((inout Screen, Key, ConsoleEnvironment) -> [ConsoleAction])?

    init(_ keys: [Key], _ hint: String, _ label: String, disabledReason: String? = nil, inFooter: Bool = true,
         action: ((inout Screen, Key, ConsoleEnvironment) -> [ConsoleAction])? = nil) {
        self.keys = keys
        self.hint = hint
        self.label = label
        self.disabledReason = disabledReason
        self.inFooter = inFooter
        self.action = action
    }

    var screenKey: ScreenKey { ScreenKey(hint, label, disabledReason: disabledReason) }
}

/// A screen whose keys are one binding table.
protocol BindingScreen: ConsoleScreen {
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<Self>]
}

extension BindingScreen {
    /// The footer: the table's footer entries, in order.
    func boundKeys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        bindings(environment).filter(\.inFooter).map(\.screenKey)
    }

    /// Every entry, for `?` (the footer may leave some out).
    func helpKeys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        bindings(environment).map(\.screenKey)
    }

    /// Runs the binding of `key`: a disabled one says why; nil when no binding has the key (or its
    /// handling is the shared list's).
    mutating func handleBinding(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        guard let binding = bindings(environment).first(where: { $0.keys.contains(key) }) else { return nil }
        if let reason = binding.disabledReason { return [.flash(reason, .error)] }
        guard let action = binding.action else { return nil }
        return action(&self, key, environment)
    }
}
