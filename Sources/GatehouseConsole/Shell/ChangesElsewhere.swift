import Foundation
import GatehouseDomain
import Synchronization

/// Changes other hosts make to a shared directory, as the store's change feed reports them:
/// gathered on the store's thread and taken by the console's tick, which then reloads the panes
/// they concern (the one on screen at once, the others when shown). Taken at most once per
/// `interval`, so a busy directory (a thousand revocations a second elsewhere) costs one reload
/// a second, not one per change.
final class ChangesElsewhere: Sendable {
    /// What one take asks the console to do.
    struct Reload: Equatable {
        /// The panes showing something that changed.
        var panes: Set<Pane> = []
        /// An organization was added, renamed or removed (or anything may have changed): the
        /// header's and the panes' organization names and scopes are read again.
        var organizations = false
        /// Who may do what may have moved (a membership, a permission): the console's cached
        /// decisions (which keys are enabled, and why not) are asked again.
        var permissions = false

        mutating func add(_ change: DirectoryChange) {
            panes.formUnion(Self.panes(for: change.kind))
            switch change.kind {
            case .organization, .unknown:
                organizations = true
                permissions = true
            case .account, .group, .permissions:
                permissions = true
            case .token, .policy, .audit:
                break
            }
        }

        /// The panes that show a kind of change. Every change appends an audit event, so Audit
        /// is in each. Groups and permissions decide what an actor may see (others' tokens,
        /// the audit log), so they reach the Tokens and Audit panes too.
        static func panes(for kind: DirectoryChange.Kind) -> Set<Pane> {
            switch kind {
            case .token: [.tokens, .users, .policies, .audit]        // user detail lists tokens; Policies counts non-compliant ones
            case .account: Set(Pane.allCases)                          // names in members, owners and exemptions
            case .group: Set(Pane.allCases)                            // members, a user's groups, exempt groups, what one may see
            case .permissions: [.groups, .users, .tokens, .audit]      // the grid, effective permissions, what one may see
            case .policy: [.policies, .tokens, .audit]                 // the policies and which tokens break them
            case .audit: [.audit]
            case .organization, .unknown: Set(Pane.allCases)
            }
        }
    }

    private struct State {
        var pending: Reload?
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
        subscription = feed?.subscribe { change in
            shared.state.withLock { state in
                var reload = state.pending ?? Reload()
                reload.add(change)
                state.pending = reload
            }
        }
    }

    deinit {
        if let subscription { feed?.unsubscribe(subscription) }
    }

    /// What changed elsewhere since the last take, once the interval has passed; nil otherwise.
    func take(now: ContinuousClock.Instant) -> Reload? {
        shared.state.withLock { state in
            guard let pending = state.pending else { return nil }
            if let last = state.lastTaken, now - last < interval { return nil }
            state.pending = nil
            state.lastTaken = now
            return pending
        }
    }
}
