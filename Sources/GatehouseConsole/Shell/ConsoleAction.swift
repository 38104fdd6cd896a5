import GatehouseDomain
import TerminalKit

/// What a screen asks the shell to do after handling a key. The shell owns navigation,
/// dialogs, flashes and the clipboard; screens own their state.
enum ConsoleAction {
    case push(any ConsoleScreen)
    case pop
    /// Leave the top screen, asking first when it holds unsaved input.
    case close
    /// Pop, and hand a result to the screen below.
    case popWith(ScreenResult)
    /// Replace the top screen (e.g. a form that becomes the detail it created).
    case replace(any ConsoleScreen)
    case confirm(PendingConfirmation)
    case flash(String, Flash.Level)
    /// Something changed in the directory: every screen reloads what it shows.
    case refreshAll
    case copyToClipboard(String)
    case quit

    /// A failed façade call, as an error flash with the façade's message.
    static func failure(_ error: any Error) -> ConsoleAction {
        .flash((error as? GatehouseError)?.description ?? String(describing: error), .error)
    }
}

/// A confirmation dialog and what to do when the user confirms.
struct PendingConfirmation {
    var dialog: ConfirmDialog
    let onConfirm: (ConsoleEnvironment) -> [ConsoleAction]
}

/// A key in the footer: disabled ones are shown dimmed, and pressing them says why.
struct ScreenKey {
    let key: String
    let label: String
    let disabledReason: String?

    init(_ key: String, _ label: String, disabledReason: String? = nil) {
        self.key = key
        self.label = label
        self.disabledReason = disabledReason
    }
}
