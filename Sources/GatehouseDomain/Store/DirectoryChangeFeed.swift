import Foundation

/// What another process (or host) changed, as a store's change feed reports it: the id of a token
/// or an account whose verification changed, or "something; reload" (a notification was lost,
/// the connection dropped, an organization changed).
public enum DirectoryChange: Sendable, Equatable {
    case changed(UUID)
    case unknown
}

/// A store whose database tells it about changes made elsewhere (PostgreSQL's LISTEN/NOTIFY), so
/// a console can show them without a restart. SQLite has none: one host, and its console already
/// reloads after its own changes.
public protocol DirectoryChangeFeed: AnyObject, Sendable {
    /// Calls `handler` (on the store's own thread) for each change; nil when the store cannot
    /// report changes now. Stop with `unsubscribe`.
    func subscribe(_ handler: @escaping @Sendable (DirectoryChange) -> Void) -> UUID?
    func unsubscribe(_ id: UUID)
}
