import Foundation

/// A public key registered to a user, for the SSH endpoint to come. Only public material is stored.
public struct RegisteredSSHKey: Hashable, Sendable, Identifiable {
    public let id: SSHKeyID
    public let userID: UserID
    public let key: SSHPublicKey
    public let addedAt: Date

    public init(id: SSHKeyID = SSHKeyID(), userID: UserID, key: SSHPublicKey, addedAt: Date) {
        self.id = id
        self.userID = userID
        self.key = key
        self.addedAt = addedAt
    }

    public var fingerprint: String { key.fingerprint }
}
