import Foundation
import GatehouseDomain
import TerminalKit

/// Runs the console: on a real terminal (ncursesw), or on an in-memory backend in tests.
/// Both go through `step`, so what tests drive is what admins get.
@MainActor
public enum ConsoleApp {
    /// Opens the terminal, runs until the user quits, and restores the terminal (also on errors
    /// and signals). Throws `TerminalError` (exit status 2) when there is no usable terminal.
    /// Core dumps are off for the whole session: a secret may be in memory at any time.
    /// However the session ends on a show-once screen (quit, a signal, the terminal gone), the
    /// screen and scrollback are wiped and "secret never acknowledged" is audited; a terminating
    /// signal then ends the process with 128 + its number, as a shell reports it.
    ///
    /// `endReason` is asked before every key: a reason ends the session at once (an SSH key
    /// removed, its owner disabled) and is returned, for the caller to print once the terminal is back.
    @discardableResult
    public static func run(service: AccessService, actor: Actor, options: TerminalOptions,
                           endReason: () -> String? = { nil }) async throws -> String? {
        ProcessHardening.disableCoreDumps()
        var endedBy: Int32 = 0
        var ended: String?
        try await NcursesBackend.run(options: options) { terminal in
            let console = Console(service: service, actor: actor, size: terminal.size)
            let wakeup = terminal.wakeup
            // A finished effect wakes the loop through the terminal's self-pipe: its result is drawn at once.
            if let wakeup { console.mailbox.onPost { wakeup.signal() } }
            console.startEffects()
            settle(console, wakeup: wakeup)
            var secretShown = false
            await runLoop(backend: terminal, tickMilliseconds: 100, render: { buffer in
                console.render(into: &buffer, theme: terminal.theme)
            }, handle: { event in
                if case .key = event, let reason = endReason() {
                    ended = reason
                    return .quit
                }
                var action = step(console, event: event, size: terminal.size)
                console.startEffects()
                if settle(console, wakeup: wakeup), action == .keep { action = .redraw }
                if let text = console.takePendingClipboard() { terminal.copyToClipboard(text) }
                if console.showsSecret != secretShown {
                    if secretShown { terminal.scrubScreen() }
                    secretShown = console.showsSecret
                    terminal.setSecretShown(secretShown)
                }
                return secretShown != console.showsSecret ? .redraw : action
            })
            // A change still being saved off the main loop (staged permissions) finishes before
            // the process ends, so quitting right after Ctrl-S keeps it (each is one transaction).
            let deadline = ContinuousClock.now + .seconds(10)
            while console.mailbox.isBusy, ContinuousClock.now < deadline { usleep(10_000) }
            // A token Create finished meanwhile is now held by a show-once screen nobody saw, so it
            // is audited below as "secret never acknowledged" like any other left open.
            _ = console.deliverEffects()
            if secretShown { terminal.scrubScreen() }
            terminal.setSecretShown(false)
            endedBy = terminal.pendingSignal
            let how = endedBy != 0 ? "signal \(endedBy)" : (terminal.isInputClosed ? "terminal closed" : (ended != nil ? "session ended" : "console quit"))
            for token in console.heldSecretTokens {
                try? service.recordSecretNotAcknowledged(token.id, sessionEnd: how, by: actor)
            }
        }
        if endedBy != 0 { exit(128 + endedBy) }
        return ended
    }

    /// The frame after a key is drawn from state at once, except that loads answering within
    /// `grace` (a local SQLite file answers in well under a millisecond) are taken first: one frame
    /// with the new rows, never one with "Loading…" then another. A slow store keeps its loads
    /// running; the frame shows the old rows and the next one comes when they answer.
    /// Returns whether something was delivered.
    @discardableResult
    static func settle(_ console: Console, wakeup: LoopWakeup?, grace: Duration = .milliseconds(12)) -> Bool {
        guard let wakeup else { return false }
        let deadline = ContinuousClock.now + grace
        var delivered = false
        while console.mailbox.isWorking || console.mailbox.hasFinished {
            if !console.mailbox.hasFinished {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { break }
                let milliseconds = Int(left.components.attoseconds / 1_000_000_000_000_000) + Int(left.components.seconds) * 1_000
                _ = wakeup.wait(milliseconds: max(1, milliseconds))
                continue
            }
            delivered = console.deliverEffects() || delivered
            console.startEffects()
        }
        return delivered
    }

    static func step(_ console: Console, event: LoopEvent, size: Size) -> LoopAction {
        let changed: Bool
        switch event {
        case let .key(key): changed = console.handle(key, size: size)
        case .tick: changed = console.tick()
        }
        if console.isFinished { return .quit }
        return changed ? .redraw : .keep
    }
}

/// Drives a console in memory, for tests and benchmarks: send keys, read the frame.
@MainActor
public final class ConsoleDriver {
    public let backend: MemoryBackend
    let console: Console
    /// Every text the console asked to put on the clipboard (OSC 52), in order.
    public private(set) var clipboard: [String] = []

    /// Effects wait in a queue until `releaseEffects` instead of running at once: the frames
    /// between show what a slow store's user sees while loads are pending.
    public var holdsEffects: Bool

    public init(service: AccessService, actor: Actor, width: Int = 80, height: Int = 24, theme: Theme = .color,
                clock: any WallClock = SystemClock(), instant: @escaping () -> ContinuousClock.Instant = { ContinuousClock.now },
                clipboardReach: ClipboardReach = .terminal, holdingEffects: Bool = false) {
        backend = MemoryBackend(width: width, height: height, theme: theme)
        holdsEffects = holdingEffects
        console = Console(environment: ConsoleEnvironment(service: service, actor: actor, clock: clock, instant: instant, clipboardReach: { clipboardReach }),
                          size: backend.size)
        if !holdsEffects { console.runEffectsNow() }
        draw()
    }

    /// Effects asked for and not run yet (while `holdsEffects`).
    public var heldEffectCount: Int { console.queuedEffectCount }

    /// Held effects that only read ahead of a list's view: the frame never waits for them.
    public var heldPrefetchCount: Int { console.queuedPrefetchCount }

    /// Runs the held effects, and those their answers ask for, until none is left; then draws.
    public func releaseEffects() {
        console.runEffectsNow()
        draw()
    }

    /// Runs only the effects held now, not those their answers ask for, and draws: one round trip.
    public func releaseOneRound() {
        console.runQueuedEffectsOnce()
        draw()
    }

    public var isFinished: Bool { console.isFinished }

    /// How a bulk revocation runs: tokens per transaction and work per frame (small in tests, to
    /// see it stop halfway).
    public func setBulkRevocation(chunk: Int, budget: Duration) {
        console.environment.bulkRevocationChunk = chunk
        console.environment.bulkRevocationBudget = budget
    }

    /// The last frame drawn.
    public var frame: Buffer { backend.lastFrame ?? Buffer(size: backend.size) }

    /// The frame as text, one line per row.
    public var screen: String { frame.lines.joined(separator: "\n") }

    public func send(_ keys: Key...) { send(keys) }

    public func send(_ keys: [Key]) {
        for key in keys {
            _ = ConsoleApp.step(console, event: .key(key), size: backend.size)
            if !holdsEffects { console.runEffectsNow() }
            if let text = console.takePendingClipboard() { clipboard.append(text) }
            draw()
        }
    }

    public func type(_ text: String) {
        send(text.map { Key.character($0) })
    }

    public func tick() {
        _ = ConsoleApp.step(console, event: .tick, size: backend.size)
        if !holdsEffects { console.runEffectsNow() }
        draw()
    }

    public func resize(width: Int, height: Int) {
        backend.resize(to: Size(width: width, height: height))
        send(.resize)
    }

    public func draw() {
        var buffer = Buffer(size: backend.size)
        console.render(into: &buffer, theme: backend.theme)
        backend.draw(buffer)
    }
}
