import Foundation

extension AccessService {
    // MARK: Reading

    /// Tokens the actor may see: its own, and those that work in an organization where it holds
    /// "Manage others' tokens" (a token aimed at all organizations works wherever its owner is a member).
    public func tokens(_ query: TokenQuery, page: PageRequest = .first(), by actor: Actor) throws(GatehouseError) -> Page<PersonalAccessToken> {
        try read { reader in
            try reader.tokens(visibleQuery(query, try authorize(actor, reader)), now: clock.now, page: page)
        }
    }

    /// The same page as `tokens(_:page:by:)`, each token with its owner's login, read in the same
    /// transaction: what a list draws, so drawing it asks nothing more (a million tokens have
    /// ~100,000 owners, and asking for each owner row by row authorized the actor every time).
    public func tokensWithOwners(_ query: TokenQuery, page: PageRequest = .first(), by actor: Actor) throws(GatehouseError) -> Page<OwnedToken> {
        try read { reader in try ownedTokens(visibleQuery(query, try authorize(actor, reader)), page: page, reader) }
    }

    /// `tokensWithOwners` and the list's count (capped as `count(_:cap:by:)`) in one read and one
    /// authorization: the count taken in the page's snapshot.
    public func tokensWithOwners(_ query: TokenQuery, page: PageRequest = .first(), countCap: Int,
                                 by actor: Actor) throws(GatehouseError) -> (page: Page<OwnedToken>, count: ListCount) {
        try read { reader in
            let visible = visibleQuery(query, try authorize(actor, reader))
            return (try ownedTokens(visible, page: page, reader), try reader.count(visible, now: clock.now, cap: countCap))
        }
    }

    private func ownedTokens(_ visible: TokenQuery, page: PageRequest, _ reader: any DirectoryReader) throws -> Page<OwnedToken> {
        let tokens = try reader.tokens(visible, now: clock.now, page: page)
        let owners = try reader.users(Set(tokens.items.map(\.ownerID)))
        return tokens.map { OwnedToken(token: $0, ownerLogin: owners[$0.ownerID]?.loginName) }
    }

    public func count(_ query: TokenQuery, by actor: Actor) throws(GatehouseError) -> Int {
        try read { reader in try reader.count(visibleQuery(query, try authorize(actor, reader)), now: clock.now) }
    }

    /// For a list's counter: exact where cheap, else counted up to `cap` (see `ListCount`).
    public func count(_ query: TokenQuery, cap: Int, by actor: Actor) throws(GatehouseError) -> ListCount {
        try read { reader in try reader.count(visibleQuery(query, try authorize(actor, reader)), now: clock.now, cap: cap) }
    }

    public func token(_ id: TokenID, by actor: Actor) throws(GatehouseError) -> PersonalAccessToken {
        try read { reader in try visibleToken(id, try authorize(actor, reader), reader) }
    }

    /// Whether the actor sees others' tokens somewhere (and may act on them there).
    public func managesOthersTokens(_ actor: Actor) throws(GatehouseError) -> Bool {
        try read { reader in !(try authorize(actor, reader).organizations(holding: .manageOthersTokens)).isEmpty }
    }

    func tokenVisibility(_ authorization: Authorization) -> TokenVisibility? {
        let managed = authorization.organizations(holding: .manageOthersTokens)
        if authorization.readsOwnTokens, authorization.filter(for: managed) == nil { return nil }
        return TokenVisibility(ownerID: authorization.readsOwnTokens ? authorization.user.id : nil, organizations: managed)
    }

    func visibleQuery(_ query: TokenQuery, _ authorization: Authorization) -> TokenQuery {
        var query = query
        query.visibility = tokenVisibility(authorization)
        return query
    }

    func visibleToken(_ id: TokenID, _ authorization: Authorization, _ reader: any DirectoryReader) throws -> PersonalAccessToken {
        // Someone else's token is reported as absent, not forbidden: its existence is not yours to learn.
        guard let token = try reader.token(id), try mayReach(token, authorization, reader) else {
            throw GatehouseError.notFound(kind: .token, reference: id.description)
        }
        return token
    }

    /// The actor's own token, or one that works in an organization where it manages others' tokens.
    func mayReach(_ token: PersonalAccessToken, _ authorization: Authorization, _ reader: any DirectoryReader) throws -> Bool {
        if token.ownerID == authorization.user.id { return authorization.readsOwnTokens }
        let managed = authorization.organizations(holding: .manageOthersTokens)
        return !managed.isDisjoint(with: try organizationsInScope(of: token.target, ownerID: token.ownerID, reader))
    }

    /// The policy verdicts for a proposed token, one per policy and organization, for the wizard's
    /// review step. Nothing is written.
    public func policyChecks(for request: TokenRequest, by actor: Actor) throws(GatehouseError) -> [PolicyCheck] {
        try read { reader in
            let authorization = try authorize(actor, reader)
            let owner = try visibleUser(request.ownerID ?? authorization.user.id, authorization, reader)
            let now = clock.now
            let proposal = TokenProposal(target: request.target, scopes: request.scopes, validFrom: now, validTo: try request.expiration.validTo(from: now))
            return try policyChecks(proposal, owner: owner, reader)
        }
    }

    /// Whether the owner already has an active token with this name (names are unique among a
    /// person's active tokens), for forms that validate as you type.
    public func activeTokenNameExists(owner: UserID, name: String, excluding: TokenID? = nil, by actor: Actor) throws(GatehouseError) -> Bool {
        try read { reader in
            _ = try visibleUser(owner, try authorize(actor, reader), reader)
            return try reader.activeTokenExists(owner: owner, named: name.trimmingCharacters(in: .whitespaces), now: clock.now, excluding: excluding)
        }
    }

    /// The longest lifespan, in days, policies allow the owner for this target.
    public func maximumLifespanDays(for ownerID: UserID, target: TokenTarget, by actor: Actor) throws(GatehouseError) -> Int {
        try read { reader in
            _ = try visibleUser(ownerID, try authorize(actor, reader), reader)
            var maximum = TokenPolicy.absoluteMaximumLifespanDays
            for organization in try organizationsInScope(of: target, ownerID: ownerID, reader) {
                let policy = try reader.policies(of: organization)[.maximumLifespan]
                if policy.isEnabled, try !isExempt(ownerID, from: policy, in: organization, reader) {
                    maximum = min(maximum, policy.maximumLifespanDays)
                }
            }
            return maximum
        }
    }

    // MARK: Creating

    /// Creates a token and returns its secret, which exists nowhere else: show it once, then drop it.
    public func createToken(_ request: TokenRequest, by actor: Actor) throws(GatehouseError) -> IssuedToken {
        let name = try InputRules.tokenName(request.displayName)
        var request = request
        request.scopes = try checkedScopes(request.scopes)
        return try write { writer in
            let authorization = try authorize(actor, writer)
            let acting = authorization.user
            let now = clock.now
            let owner = try tokenOwner(request.ownerID, authorization, writer)
            let onBehalf = owner.id != acting.id
            let organizations = try organizationsInScope(of: request.target, ownerID: owner.id, writer)
            try requireTargetMembership(request.target, owner: owner, organizations: organizations, writer)
            if onBehalf {
                try authorization.require(.manageOthersTokens, inEvery: organizations, to: "create tokens for \(owner.loginName)", writer)
            } else {
                try authorization.require(.createTokens, inEvery: organizations, to: "create tokens", writer)
            }
            let validTo = try request.expiration.validTo(from: now)
            try validateExpiry(validTo, now: now, typed: request.expiration)
            if try writer.activeTokenExists(owner: owner.id, named: name, now: now, excluding: nil) {
                throw GatehouseError.invalidInput(field: "Name", problem: "\(onBehalf ? owner.loginName + " already has" : "you already have") an active token named \u{201C}\(name)\u{201D}; choose another name.")
            }
            let proposal = TokenProposal(target: request.target, scopes: request.scopes, validFrom: now, validTo: validTo)
            if let violation = try policyChecks(proposal, owner: owner, writer).lazy.compactMap(\.violation).first {
                throw GatehouseError.policyViolation(violation)
            }
            let secret = TokenFormat.generate(using: random)
            let token = PersonalAccessToken(
                displayName: name, ownerID: owner.id, createdByID: acting.id, target: request.target, scopes: request.scopes,
                validFrom: now, validTo: validTo, createdAt: now, handle: TokenFormat.handle(of: secret),
                digest: TokenDigest(of: secret), isHighPrivilege: request.scopes.isHighPrivilege(in: catalog))
            try writer.insert(token)
            try audit(writer, actor, .tokenCreated, .token(token), organization: request.target.organizationID,
                      onBehalfOf: onBehalf ? owner : nil, details: try tokenDetails(token, writer))
            return IssuedToken(token: token, secret: secret)
        }
    }

    /// A new secret with the same settings (the same lifespan, from now), checked against today's
    /// policies. The old secret stops working at once and is remembered as replaced.
    public func regenerateToken(_ id: TokenID, expectedVersion: Int? = nil, by actor: Actor) throws(GatehouseError) -> IssuedToken {
        try write { writer in
            let authorization = try authorize(actor, writer)
            let acting = authorization.user
            var token = try actionableToken(id, authorization, action: "regenerate other users' tokens", writer)
            if let expectedVersion, token.version != expectedVersion {
                throw GatehouseError.staleVersion(kind: .token, name: token.displayName)
            }
            guard token.revocation == nil else {
                throw GatehouseError.notAllowed("\u{201C}\(token.displayName)\u{201D} is revoked; revoked tokens stay revoked. Create a new token instead.")
            }
            if token.ownerID != acting.id, let owner = try writer.user(token.ownerID), !owner.kind.acceptsDelegatedTokens {
                // A new secret would let the admin authenticate as that person: revoke it instead.
                throw GatehouseError.notAllowed("\u{201C}\(token.displayName)\u{201D} belongs to \(owner.loginName), a \(owner.kind.title.lowercased()); only its owner may regenerate it (you may revoke it). Administrators regenerate tokens of service accounts, service principals and job agents only.")
            }
            guard let owner = try writer.user(token.ownerID), owner.isActive else {
                throw GatehouseError.notAllowed("The owner of \u{201C}\(token.displayName)\u{201D} is disabled; enable the account before regenerating its tokens.")
            }
            let now = clock.now
            let validTo = now.addingTimeInterval(token.lifespan)
            let proposal = TokenProposal(target: token.target, scopes: token.scopes, validFrom: now, validTo: validTo)
            if let violation = try policyChecks(proposal, owner: owner, writer).lazy.compactMap(\.violation).first {
                throw GatehouseError.policyViolation(violation)
            }
            try writer.insert(RetiredSecret(digest: token.digest, tokenID: token.id, generation: token.generation, retiredAt: now))
            let secret = TokenFormat.generate(using: random)
            token.digest = TokenDigest(of: secret)
            token.handle = TokenFormat.handle(of: secret)
            token.generation += 1
            token.validFrom = now
            token.validTo = validTo
            let stored = try writer.update(token)
            try audit(writer, actor, .tokenRegenerated, .token(stored), organization: stored.target.organizationID,
                      onBehalfOf: owner.id != acting.id ? owner : nil, details: [
                          AuditDetail("generation", String(stored.generation)), AuditDetail("handle", stored.handle),
                          AuditDetail("expires", TextFormat.dateTime(stored.validTo)),
                      ])
            return IssuedToken(token: stored, secret: secret)
        }
    }

    /// Renames a token, changes its expiration (an extension is checked against policy) or its scopes.
    @discardableResult
    public func updateToken(_ id: TokenID, _ changes: TokenChanges, expectedVersion: Int, by actor: Actor) throws(GatehouseError) -> PersonalAccessToken {
        let name = try changes.displayName.map { name throws(GatehouseError) in try InputRules.tokenName(name) }
        var changes = changes
        if let scopes = changes.scopes { changes.scopes = try checkedScopes(scopes) }
        return try write { writer in
            let authorization = try authorize(actor, writer)
            var token = try actionableToken(id, authorization, action: "edit other users' tokens", writer)
            guard token.version == expectedVersion else { throw GatehouseError.staleVersion(kind: .token, name: token.displayName) }
            guard token.revocation == nil else {
                throw GatehouseError.notAllowed("\u{201C}\(token.displayName)\u{201D} is revoked and can no longer be edited.")
            }
            let now = clock.now
            var details: [AuditDetail] = []
            if let name, name != token.displayName {
                if try writer.activeTokenExists(owner: token.ownerID, named: name, now: now, excluding: token.id) {
                    throw GatehouseError.invalidInput(field: "Name", problem: "there is already an active token named \u{201C}\(name)\u{201D}; choose another name.")
                }
                details.append(AuditDetail("name", "\(token.displayName) \u{2192} \(name)"))
                token.displayName = name
            }
            var needsPolicyCheck = false
            if let expiration = changes.expiration {
                let validTo = try expiration.validTo(from: now)
                try validateExpiry(validTo, now: now, typed: expiration)
                if token.validTo <= now {
                    // An expired token's new date would bring a secret nobody has used for a while back to life.
                    throw GatehouseError.notAllowed("\u{201C}\(token.displayName)\u{201D} expired on \(TextFormat.date(token.validTo)); an expired token stays expired. Create a new token (or regenerate this one for a new secret) instead.")
                }
                if validTo != token.validTo {
                    details.append(AuditDetail("expires", "\(TextFormat.dateTime(token.validTo)) \u{2192} \(TextFormat.dateTime(validTo))"))
                    needsPolicyCheck = needsPolicyCheck || validTo > token.validTo
                    token.validTo = validTo
                }
            }
            if let scopes = changes.scopes, scopes != token.scopes {
                details.append(AuditDetail("scopes", "\(token.scopes.summary(in: catalog)) \u{2192} \(scopes.summary(in: catalog))"))
                token.scopes = scopes
                token.isHighPrivilege = scopes.isHighPrivilege(in: catalog)
                needsPolicyCheck = true
            }
            guard !details.isEmpty else { return token }
            if needsPolicyCheck, let owner = try writer.user(token.ownerID) {
                // An extension is judged from today: the remaining lifespan must fit the maximum.
                let proposal = TokenProposal(target: token.target, scopes: token.scopes, validFrom: now, validTo: token.validTo)
                if let violation = try policyChecks(proposal, owner: owner, writer).lazy.compactMap(\.violation).first {
                    throw GatehouseError.policyViolation(violation)
                }
            }
            let stored = try writer.update(token)
            try audit(writer, actor, .tokenUpdated, .token(stored), organization: stored.target.organizationID, details: details)
            return stored
        }
    }

    // MARK: Revoking

    @discardableResult
    public func revokeToken(_ id: TokenID, reason rawReason: String = "", expectedVersion: Int? = nil, by actor: Actor) throws(GatehouseError) -> PersonalAccessToken {
        let reason = try InputRules.reason(rawReason)
        // A revocation wins a race: it applies to the token as it is now, whatever version the caller
        // saw (a regenerate in between must not leave it active). `expectedVersion` is kept for callers.
        _ = expectedVersion
        return try write { writer in
            let authorization = try authorize(actor, writer)
            let acting = authorization.user
            let token = try actionableToken(id, authorization, action: "revoke other users' tokens", writer, everywhere: false)
            guard token.revocation == nil else {
                throw GatehouseError.notAllowed("\u{201C}\(token.displayName)\u{201D} is already revoked.")
            }
            return try revoke(token, reason: reason.isEmpty ? "revoked by \(actor.displayText)" : reason, actor: actor, acting: acting, writer)
        }
    }

    /// Revokes every active token the query matches and the actor may act on. With `dryRun`, only
    /// lists them. One transaction: all are revoked, or none.
    public func revokeTokens(matching query: TokenQuery, reason rawReason: String = "", dryRun: Bool, by actor: Actor) throws(GatehouseError) -> BulkRevocation {
        let reason = try InputRules.reason(rawReason)
        if dryRun {
            return try read { BulkRevocation(tokens: try bulkSelection(query, actor, $0), dryRun: true) }
        }
        return try write { writer in
            let acting = try authorize(actor, writer).user
            let why = reason.isEmpty ? "bulk revocation by \(actor.displayText)" : reason
            let revoked = try bulkSelection(query, actor, writer).map { try revoke($0, reason: why, actor: actor, acting: acting, writer) }
            return BulkRevocation(tokens: revoked, dryRun: false)
        }
    }

    /// The active tokens a bulk revocation would touch, read page by page: exactly what the same
    /// filter lists, since seeing another's token and revoking it need the same permission.
    func bulkSelection(_ query: TokenQuery, _ actor: Actor, _ reader: any DirectoryReader) throws -> [PersonalAccessToken] {
        var query = visibleQuery(query, try authorize(actor, reader))
        query.statuses = [.active]
        let now = clock.now
        var matched: [PersonalAccessToken] = []
        var request = PageRequest.first(500)
        while true {
            let page = try reader.tokens(query, now: now, page: request)
            matched += page.items
            guard page.hasMoreAfter, let last = page.lastCursor else { return matched }
            request = PageRequest(.after(last), limit: 500)
        }
    }

    func revoke(_ token: PersonalAccessToken, reason: String, actor: Actor, acting: User, _ writer: any DirectoryWriter) throws -> PersonalAccessToken {
        var token = token
        token.revocation = Revocation(at: clock.now, reason: reason, byUserID: acting.id)
        let stored = try writer.update(token)
        let owner = try writer.user(token.ownerID)
        try audit(writer, actor, .tokenRevoked, .token(stored), organization: stored.target.organizationID,
                  onBehalfOf: owner.flatMap { $0.id != acting.id ? $0 : nil },
                  details: [AuditDetail("reason", reason), AuditDetail("handle", stored.handle)])
        return stored
    }

    /// Someone found a token where it should not be. Anyone may report one; the owner's organizations'
    /// auto-revoke policy decides whether it is revoked at once. Either way the report is audited.
    public func reportLeaked(_ secret: TokenSecret, by actor: Actor) throws(GatehouseError) -> LeakReportOutcome {
        if let problem = TokenFormat.validate(secret.reveal()) { return .notFound(.malformed(problem)) }
        let digest = TokenDigest(of: secret)
        return try write { writer in
            let acting = try authorize(actor, writer).user
            guard let token = try writer.token(digest: digest) else {
                if let retired = try writer.retiredSecret(digest: digest) { return .notFound(.replaced(at: retired.retiredAt)) }
                return .notFound(.unknown)
            }
            let owner = try writer.user(token.ownerID)
            guard token.status(at: clock.now) == .active else {
                try audit(writer, actor, .tokenLeakReported, .token(token), organization: token.target.organizationID, onBehalfOf: owner,
                          details: [AuditDetail("outcome", "already \(token.status(at: clock.now).title.lowercased())")])
                return .alreadyInactive(token)
            }
            let policy = try leakPolicy(for: token, writer)
            try audit(writer, actor, .tokenLeakReported, .token(token), organization: token.target.organizationID, onBehalfOf: owner,
                      details: [AuditDetail("outcome", policy.outcome)])
            guard policy.autoRevoke else { return .reportedOnly(token) }
            return .revoked(try revoke(token, reason: "reported as leaked", actor: actor, acting: acting, writer))
        }
    }

    /// Whether the auto-revoke policy applies to a reported token, and the audit's words for it.
    /// The policy's allow-list counts here as for the other policies: an exempt owner's token is reported only.
    func leakPolicy(for token: PersonalAccessToken, _ reader: any DirectoryReader) throws -> (autoRevoke: Bool, outcome: String) {
        var policyEnabled = false
        var autoRevoke = false
        for organization in try organizationsInScope(of: token.target, ownerID: token.ownerID, reader) {
            let policy = try reader.policies(of: organization)[.autoRevokeLeakedTokens]
            guard policy.isEnabled else { continue }
            policyEnabled = true
            if try !isExempt(token.ownerID, from: policy, in: organization, reader) { autoRevoke = true }
        }
        let outcome = autoRevoke ? "revoked by policy"
            : policyEnabled ? "not revoked: the owner is exempt from the auto-revoke policy"
            : "not revoked: the auto-revoke policy is off"
        return (autoRevoke, outcome)
    }

    // MARK: Rules

    func tokenOwner(_ ownerID: UserID?, _ authorization: Authorization, _ reader: any DirectoryReader) throws -> User {
        guard let ownerID, ownerID != authorization.user.id else { return authorization.user }
        let owner = try visibleUser(ownerID, authorization, reader)
        guard owner.kind.acceptsDelegatedTokens else {
            throw GatehouseError.notAllowed("Tokens can be created on behalf of service accounts, service principals and job agents only; \(owner.loginName) is a \(owner.kind.title.lowercased()) and must create their own.")
        }
        guard owner.isActive else {
            throw GatehouseError.notAllowed("\(owner.loginName) is disabled; enable the account before creating tokens for it.")
        }
        return owner
    }

    /// The token, if the actor owns it or may manage others' tokens where it works: in every
    /// organization it works in to change it, in one of them to revoke it.
    func actionableToken(_ id: TokenID, _ authorization: Authorization, action: String, _ reader: any DirectoryReader, everywhere: Bool = true) throws -> PersonalAccessToken {
        let token = try visibleToken(id, authorization, reader)
        if token.ownerID != authorization.user.id {
            let organizations = try organizationsInScope(of: token.target, ownerID: token.ownerID, reader)
            if everywhere {
                try authorization.require(.manageOthersTokens, inEvery: organizations, to: action, reader)
            } else {
                try authorization.requireInAny(.manageOthersTokens, of: organizations, to: action, reader)
            }
        }
        return token
    }

    /// The organizations a token works in: its one organization, or all of the owner's.
    func organizationsInScope(of target: TokenTarget, ownerID: UserID, _ reader: any DirectoryReader) throws -> [OrganizationID] {
        switch target {
        case let .organization(id): [id]
        case .allAccessibleOrganizations: try reader.organizationIDs(ofUser: ownerID)
        }
    }

    func requireTargetMembership(_ target: TokenTarget, owner: User, organizations: [OrganizationID], _ reader: any DirectoryReader) throws {
        let memberships = try reader.organizationIDs(ofUser: owner.id)
        guard !memberships.isEmpty else {
            throw GatehouseError.notAllowed("\(owner.loginName) belongs to no organization, so a token would work nowhere.")
        }
        if case let .organization(id) = target, !memberships.contains(id) {
            let name = try reader.organization(id)?.name ?? id.description
            throw GatehouseError.invalidInput(field: "Organization", problem: "\(owner.loginName) does not belong to \(name); choose one of their organizations.")
        }
    }

    /// A custom selection built without the catalog (`.custom([...])`) is checked like typed input:
    /// unknown identifiers, two levels of one area and an empty set are refused.
    func checkedScopes(_ scopes: ScopeSelection) throws(GatehouseError) -> ScopeSelection {
        guard case let .custom(identifiers) = scopes else { return scopes }
        return try ScopeSelection.custom(identifiers, catalog: catalog)
    }

    /// `typed` is what the person asked for, so a message names the day they wrote.
    func validateExpiry(_ validTo: Date, now: Date, typed: TokenExpiration) throws {
        guard validTo > now else {
            let day = typed.typedDay ?? validTo
            let when = TextFormat.date(day) == TextFormat.date(now) ? "today (\(TextFormat.date(day)))" : TextFormat.date(day)
            throw GatehouseError.invalidInput(field: "Expiration", problem: "\(when) is in the past; a date is valid through its whole day (UTC), so choose \(TextFormat.date(now)) or later.")
        }
        let days = TextFormat.daysRoundedUp(from: now, to: validTo)
        guard days <= TokenPolicy.absoluteMaximumLifespanDays else {
            throw GatehouseError.invalidInput(field: "Expiration", problem: "\(TextFormat.plural(days, "day")) is too long; a token lives at most \(TokenPolicy.absoluteMaximumLifespanDays) days.")
        }
    }

    func policyChecks(_ proposal: TokenProposal, owner: User, _ reader: any DirectoryReader) throws -> [PolicyCheck] {
        var checks: [PolicyCheck] = []
        for organizationID in try organizationsInScope(of: proposal.target, ownerID: owner.id, reader) {
            guard let organization = try reader.organization(organizationID) else { continue }
            let policies = try reader.policies(of: organizationID)
            var exempt: [PolicyKind: Bool] = [:]
            for kind in PolicyKind.allCases {
                exempt[kind] = try isExempt(owner.id, from: policies[kind], in: organizationID, reader)
            }
            let frozen = exempt
            let evaluator = PolicyEvaluator(organizationName: organization.name, policies: policies, catalog: catalog) { frozen[$0] ?? false }
            checks += evaluator.check(proposal)
        }
        return checks
    }

    func isExempt(_ userID: UserID, from policy: TokenPolicy, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> Bool {
        guard !policy.exemptions.isEmpty else { return false }
        if policy.exemptions.contains(.user(userID)) { return true }
        return try reachedGroups(of: userID, in: organization, reader).contains { policy.exemptions.contains(.group($0.group.id)) }
    }

    func tokenDetails(_ token: PersonalAccessToken, _ reader: any DirectoryReader) throws -> [AuditDetail] {
        let target: String
        switch token.target {
        case let .organization(id): target = try reader.organization(id)?.name ?? id.description
        case .allAccessibleOrganizations: target = "all accessible organizations"
        }
        return [
            AuditDetail("organization", target), AuditDetail("scopes", token.scopes.summary(in: catalog)),
            AuditDetail("expires", TextFormat.dateTime(token.validTo)), AuditDetail("handle", token.handle),
        ]
    }
}
