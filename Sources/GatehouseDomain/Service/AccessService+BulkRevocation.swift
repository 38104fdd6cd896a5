import Foundation

/// What one chunk of a bulk revocation did. Each chunk is its own transaction: when a later chunk
/// fails, the chunks before it stay revoked (and audited), and `resumeAfter` says where to go on.
public struct BulkRevocationChunk: Sendable {
    /// Revoked by this chunk, in list order.
    public let revoked: [PersonalAccessToken]
    /// Where the next chunk starts; nil when the filter matches no more active tokens.
    public let resumeAfter: PageCursor?
    public var isFinished: Bool { resumeAfter == nil }
}

extension AccessService {
    /// The largest chunk `revokeTokens(matching:reason:after:chunkSize:by:)` revokes in one transaction.
    public static let maximumRevocationChunk = 1_000

    /// Revokes the next chunk (up to `chunkSize`) of active tokens `query` matches, after `cursor`
    /// (nil: from the first), in one transaction that authorizes the actor again, revokes each
    /// token and writes its audit event. A bulk revocation needs a reason: it is kept in every
    /// token and every audit event.
    public func revokeTokens(matching query: TokenQuery, reason rawReason: String, after cursor: PageCursor?, chunkSize: Int,
                             by actor: Actor) throws(GatehouseError) -> BulkRevocationChunk {
        let reason = try InputRules.reason(rawReason)
        guard !reason.isEmpty else {
            throw .invalidInput(field: "Reason", problem: "A bulk revocation needs a reason (kept in each token and in the audit log), e.g. \u{201C}laptop stolen\u{201D}.")
        }
        let size = min(max(chunkSize, 1), Self.maximumRevocationChunk)
        return try write { writer in
            let authorization = try authorize(actor, writer)
            var query = visibleQuery(query, authorization)
            query.statuses = [.active]
            let page = try writer.tokens(query, now: clock.now, page: PageRequest(cursor.map { .after($0) } ?? .first, limit: size))
            let revoked = try page.items.map { try revoke($0, reason: reason, actor: actor, acting: authorization.user, writer) }
            return BulkRevocationChunk(revoked: revoked, resumeAfter: page.hasMoreAfter ? page.lastCursor : nil)
        }
    }
}
