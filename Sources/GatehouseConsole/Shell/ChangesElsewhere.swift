import Foundation
import GatehouseDomain
import Synchronization

/// Changes other hosts make to a shared directory, as the store's change feed reports them: a
/// flag raised on the store's thread and taken by the console's tick, which then reloads the pane
/// on screen. Taken at most once per `interval`, so a busy directory (a thousand revocations a
/// second elsewhere) costs one page reload a second, not one per change.
final class ChangesElsewhere: Sendable {
    private struct State {
        var pending = false
        var lastTaken: ContinuousClock.Instant?
    }

    /// A class, so the feed's handler can hold it (a `Mutex` cannot be copied into a closure).
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    private let feed: (any DirectoryChangeFeed)?
    private let subscription: UUID?
    let interval: Duration

    /// Listens when the store has a change feed (PostgreSQL); otherwise never raises.
    init(store: any DirectoryStore, interval: Duration = .seconds(1)) {
        self.interval = interval
        let feed = store as? any DirectoryChangeFeed
        self.feed = feed
        let shared = shared
        subscription = feed?.subscribe { _ in shared.state.withLock { $0.pending = true } }
    }

    deinit {
        if let subscription { feed?.unsubscribe(subscription) }
    }

    /// Whether something changed elsewhere since the last take, and the interval has passed.
    func take(now: ContinuousClock.Instant) -> Bool {
        shared.state.withLock { state in
            guard state.pending else { return false }
            if let last = state.lastTaken, now - last < interval { return false }
            state.pending = false
            state.lastTaken = now
            return true
        }
    }
}
