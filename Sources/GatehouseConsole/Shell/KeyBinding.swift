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
    /// Also takes every key a text field consumes (characters, paste, Backspace, Delete, ←/→,
    /// Home/End, Ctrl-A/E/D/U/K/W): a focused field, a filter being typed. Declared with
    /// `KeyBinding.typing`, so the table says that a state takes text instead of bypassing it.
    private(set) var typesText = false
    /// Also takes the mouse wheel (a list's moves).
    private(set) var takesWheel = false

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

    /// A binding for the keys a text field takes ("type", "Name"); it matches after the table's
    /// explicit keys, so Enter, Esc and Tab keep their own entries.
    /// `action` nil: the typing is handled by the shared list code (a list's `/` filter).
    static func typing(_ hint: String = "type", _ label: String, disabledReason: String? = nil, inFooter: Bool = false,
                       action: ((inout Screen, Key, ConsoleEnvironment) -> [ConsoleAction])? = nil) -> KeyBinding {
        var binding = KeyBinding([], hint, label, disabledReason: disabledReason, inFooter: inFooter, action: action)
        binding.typesText = true
        return binding
    }

    /// The keys that move in a list (`ListState`'s: j/k ↑/↓, PgUp/PgDn, g/G Home/End, the
    /// wheel), as the help's "Lists" section names them; out of the footer.
    static func moving(_ label: String = "Move", disabledReason: String? = nil,
                       action: @escaping (inout Screen, Key, ConsoleEnvironment) -> [ConsoleAction]) -> KeyBinding {
        var binding = KeyBinding(ListMoveKeys.keys, "j/k \u{2191}/\u{2193}", label, disabledReason: disabledReason, inFooter: false, action: action)
        binding.takesWheel = true
        return binding
    }

    /// Whether pressing `key` runs this binding.
    func matches(_ key: Key) -> Bool {
        if keys.contains(key) || (typesText && TextEditingKeys.contains(key)) { return true }
        if takesWheel, case .mouse = key { return true }
        return false
    }

    var declared: DeclaredKey {
        DeclaredKey(keys: keys, typesText: typesText, hint: hint, label: label, disabledReason: disabledReason, inFooter: inFooter, hasAction: action != nil)
    }
}

/// One binding without its action, whatever the screen: what a test (or a generated key table)
/// reads to check that the footer, help and handling agree.
struct DeclaredKey {
    let keys: [Key]
    let typesText: Bool
    let hint: String
    let label: String
    let disabledReason: String?
    let inFooter: Bool
    let hasAction: Bool

    func matches(_ key: Key) -> Bool { keys.contains(key) || (typesText && TextEditingKeys.contains(key)) }
}

/// The keys `ListState` moves with: what the help's "Lists" section describes on every screen.
enum ListMoveKeys {
    static let keys: [Key] = [
        .up, .down, .character("k"), .character("j"), .pageUp, .pageDown, .ctrl("b"), .ctrl("f"),
        .home, .end, .character("g"), .character("G"),
    ]
}

/// The keys a `TextField` acts on besides Enter and Esc.
enum TextEditingKeys {
    static func contains(_ key: Key) -> Bool {
        switch key {
        case .character, .paste, .backspace, .delete, .left, .right, .home, .end: true
        case let .ctrl(letter): ["a", "e", "d", "u", "k", "w"].contains(letter)
        default: false
        }
    }
}

/// A screen whose keys are one binding table.
protocol BindingScreen: ConsoleScreen {
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<Self>]
}

extension BindingScreen {
    /// The table in force now: the screen's, or, while a list's `/` filter is being typed, the
    /// filter's (typing filters, Enter keeps, Esc clears; the shared list code handles them).
    func activeBindings(_ environment: ConsoleEnvironment) -> [KeyBinding<Self>] {
        if let list = self as? any ListPane, list.isTypingFilter { return ListFilterKeys.typing(terms: (self as? any FilterTermsHinting)?.filterTerms) }
        return bindings(environment)
    }

    /// The footer: the table's footer entries, in order.
    func boundKeys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        activeBindings(environment).filter(\.inFooter).map(\.screenKey)
    }

    /// Every entry, for `?` (the footer may leave some out).
    func helpKeys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        activeBindings(environment).map(\.screenKey)
    }

    /// The table as it stands now, without its actions (for the drift test).
    func declaredKeys(_ environment: ConsoleEnvironment) -> [DeclaredKey] {
        activeBindings(environment).map(\.declared)
    }

    /// Runs the binding of `key`: a disabled one says why; nil when no binding has the key (or its
    /// handling is the shared list's).
    mutating func handleBinding(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        guard let binding = activeBindings(environment).first(where: { $0.matches(key) }) else { return nil }
        if let reason = binding.disabledReason { return [.flash(reason, .error)] }
        guard let action = binding.action else { return nil }
        return action(&self, key, environment)
    }
}

extension ListPane {
    /// Whether the `/` filter has the keys.
    var isTypingFilter: Bool { core.filter.isEditing }
}

/// A list whose `/` filter has terms worth showing while it is typed (Audit's `actor:` …).
protocol FilterTermsHinting {
    var filterTerms: String { get }
}

/// A list's `/` filter while it is typed: a state of every list's table.
enum ListFilterKeys {
    static func typing<Screen>(terms: String? = nil) -> [KeyBinding<Screen>] {
        [
            KeyBinding([.enter, .up, .down, .tab], "Enter", "Keep filter"),
            KeyBinding([.escape], "Esc", "Clear filter"),
            terms.map { KeyBinding<Screen>.typing($0, "terms", inFooter: true) } ?? .typing("type", "Filter the list"),
        ]
    }
}
