import Foundation

extension AccessService {
    // MARK: SSH login (`gatehouse ssh authorized-keys`, `gatehouse ssh session`)

    /// The actor an SSH key logs in as: its owner, with the key as credential (audited "via SSH key
    /// SHA256:…"). One indexed lookup by fingerprint (`ssh_key.fingerprint` is UNIQUE) and one by
    /// id, read fresh on every call, so a key removed or an owner disabled a moment ago is refused.
    ///
    /// Throws `notFound(.sshKey)` when no account has registered the key, `notAllowed` when its
    /// owner is disabled (or vanished): the reason goes to the login log, never to the client.
    public func sshLogin(fingerprint: String) throws(GatehouseError) -> Actor {
        try read { reader in try sshActor(fingerprint: fingerprint, reader) }
    }

    /// Why a running SSH session must end now, or nil while its key is still registered to the
    /// same active owner. The console asks before every key press, so a key deleted or an owner
    /// disabled in another console ends the session at its next action. Nil for other actors.
    public func sshSessionEndReason(_ actor: Actor) -> String? {
        guard case let .sshKey(fingerprint)? = actor.credential else { return nil }
        do {
            let current = try sshLogin(fingerprint: fingerprint)
            guard current.user.id == actor.user.id else {
                return "The SSH key \(fingerprint) now belongs to another account; log in again."
            }
            return nil
        } catch {
            // A database hiccup is not a verdict: the next key asks again, and every change re-checks anyway.
            if case .storage = error { return nil }
            return error.description
        }
    }

    private func sshActor(fingerprint: String, _ reader: any DirectoryReader) throws -> Actor {
        guard let key = try reader.sshKey(fingerprint: fingerprint) else {
            throw GatehouseError.notFound(kind: .sshKey, reference: fingerprint)
        }
        guard let owner = try reader.user(key.userID) else {
            throw GatehouseError.notAllowed("The SSH key \(fingerprint) has no owner in the directory.")
        }
        guard owner.isActive else {
            throw GatehouseError.notAllowed("The account \(owner.loginName) that owns the SSH key \(fingerprint) is disabled.")
        }
        return Actor(user: owner, credential: .sshKey(fingerprint: key.fingerprint))
    }
}
