/// What the run loop tells the application about.
public enum LoopEvent: Hashable, Sendable {
    case key(Key)
    /// No key within the tick interval: a chance to expire flashes or show background results.
    case tick
}

/// What the application wants after an event.
public enum LoopAction: Hashable, Sendable {
    /// Render a new frame.
    case redraw
    /// Nothing visible changed.
    case keep
    /// Leave the loop.
    case quit
}

/// A minimal Elm-style loop: render the state, wait for a key (or a tick), let the
/// application update its state, repeat. The application owns its state and its update
/// function; this only sequences them. A `.resize` always redraws. Ctrl-L repaints every cell
/// (and still reaches the application); Ctrl-Z suspends the program as a shell job (htop, less);
/// the loop ends when the backend says the terminal is gone.
@MainActor
public func runLoop(
    backend: some Backend, tickMilliseconds: Int = 100,
    render: (inout Buffer) -> Void,
    handle: (LoopEvent) async -> LoopAction
) async {
    var needsDraw = true
    while true {
        if needsDraw {
            var buffer = Buffer(size: backend.size)
            render(&buffer)
            backend.draw(buffer)
            needsDraw = false
        }
        let event: LoopEvent = await backend.readKey(timeoutMilliseconds: tickMilliseconds).map { .key($0) } ?? .tick
        if backend.shouldStop { return }
        if event == .key(.ctrl("z")) {
            backend.suspend()
            needsDraw = true
            continue
        }
        if event == .key(.ctrl("l")) { backend.invalidate() }
        if event == .key(.resize) || event == .key(.ctrl("l")) { needsDraw = true }
        switch await handle(event) {
        case .quit: return
        case .redraw: needsDraw = true
        case .keep: break
        }
    }
}
