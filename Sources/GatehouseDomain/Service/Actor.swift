import Foundation

/// Who is acting: the directory user a request runs as, and the real login behind it when an
/// administrator acts as someone else (`--as`), so the audit log says "root as alice".
public struct Actor: Sendable, Equatable {
    public let user: User
    public let impersonator: User?

    public init(user: User, impersonator: User? = nil) {
        self.user = user
        self.impersonator = impersonator
    }

    public var principal: AuditPrincipal { AuditPrincipal(user) }
    public var displayText: String {
        impersonator.map { "\($0.loginName) as \(user.loginName)" } ?? user.loginName
    }
}

extension AuditPrincipal {
    /// Events with no acting user, e.g. a replaced secret presented for verification.
    public static let system = AuditPrincipal(id: UserID(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))), login: "(system)")
}
