import Foundation
import GatehouseDomain

/// The notifications the schema's triggers send at commit (`pg-v2-verification-changes`,
/// `pg-v3-directory-changes`), read back as `DirectoryChange`s: a payload is `kind:id`, or
/// `kind:` when the statement changed several things.
enum PostgresChangeNotification {
    /// Changes a verification answer may depend on (a token, an account and its organizations, an
    /// organization): one per row, and logged in `verification_change` for the safety net.
    static let verificationChannel = "gatehouse_verification"
    /// Every other change a console shows (groups, members, permissions, policies, new tokens and
    /// accounts, SSH keys, the audit log): one per statement; no verification depends on them.
    static let directoryChannel = "gatehouse_directory"

    static let listen = "LISTEN \(verificationChannel); LISTEN \(directoryChannel)"

    /// The change a payload names; anything unreadable (an older build's bare id, an empty
    /// payload) is `.unknown`, which reloads everything.
    static func change(_ payload: String) -> DirectoryChange {
        guard let colon = payload.firstIndex(of: ":"),
              let kind = DirectoryChange.Kind(rawValue: String(payload[..<colon])), kind != .unknown else { return .unknown }
        let rest = payload[payload.index(after: colon)...]
        if rest.isEmpty { return DirectoryChange(kind) }
        guard let id = UUID(uuidString: String(rest)) else { return .unknown }
        return DirectoryChange(kind, id)
    }

    /// What a verification cache drops for a notification: nothing (nil) for the directory
    /// channel, the named token or account's records, or everything (an organization, or unknown).
    static func eviction(channel: String, _ change: DirectoryChange) -> Eviction? {
        guard channel == verificationChannel else { return nil }
        switch (change.kind, change.id) {
        case let (.token, id?), let (.account, id?): return .records(of: id)
        default: return .everything
        }
    }

    enum Eviction: Equatable {
        case records(of: UUID)
        case everything
    }
}
