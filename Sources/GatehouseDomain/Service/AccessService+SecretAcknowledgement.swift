import Foundation

/// A token whose show-once screen closed without "I have copied it" (the session dropped, was
/// killed, or quit): active, yet possibly held by nobody. Recorded in the audit log and derived
/// from it, so no column is needed; the token detail and the risk view say so.
extension AccessService {
    /// Audits that the secret of `tokenID` (its current generation) was never acknowledged.
    /// `sessionEnd` says how the session ended ("signal 1", "terminal closed", "console quit").
    /// Only the token's creator or owner records it: they are who the screen was shown to.
    public func recordSecretNotAcknowledged(_ tokenID: TokenID, sessionEnd: String, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            guard let token = try writer.token(tokenID) else { throw GatehouseError.notFound(kind: .token, reference: tokenID.description) }
            guard actor.user.id == token.createdByID || actor.user.id == token.ownerID else {
                throw GatehouseError.notAllowed("Only who created \u{201C}\(token.displayName)\u{201D}, or its owner, can record that its secret was not acknowledged.")
            }
            let affected = Set(try organizationsInScope(of: token.target, ownerID: token.ownerID, writer))
            try audit(writer, actor, .tokenSecretNotAcknowledged, .token(token), organization: token.target.organizationID, affecting: affected, details: [
                AuditDetail("generation", String(token.generation)), AuditDetail("session ended", sessionEnd),
                AuditDetail("advice", "nobody confirmed holding this secret: revoke or regenerate the token"),
            ])
        }
    }

    /// When the current secret of `token` was shown and never acknowledged, or nil. For a token
    /// the caller already holds (it could read it), so no further permission is asked.
    public func secretNeverAcknowledged(_ token: PersonalAccessToken) throws(GatehouseError) -> Date? {
        try read { reader in
            let query = AuditQuery(actions: [.tokenSecretNotAcknowledged], target: TextSearch(token.displayName))
            let events = try reader.auditEvents(query, page: .first(100)).items
            return events.first { event in
                event.target.id == token.id.description && event.details.contains { $0.key == "generation" && $0.value == String(token.generation) }
            }?.occurredAt
        }
    }
}
