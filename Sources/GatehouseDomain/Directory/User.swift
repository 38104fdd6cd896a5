import Foundation

/// A directory account: a person, or a service account, principal, job agent or third-party app.
public struct User: Hashable, Sendable, Identifiable {
    public let id: UserID
    public var displayName: String
    /// Maps an OS or SSH login to this account. Unique, case-insensitive.
    public var loginName: String
    /// Email or user principal name; may be empty for non-person accounts.
    public var email: String
    public var kind: AccountKind
    public var identitySource: IdentitySource
    public var accessLevel: AccessLevel
    public var status: AccountStatus
    public let createdAt: Date
    /// Optimistic-concurrency version: bumped by every update.
    public var version: Int

    public init(
        id: UserID = UserID(), displayName: String, loginName: String, email: String = "",
        kind: AccountKind = .user, identitySource: IdentitySource = .local,
        accessLevel: AccessLevel = .basic, status: AccountStatus = .active,
        createdAt: Date, version: Int = 1
    ) {
        self.id = id
        self.displayName = displayName
        self.loginName = loginName
        self.email = email
        self.kind = kind
        self.identitySource = identitySource
        self.accessLevel = accessLevel
        self.status = status
        self.createdAt = createdAt
        self.version = version
    }

    public var isActive: Bool { status == .active }
}

/// The editable attributes of a user, as a form or a CLI command supplies them.
public struct UserDraft: Equatable, Sendable {
    public var displayName: String
    public var loginName: String
    public var email: String
    public var kind: AccountKind
    public var identitySource: IdentitySource
    public var accessLevel: AccessLevel

    public init(
        displayName: String, loginName: String, email: String = "", kind: AccountKind = .user,
        identitySource: IdentitySource = .local, accessLevel: AccessLevel = .basic
    ) {
        self.displayName = displayName
        self.loginName = loginName
        self.email = email
        self.kind = kind
        self.identitySource = identitySource
        self.accessLevel = accessLevel
    }

    public init(_ user: User) {
        self.init(
            displayName: user.displayName, loginName: user.loginName, email: user.email,
            kind: user.kind, identitySource: user.identitySource, accessLevel: user.accessLevel)
    }
}
