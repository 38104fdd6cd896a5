/// A group as reached from a user: the chain of groups that leads to it.
/// `path.first` is a group the user belongs to directly; `path.last` is the group itself.
public struct GroupPath: Hashable, Sendable {
    public let path: [GroupReference]

    public init(_ path: [GroupReference]) { self.path = path }

    public var group: GroupReference { path[path.count - 1] }

    /// "Contributors" or "Readers → Contributors" (member of → member of).
    public var text: String { path.map(\.name).joined(separator: " \u{2192} ") }
}

public struct GroupReference: Hashable, Sendable {
    public let id: GroupID
    public let name: String

    public init(id: GroupID, name: String) {
        self.id = id
        self.name = name
    }

    public init(_ group: SecurityGroup) { self.init(id: group.id, name: group.name) }
}

/// The outcome of evaluating one permission for one user in one organization, with the reason.
public struct PermissionDecision: Hashable, Sendable {
    public enum Source: Hashable, Sendable {
        case allowed(by: GroupPath)
        case denied(by: GroupPath)
        /// No group the user belongs to sets it: denied by default.
        case notSet
        /// Acting as someone else: the impersonator does not hold it there, and rights never exceed theirs.
        case notHeldByImpersonator(login: String)
        /// Acting through a token whose scopes do not include what this needs.
        case outsideTokenScopes(handle: String, scope: String)
        /// Acting through a token made for another organization.
        case outsideTokenOrganization(handle: String)
    }

    public let permission: Permission
    public let source: Source

    public init(permission: Permission, source: Source) {
        self.permission = permission
        self.source = source
    }

    public var isAllowed: Bool {
        if case .allowed = source { return true }
        return false
    }

    /// Why, in words: "allowed by Project Collection Administrators", "denied by Readers via Contributors → Readers".
    public var reasonText: String {
        switch source {
        case let .allowed(by): "allowed by \(Self.describe(by))"
        case let .denied(by): "denied by \(Self.describe(by))"
        case .notSet: "not set in any group the account belongs to"
        case let .notHeldByImpersonator(login): "\(login) does not hold it there, and acting as someone never gives more than your own rights"
        case let .outsideTokenScopes(handle, scope): "the token \(handle) does not carry the \(scope) scope"
        case let .outsideTokenOrganization(handle): "the token \(handle) was made for another organization"
        }
    }

    private static func describe(_ path: GroupPath) -> String {
        path.path.count == 1 ? path.group.name : "\(path.group.name) via \(path.text)"
    }
}
