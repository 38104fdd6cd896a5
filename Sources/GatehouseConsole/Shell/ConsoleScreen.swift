import GatehouseDomain
import TerminalKit

/// One screen of the console: a pane's list, a detail view, a form, the wizard.
/// State is a value; `handle` is the update function; `render` only reads.
protocol ConsoleScreen {
    /// The breadcrumb for the header ("Tokens", "ci-deploy").
    var breadcrumb: String { get }
    /// When true (a text field has the focus), keys go to the screen first, even `q`, `1`–`5`, `:`, `?`.
    var capturesText: Bool { get }
    /// Keys that work here, for the footer and `?`; the shell adds its own.
    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey]
    /// Every key for `?` (the footer may leave some out); the footer's keys by default.
    func helpKeys(_ environment: ConsoleEnvironment) -> [ScreenKey]
    /// Extra help text for `?` (what this screen is for).
    var helpSummary: String { get }
    /// Whether leaving would lose typed input (the shell asks first).
    var hasUnsavedInput: Bool { get }
    /// What quitting now would leave half-done, in words for the quit dialog (a bulk revocation
    /// running); nil: the generic "not saved" message, if `hasUnsavedInput`.
    var quitWarning: String? { get }
    /// The token whose secret this screen holds, not yet acknowledged (the show-once screen).
    var heldSecretToken: PersonalAccessToken? { get }
    /// The update function: nil when the key means nothing here (the shell then tries its own keys).
    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]?
    /// A result from a screen this one pushed (a picker's choice, a form's saved object).
    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction]
    /// Reload from the directory after a change elsewhere (synchronously: screens that have not
    /// moved their reads into effects yet; the default of `refreshing`).
    mutating func refresh(_ environment: ConsoleEnvironment)
    /// What the screen asks for when it is put on screen (pushed, or its pane first shown):
    /// effects, whose answers come back through `receive`. `init` reads nothing.
    mutating func load(_ environment: ConsoleEnvironment) -> [ConsoleAction]
    /// Reload after a change elsewhere, or a resize: effects, as `load`. The old data stays on
    /// screen until the new arrives.
    mutating func refreshing(_ environment: ConsoleEnvironment) -> [ConsoleAction]
    /// A load is running: the message row says "Loading…".
    var isLoading: Bool { get }
    /// Shows the list filtered by `text` (a list pane), returning the load; nil when the screen has no filter.
    mutating func keepFilter(_ text: String, _ environment: ConsoleEnvironment) -> [ConsoleAction]?
    /// The periodic tick, for the screen on top: work that runs between frames (a bulk revocation
    /// in chunks). nil when there is nothing to do (nothing is redrawn).
    mutating func tick(_ environment: ConsoleEnvironment) -> [ConsoleAction]?
    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment)
}

extension ConsoleScreen {
    var capturesText: Bool { false }
    func helpKeys(_ environment: ConsoleEnvironment) -> [ScreenKey] { keys(environment) }
    var helpSummary: String { "" }
    var hasUnsavedInput: Bool { false }
    var quitWarning: String? { nil }
    var heldSecretToken: PersonalAccessToken? { nil }
    mutating func refresh(_ environment: ConsoleEnvironment) {}
    mutating func load(_ environment: ConsoleEnvironment) -> [ConsoleAction] { [] }
    mutating func refreshing(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        refresh(environment)
        return []
    }
    var isLoading: Bool { false }
    mutating func keepFilter(_ text: String, _ environment: ConsoleEnvironment) -> [ConsoleAction]? { nil }
    mutating func tick(_ environment: ConsoleEnvironment) -> [ConsoleAction]? { nil }
    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] { [] }
}

/// What a pushed screen hands back to the one below it.
enum ScreenResult {
    case member(GroupMember)
    case quickFilters(Set<String>)
    case scopes(ScopeSelection)
    /// The value an effect this screen asked for produced (`ConsoleAction.run`).
    case effect(any Sendable)
}
