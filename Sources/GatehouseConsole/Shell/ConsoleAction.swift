import Foundation
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
    /// A change that touches only these panes: their screens reload, the others keep their pages
    /// (and permission answers are asked again).
    case refresh(Set<Pane>)
    /// Work that may take longer than a frame, run off the main loop; its result comes back to
    /// the screen that asked as `ScreenResult.effect` (Bubble Tea's Cmd).
    case run(Effect)
    case copyToClipboard(String)
    /// Show a pane's list, closing the screens above it (input there was confirmed as discarded).
    case showList(Pane)
    case quit

    /// Whether this is an effect (what a screen below the top may still ask for).
    var isRun: Bool {
        if case .run = self { return true }
        return false
    }

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

/// Work that may take longer than a frame (a scan of every member, a change on a network
/// database): the shell runs `work` off the main loop and hands its value back, as a message, to
/// the screen that asked (`receive(.effect(value))`), if it is still on top of its pane. Keys keep
/// working meanwhile. The in-memory driver runs effects at once, in order, so tests stay exact.
struct Effect: Sendable {
    /// Said on the message row while the work runs.
    let progress: String?
    /// Rows read ahead of the view (a list's prefetch margin): nothing on screen waits for them,
    /// so the frame after a key is drawn without them, and a reload may overtake them.
    let isPrefetch: Bool
    let work: @Sendable () -> any Sendable

    init(progress: String? = nil, isPrefetch: Bool = false, _ work: @escaping @Sendable () -> any Sendable) {
        self.progress = progress
        self.isPrefetch = isPrefetch
        self.work = work
    }
}

/// Which screen an effect's result goes back to: the top of a pane's stack, as it was when asked.
struct EffectTicket: Sendable, Hashable {
    let pane: Pane
    let depth: Int
    let breadcrumb: String
    /// The effect's progress note, taken down when its result arrives.
    let progress: String?
    /// The shell's own work (the acting user's permission answers), not a screen's.
    var forShell = false
    /// See `Effect.isPrefetch`.
    var isPrefetch = false
}

/// Finished effects, posted from worker threads and taken by the main loop: `wake` (the
/// terminal's self-pipe) tells the loop at once, so a result does not wait for the next tick.
final class EffectMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var finished: [(EffectTicket, any Sendable)] = []
    private var running = 0
    /// Every effect started and not posted yet, loads included, prefetches not.
    private var outstanding = 0
    private var wake: (@Sendable () -> Void)?

    /// Work with a progress note (a save) is counted: quitting waits for it. Loads are not.
    func started(_ ticket: EffectTicket) {
        lock.withLock {
            if !ticket.isPrefetch { outstanding += 1 }
            if ticket.progress != nil { running += 1 }
        }
    }

    /// Called (on the worker's thread) after each result is posted.
    func onPost(_ wake: @escaping @Sendable () -> Void) { lock.withLock { self.wake = wake } }

    func post(_ ticket: EffectTicket, _ value: any Sendable) {
        let wake = lock.withLock {
            finished.append((ticket, value))
            if !ticket.isPrefetch { outstanding -= 1 }
            if ticket.progress != nil { running -= 1 }
            return self.wake
        }
        wake?()
    }

    func take() -> [(EffectTicket, any Sendable)] {
        lock.withLock {
            defer { finished.removeAll() }
            return finished
        }
    }

    /// A save (work with a progress note) is still running.
    var isBusy: Bool { lock.withLock { running > 0 } }

    /// Some effect the next frame waits for (a load too, not a prefetch) has not answered yet.
    var isWorking: Bool { lock.withLock { outstanding > 0 } }

    /// Results are waiting to be taken.
    var hasFinished: Bool { lock.withLock { !finished.isEmpty } }
}
