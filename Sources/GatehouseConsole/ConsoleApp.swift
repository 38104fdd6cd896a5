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
            let console = Console(service: service, actor: actor)
            var secretShown = false
            // A tick delivers finished effects too: 100 ms keeps a result from waiting long.
            await runLoop(backend: terminal, tickMilliseconds: 100, render: { buffer in
                console.render(into: &buffer, theme: terminal.theme)
            }, handle: { event in
                if case .key = event, let reason = endReason() {
                    ended = reason
                    return .quit
                }
                let action = step(console, event: event, size: terminal.size)
                console.startEffects()
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

    public init(service: AccessService, actor: Actor, width: Int = 80, height: Int = 24, theme: Theme = .color,
                clock: any WallClock = SystemClock(), instant: @escaping () -> ContinuousClock.Instant = { ContinuousClock.now },
                clipboardReach: ClipboardReach = .terminal) {
        backend = MemoryBackend(width: width, height: height, theme: theme)
        console = Console(environment: ConsoleEnvironment(service: service, actor: actor, clock: clock, instant: instant, clipboardReach: { clipboardReach }))
        console.resize(to: backend.size)
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
            console.runEffectsNow()
            if let text = console.takePendingClipboard() { clipboard.append(text) }
            draw()
        }
    }

    public func type(_ text: String) {
        send(text.map { Key.character($0) })
    }

    public func tick() {
        _ = ConsoleApp.step(console, event: .tick, size: backend.size)
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
