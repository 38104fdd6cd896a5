import Foundation

/// What a verification would write, kept apart from the answer so a server can answer first and
/// write later, in batches, off the request path: a "last used" stamp, or a replaced secret that
/// was presented (an audit event). Never carries a secret.
public enum VerificationEffect: Sendable, Equatable {
    case used(TokenID, at: Date)
    case replacedSecretPresented(RetiredSecret, at: Date)
}

extension AccessService {
    /// Authenticates a presented token: format and checksum (offline) → digest → one indexed lookup →
    /// revoked / expired → owner enabled → organizations. Returns the principal and scopes, or the
    /// precise reason it does not authenticate. Needs no acting user: this is what the HTTP API calls.
    ///
    /// A replaced secret is also reported to the audit log: it may be in the hands of someone who
    /// should not have it. "Last used" is written at most once per `lastUsedGranularity`. Both are
    /// written before this returns; `verify(_:deferring:)` hands them to the caller instead.
    public func verify(_ secret: TokenSecret) throws(GatehouseError) -> Result<VerifiedToken, VerificationFailure> {
        var effects: [VerificationEffect] = []
        let outcome = try verify(secret, deferring: &effects)
        try record(effects)
        return outcome
    }

    /// The same verification with no write: what it would write is appended to `effects`, for
    /// `record(_:)` later (a server batches them). A failed write can then never fail a verification.
    public func verify(
        _ secret: TokenSecret, deferring effects: inout [VerificationEffect]
    ) throws(GatehouseError) -> Result<VerifiedToken, VerificationFailure> {
        if let problem = TokenFormat.validate(secret.reveal()) { return .failure(.malformed(problem)) }
        let digest = TokenDigest(of: secret)
        let now = clock.now
        do {
            if let record = try store.verificationRecord(digest: digest) {
                return judge(record, now: now, effects: &effects)
            }
            // Unknown, or a secret retired by regeneration: the rare path.
            guard let retired = try store.read({ try $0.retiredSecret(digest: digest) }) else { return .failure(.unknown) }
            effects.append(.replacedSecretPresented(retired, at: now))
            return .failure(.replaced(at: retired.retiredAt))
        } catch {
            throw Self.gatehouseError(from: error)
        }
    }

    /// Several verifications at once (a server's concurrent requests): the same answers, in the
    /// same order, as `verify(_:deferring:)` one by one, with the store asked for every digest in
    /// one call (on PostgreSQL, one query). A store failure fails them all.
    public func verify(
        _ secrets: [TokenSecret], deferring effects: inout [VerificationEffect]
    ) throws(GatehouseError) -> [Result<VerifiedToken, VerificationFailure>] {
        var outcomes: [Result<VerifiedToken, VerificationFailure>?] = secrets.map { secret in
            TokenFormat.validate(secret.reveal()).map { .failure(.malformed($0)) }
        }
        let digests = secrets.map { TokenDigest(of: $0) }
        let now = clock.now
        do {
            let wanted = zip(digests, outcomes).filter { $0.1 == nil }.map(\.0)
            let records = try store.verificationRecords(digests: wanted)
            for index in secrets.indices where outcomes[index] == nil {
                if let record = records[digests[index]] {
                    outcomes[index] = judge(record, now: now, effects: &effects)
                } else if let retired = try store.read({ try $0.retiredSecret(digest: digests[index]) }) {
                    effects.append(.replacedSecretPresented(retired, at: now))
                    outcomes[index] = .failure(.replaced(at: retired.retiredAt))
                } else {
                    outcomes[index] = .failure(.unknown)
                }
            }
        } catch {
            throw Self.gatehouseError(from: error)
        }
        return outcomes.map { $0 ?? .failure(.unknown) }
    }

    /// The verification answered from the store's memory alone (no I/O, nothing that blocks), or
    /// nil when it needs the database: then call `verify(_:deferring:)` where blocking is fine.
    /// A malformed token is answered here too: it never reaches a lookup.
    public func verifyWithoutBlocking(
        _ secret: TokenSecret, deferring effects: inout [VerificationEffect]
    ) -> Result<VerifiedToken, VerificationFailure>? {
        if let problem = TokenFormat.validate(secret.reveal()) { return .failure(.malformed(problem)) }
        guard let record = store.cachedVerificationRecord(digest: TokenDigest(of: secret)) else { return nil }
        return judge(record, now: clock.now, effects: &effects)
    }

    /// Writes what verifications deferred, in one transaction: the latest "last used" per token
    /// and one audit event per replaced secret presented.
    public func record(_ effects: [VerificationEffect]) throws(GatehouseError) {
        guard !effects.isEmpty else { return }
        var latestUse: [TokenID: Date] = [:]
        var replaced: [(RetiredSecret, Date)] = []
        for effect in effects {
            switch effect {
            case let .used(id, at): latestUse[id] = max(at, latestUse[id] ?? at)
            case let .replacedSecretPresented(retired, at): replaced.append((retired, at))
            }
        }
        try write { writer in
            for (retired, at) in replaced {
                guard let token = try writer.token(retired.tokenID) else { continue }
                try writer.append(AuditEvent(
                    occurredAt: at, actor: .system, onBehalfOf: try writer.user(token.ownerID).map(AuditPrincipal.init),
                    action: .replacedSecretPresented, target: .token(token), organizationID: token.target.organizationID,
                    details: [AuditDetail("generation presented", String(retired.generation)), AuditDetail("current generation", String(token.generation))]))
            }
            for (id, at) in latestUse.sorted(by: { $0.key.description < $1.key.description }) {
                try writer.recordUse(of: id, at: at)
            }
        }
    }

    private func judge(_ record: VerificationRecord, now: Date, effects: inout [VerificationEffect]) -> Result<VerifiedToken, VerificationFailure> {
        let outcome = Self.judge(record, now: now)
        if case let .success(verified) = outcome,
           verified.token.lastUsedAt.map({ now.timeIntervalSince($0) >= lastUsedGranularity }) ?? true {
            effects.append(.used(verified.token.id, at: now))
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
