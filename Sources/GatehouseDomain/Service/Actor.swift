import Foundation

/// Who is acting: the directory user a request runs as, the real login behind it when an
/// administrator acts as someone else (`--as`), so the audit log says "root as alice", and the
/// credential the request came with when it was not a local login (a token over HTTP, an SSH key).
public struct Actor: Sendable, Equatable {
    public let user: User
    public let impersonator: User?
    /// nil for a local login (console or CLI run by the OS user).
    public let credential: ActorCredential?
    /// A presenter in a demo copy acting as a demo user: the one impersonation that needs no
    /// rights. Set only by `AccessService.resolveActor`, and re-checked against the directory
    /// (it must be a demo copy) on every call.
    let isDemoPresenter: Bool

    public init(user: User, impersonator: User? = nil, credential: ActorCredential? = nil) {
        self.init(user: user, impersonator: impersonator, credential: credential, isDemoPresenter: false)
    }

    init(user: User, impersonator: User?, credential: ActorCredential?, isDemoPresenter: Bool) {
        self.user = user
        self.impersonator = impersonator
        self.credential = credential
        self.isDemoPresenter = isDemoPresenter
    }

    public var principal: AuditPrincipal { AuditPrincipal(user) }
    public var displayText: String {
        impersonator.map { "\($0.loginName) as \(user.loginName)" } ?? user.loginName
    }
}

/// How a request that is not a local login proved who it is. Audited with every change it makes.
public enum ActorCredential: Sendable, Equatable {
    /// A personal access token: the owner, narrowed by the token's scopes (and its organization).
    case token(id: TokenID, handle: String, scopes: ScopeSelection, target: TokenTarget)
    /// A registered SSH key (`gatehouse ssh session`): the key's owner.
    case sshKey(fingerprint: String)

    /// "token gpat_…Ab3x", "SSH key SHA256:…": what the audit log and a title bar say.
    public var auditText: String {
        switch self {
        case let .token(_, handle, _, _): "token \(handle)"
        case let .sshKey(fingerprint): "SSH key \(fingerprint)"
        }
    }
}

extension AuditPrincipal {
    /// Events with no acting user, e.g. a replaced secret presented for verification.
    public static let system = AuditPrincipal(id: UserID(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))), login: "(system)")
}
