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
        (outcome, retired) = try read { reader -> (Result<VerifiedToken, VerificationFailure>, RetiredSecret?) in
            guard let token = try reader.token(digest: digest) else {
                if let retired = try reader.retiredSecret(digest: digest) {
                    return (.failure(.replaced(at: retired.retiredAt)), retired)
                }
                return (.failure(.unknown), nil)
            }
            return (try judge(token, now: now, reader), nil)
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

    private func judge(_ token: PersonalAccessToken, now: Date, _ reader: any DirectoryReader) throws -> Result<VerifiedToken, VerificationFailure> {
        if let revocation = token.revocation { return .failure(.revoked(at: revocation.at, reason: revocation.reason)) }
        if now >= token.validTo { return .failure(.expired(at: token.validTo)) }
        guard let owner = try reader.user(token.ownerID) else { return .failure(.unknown) }
        guard owner.isActive else { return .failure(.ownerDisabled(login: owner.loginName)) }
        let memberships = try reader.organizationIDs(ofUser: owner.id)
        let organizationIDs: [OrganizationID]
        switch token.target {
        case let .organization(id): organizationIDs = memberships.contains(id) ? [id] : []
        case .allAccessibleOrganizations: organizationIDs = memberships
        }
        guard !organizationIDs.isEmpty else { return .failure(.noOrganization) }
        let organizations = try organizationIDs.compactMap { try reader.organization($0) }
        return .success(VerifiedToken(token: token, owner: owner, organizations: organizations))
    }
}
