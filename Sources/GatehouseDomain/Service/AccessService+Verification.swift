import Foundation

extension AccessService {
    /// Authenticates a presented token: format and checksum (offline) → digest → one indexed lookup →
    /// revoked / expired → owner enabled → organizations. Returns the principal and scopes, or the
    /// precise reason it does not authenticate. Needs no acting user: this is what the HTTP API calls.
    ///
    /// A replaced secret is also reported to the audit log: it may be in the hands of someone who
    /// should not have it. "Last used" is written at most once per `lastUsedGranularity`.
    public func verify(_ secret: TokenSecret) throws(GatehouseError) -> Result<VerifiedToken, VerificationFailure> {
        if let problem = TokenFormat.validate(secret.reveal()) { return .failure(.malformed(problem)) }
        let digest = TokenDigest(of: secret)
        let now = clock.now
        let outcome: Result<VerifiedToken, VerificationFailure>
        var retired: RetiredSecret?
        do {
            if let record = try store.verificationRecord(digest: digest) {
                outcome = Self.judge(record, now: now)
            } else {
                // Unknown, or a secret retired by regeneration: the rare path.
                retired = try store.read { try $0.retiredSecret(digest: digest) }
                outcome = .failure(retired.map { .replaced(at: $0.retiredAt) } ?? .unknown)
            }
        } catch {
            throw Self.gatehouseError(from: error)
        }
        if let retired {
            try write { writer in
                guard let token = try writer.token(retired.tokenID) else { return }
                try writer.append(AuditEvent(
                    occurredAt: now, actor: .system, onBehalfOf: try writer.user(token.ownerID).map(AuditPrincipal.init),
                    action: .replacedSecretPresented, target: .token(token), organizationID: token.target.organizationID,
                    details: [AuditDetail("generation presented", String(retired.generation)), AuditDetail("current generation", String(token.generation))]))
            }
        }
        if case let .success(verified) = outcome,
           verified.token.lastUsedAt.map({ now.timeIntervalSince($0) >= lastUsedGranularity }) ?? true {
            try write { try $0.recordUse(of: verified.token.id, at: now) }
        }
        return outcome
    }

    static func judge(_ record: VerificationRecord, now: Date) -> Result<VerifiedToken, VerificationFailure> {
        let token = record.token
        if let revocation = token.revocation { return .failure(.revoked(at: revocation.at, reason: revocation.reason)) }
        if now >= token.validTo { return .failure(.expired(at: token.validTo)) }
        guard let owner = record.owner else { return .failure(.unknown) }
        guard owner.isActive else { return .failure(.ownerDisabled(login: owner.loginName)) }
        let organizations: [Organization]
        switch token.target {
        case let .organization(id): organizations = record.organizations.filter { $0.id == id }
        case .allAccessibleOrganizations: organizations = record.organizations
        }
        guard !organizations.isEmpty else { return .failure(.noOrganization) }
        return .success(VerifiedToken(token: token, owner: owner, organizations: organizations))
    }
}
