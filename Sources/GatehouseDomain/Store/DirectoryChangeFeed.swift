import Foundation

/// What another process (or host) changed, as a store's change feed reports it: what kind of
/// thing changed and, when one thing did, its id; `.unknown` means "something; reload everything"
/// (a notification was lost, the connection dropped).
///
/// The ids are those of the changed row's owner in the directory: a token's id, an account's id,
/// a group's id (the group, its members, or its permissions), an organization's id (the
/// organization, or its policies). A statement that changed several (a bulk revocation, a copy)
/// reports its kind with no id. Never a secret, a name or anything else from the row.
public struct DirectoryChange: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// A token created, edited, regenerated, revoked or deleted.
        case token
        /// An account created, edited, disabled or deleted; its organizations or SSH keys.
        case account
        /// A security group created, renamed or deleted, or its members.
        case group
        /// A group's permission settings (Allow, Deny, Not set).
        case permissions
        /// An organization's token policies or their exemptions.
        case policy
        /// An organization created, renamed or deleted.
        case organization
        /// An audit event appended (every change appends one; some, such as a replaced secret
        /// presented, change nothing else).
        case audit
        /// Anything: reload everything.
        case unknown
    }

    public let kind: Kind
    /// The one token, account, group or organization changed; nil when several, or unknown.
    public let id: UUID?

    public init(_ kind: Kind, _ id: UUID? = nil) {
        self.kind = kind
        self.id = kind == .unknown ? nil : id
    }

    public static let unknown = DirectoryChange(.unknown)
    public static func token(_ id: UUID?) -> DirectoryChange { DirectoryChange(.token, id) }
    public static func account(_ id: UUID?) -> DirectoryChange { DirectoryChange(.account, id) }
    public static func group(_ id: UUID?) -> DirectoryChange { DirectoryChange(.group, id) }
    public static func permissions(_ id: UUID?) -> DirectoryChange { DirectoryChange(.permissions, id) }
    public static func policy(_ id: UUID?) -> DirectoryChange { DirectoryChange(.policy, id) }

    public var description: String { "\(kind.rawValue):\(id?.uuidString.lowercased() ?? "")" }
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
