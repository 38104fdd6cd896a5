import Foundation

/// The façade calls behind `gatehouse serve` that go beyond verification: acting as a token,
/// token introspection (RFC 7662) and leak reports from a secret scanner (no acting user).
extension AccessService {
    /// The actor a verified token acts as over HTTP: its owner, with the token as credential (the
    /// owner's permissions narrowed by the token's scopes; every change it makes says "via token …").
    public static func actor(for verified: VerifiedToken) -> Actor {
        let token = verified.token
        return Actor(user: verified.owner, credential: .token(id: token.id, handle: token.handle, scopes: token.scopes, target: token.target))
    }

    /// Throws unless the directory can be read now (for a health check): one trivial read.
    public func checkReachable() throws(GatehouseError) {
        _ = try read { try $0.isEmpty() }
    }

    /// What a caller holding Token administration learns about a presented token (RFC 7662): the
    /// verified token when it is active and in an organization where the caller may manage others'
    /// tokens (or is its owner), else nil ("active": false, which says nothing more).
    ///
    /// The caller must act with a token that grants `vso.tokenadministration` and hold *Manage
    /// others' tokens* in at least one organization; otherwise `permissionDenied`/`notAllowed`.
    public func introspect(_ secret: TokenSecret, by caller: Actor) throws(GatehouseError) -> VerifiedToken? {
        guard case let .token(_, _, scopes, _) = caller.credential, scopes.grants("vso.tokenadministration", in: catalog) else {
            throw .notAllowed("Introspection needs a token with the Token administration scope (vso.tokenadministration).")
        }
        let organizations: Set<OrganizationID> = try read { reader in
            let authorization = try authorize(caller, reader)
            let managed = authorization.organizations(holding: .manageOthersTokens)
            if managed.isEmpty {
                try authorization.requireInAny(.manageOthersTokens, of: authorization.memberships, to: "introspect tokens", reader)
            }
            return managed
        }
        var effects: [VerificationEffect] = []  // introspection is not a use of the token
        guard case let .success(verified) = try verify(secret, deferring: &effects) else { return nil }
        let visible = verified.owner.id == caller.user.id || verified.organizations.contains { organizations.contains($0.id) }
        return visible ? verified : nil
    }

    /// A leak report from a secret scanner (GitHub's secret-scanning partner program): no directory
    /// user acts, so the report is audited as the system on behalf of `reporter`, with the URL where
    /// the token was found. When the auto-revoke policy applies, the token is revoked with that URL
    /// as the reason. Unknown, malformed and inactive tokens are answered without a change (an
    /// inactive one is still audited as reported).
    public func reportLeaked(_ secret: TokenSecret, reportedBy reporter: String, url: String) throws(GatehouseError) -> LeakReportOutcome {
        if let problem = TokenFormat.validate(secret.reveal()) { return .notFound(.malformed(problem)) }
        let digest = TokenDigest(of: secret)
        let reporterText = String(reporter.filter { !$0.isNewline }.prefix(100))
        let place = String(url.filter { !$0.isNewline }.prefix(200))
        let now = clock.now
        return try write { writer in
            guard let token = try writer.token(digest: digest) else {
                if let retired = try writer.retiredSecret(digest: digest) { return .notFound(.replaced(at: retired.retiredAt)) }
                return .notFound(.unknown)
            }
            let owner = try writer.user(token.ownerID)
            let reported = [AuditDetail("reported by", reporterText), AuditDetail("url", place.isEmpty ? "(none given)" : place)]
            func appendReport(_ outcome: String) throws {
                try writer.append(AuditEvent(occurredAt: now, actor: .system, onBehalfOf: owner.map(AuditPrincipal.init), action: .tokenLeakReported,
                                             target: .token(token), organizationID: token.target.organizationID,
                                             details: reported + [AuditDetail("outcome", outcome)]))
            }
            guard token.status(at: now) == .active else {
                try appendReport("already \(token.status(at: now).title.lowercased())")
                return .alreadyInactive(token)
            }
            let policy = try leakPolicy(for: token, writer)
            try appendReport(policy.outcome)
            guard policy.autoRevoke else { return .reportedOnly(token) }
            var revoked = token
            let reason = place.isEmpty ? "reported as leaked by \(reporterText)" : place
            revoked.revocation = Revocation(at: now, reason: reason, byUserID: AuditPrincipal.system.id)
            let stored = try writer.update(revoked)
            try writer.append(AuditEvent(occurredAt: now, actor: .system, onBehalfOf: owner.map(AuditPrincipal.init), action: .tokenRevoked,
                                         target: .token(stored), organizationID: stored.target.organizationID,
                                         details: [AuditDetail("reason", reason), AuditDetail("handle", stored.handle)] + reported.prefix(1)))
            return .revoked(stored)
        }
    }
}
