import Foundation
import GRDB
import GatehouseDomain

/// What `gatehouse dev seed` generates: a large, realistic directory for benchmarks.
public struct BulkLoadPlan: Sendable {
    public var users = 100_000
    public var tokens = 1_000_000
    public var organizationNames = ["Contoso", "Fabrikam", "Northwind"]
    /// Team groups per organization, nested in department groups, nested in Contributors.
    public var teamsPerOrganization = 60
    /// One `token.create` audit event per this many tokens (plus one per user and per revocation sampled).
    public var auditEveryTokens = 10
    /// Rows per transaction.
    public var batchSize = 50_000
    /// Seeds the *shape* of the data (owners, scopes, dates); secrets always come from the CSPRNG.
    public var seed: UInt64 = 1
    /// The first administrator (the OS login, so `gatehouse --db PATH` opens as admin).
    public var administratorLogin: String
    /// How many secrets of active tokens to keep for the verification benchmark (0: none).
    public var sampleSecrets = 0
    /// One Ed25519 SSH key for every this many accounts (0: none), for the SSH login benchmark.
    public var sshKeyEvery = 2

    public init(administratorLogin: String) {
        self.administratorLogin = administratorLogin
    }
}

public struct BulkLoadReport: Sendable {
    public var users = 0
    public var tokens = 0
    public var groups = 0
    public var groupMemberships = 0
    public var auditEvents = 0
    public var sshKeys = 0
    /// Secrets of active tokens of active owners, kept only when `sampleSecrets` > 0. Benchmarks only.
    public var sampleSecrets: [String] = []
    public var phases: [(name: String, seconds: Double)] = []
    public var totalSeconds: Double { phases.reduce(0) { $0 + $1.seconds } }
}

/// Fills an empty database with a generated directory, straight to SQLite: cached prepared
/// statements, 50k rows per transaction, secondary indexes dropped during the load and rebuilt
/// from their stored definitions afterwards (sorting once is far cheaper than a million random
/// B-tree inserts). Organizations, their default groups and policies are made by the façade
/// itself (`bootstrapIfEmpty`, `createOrganization`), so they are exactly what a real deployment has.
///
/// Generated token secrets are discarded as soon as their digest is computed, except the
/// `sampleSecrets` the caller asked for (for the verification benchmark only).
public enum BulkLoader {
    /// Set on a generated database, with the command line that generated it.
    public static let generatedSetting = "generated-by"

    public static func load(path: String, plan: BulkLoadPlan, catalog: ScopeCatalog, progress: (String) -> Void = { _ in }) throws -> BulkLoadReport {
        var report = BulkLoadReport()
        var phaseStart = ContinuousClock.now
        func phase(_ name: String) {
            let elapsed = ContinuousClock.now - phaseStart
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            report.phases.append((name, seconds))
            progress(name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: " %7.2f s", seconds))
            phaseStart = ContinuousClock.now
        }

        let store = try SQLiteDirectoryStore(path: path)
        guard try store.pool.read({ try SQLiteTransaction($0).isEmpty() }) else {
            throw GatehouseError.invalidInput(field: "Database", problem: "\(path) already holds a directory; dev seed only fills a new, empty database (give a new path).")
        }
        let now = Date()
        let historyStart = now.addingTimeInterval(-730 * 86_400)
        let clock = ManualClock(historyStart)
        let service = AccessService(store: store, catalog: catalog, clock: clock)

        // 1. Organizations, default groups, policies and the first administrator, through the façade.
        try service.bootstrapIfEmpty(administratorLogin: plan.administratorLogin, organizationName: plan.organizationNames[0])
        let adminActor = try service.resolveActor(login: plan.administratorLogin)
        for name in plan.organizationNames.dropFirst() {
            clock.advance(by: 3_600)
            try service.createOrganization(named: name, by: adminActor)
        }
        let admin = adminActor.user
        let organizations = try store.pool.read { db in try SQLiteTransaction(db).organizations() }
            .sorted { a, b in plan.organizationNames.firstIndex(of: a.name) ?? 0 < plan.organizationNames.firstIndex(of: b.name) ?? 0 }
        var defaultGroups: [[DefaultGroup: SecurityGroup]] = []
        try store.pool.read { db in
            let reader = SQLiteTransaction(db)
            for organization in organizations {
                var groups: [DefaultGroup: SecurityGroup] = [:]
                for role in DefaultGroup.allCases {
                    if let group = try reader.group(named: role.name, in: organization.id) { groups[role] = group }
                }
                defaultGroups.append(groups)
            }
        }
        phase("organizations (façade)")

        var shape = SeededGenerator(seed: plan.seed)
        let random = BufferedSystemRandom()
        var audit: [PendingAuditEvent] = []
        let adminPrincipal = AuditPrincipal(admin)
        let span = now.timeIntervalSince(historyStart)

        // 2. Users, in memory first (tokens need their kinds, statuses and organizations).
        let users = generateUsers(plan.users, organizations: organizations.count, start: historyStart, span: span, &shape, random)
        var personIndices: [Int] = []
        var serviceIndices: [Int] = []
        for (index, user) in users.enumerated() {
            if user.kind == .user || user.kind == .thirdPartyApp { personIndices.append(index) } else { serviceIndices.append(index) }
        }

        // 3. Groups: departments nested in Contributors, teams nested in departments, a few specials.
        var teams: [[GroupID]] = Array(repeating: [], count: organizations.count)
        var contractors: [GroupID] = []
        var releaseManagers: [GroupID] = []
        try store.pool.write { db in
            let writer = SQLiteTransaction(db)
            for (orgIndex, organization) in organizations.enumerated() {
                let created = historyStart.addingTimeInterval(Double(orgIndex) * 3_600 + 600)
                var departments: [GroupID] = []
                for department in departmentNames {
                    let group = SecurityGroup(id: GroupID(random.uuid()), organizationID: organization.id, name: department,
                                              description: "Everyone in \(department).", createdAt: created)
                    try writer.insert(group)
                    if let contributors = defaultGroups[orgIndex][.contributors] { try writer.addMember(.group(group.id), to: contributors.id) }
                    departments.append(group.id)
                    report.groups += 1
                }
                for team in 0..<plan.teamsPerOrganization {
                    let name = "\(teamAdjectives[team % teamAdjectives.count]) \(teamNouns[(team / teamAdjectives.count) % teamNouns.count]) \(team / (teamAdjectives.count * teamNouns.count) + 1)"
                    let group = SecurityGroup(id: GroupID(random.uuid()), organizationID: organization.id, name: "Team \(name)",
                                              description: "Delivery team \(name).", createdAt: created.addingTimeInterval(Double(team) * 86_400))
                    try writer.insert(group)
                    try writer.addMember(.group(group.id), to: departments[team % departments.count])
                    teams[orgIndex].append(group.id)
                    report.groups += 1
                }
                let contractorGroup = SecurityGroup(id: GroupID(random.uuid()), organizationID: organization.id, name: "Contractors",
                                                    description: "External staff: may not create tokens.", createdAt: created)
                try writer.insert(contractorGroup)
                try writer.setPermission(.createTokens, to: .deny, for: contractorGroup.id)
                if let readers = defaultGroups[orgIndex][.readers] { try writer.addMember(.group(contractorGroup.id), to: readers.id) }
                contractors.append(contractorGroup.id)
                let release = SecurityGroup(id: GroupID(random.uuid()), organizationID: organization.id, name: "Release Managers",
                                            description: "Run and approve releases.", createdAt: created)
                try writer.insert(release)
                try writer.setPermission(.manageOthersTokens, to: .allow, for: release.id)
                if let build = defaultGroups[orgIndex][.buildAdministrators] { try writer.addMember(.group(release.id), to: build.id) }
                releaseManagers.append(release.id)
                report.groups += 2
            }
            try writer.setSetting(generatedSetting, to: "in progress")
        }
        phase("groups")

        // Secondary indexes go during the load and come back at the end, from their own definitions;
        // so do the verification-epoch triggers (nothing can have cached a record of a new database,
        // and they would fire once per membership row).
        let indexedTables = ["user", "organization_member", "group_member", "token", "audit_event"]
        let dropped: [(kind: String, name: String, sql: String)] = try store.pool.write { db in
            var dropped: [(String, String, String)] = []
            for table in indexedTables {
                for row in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", arguments: [table]) {
                    dropped.append(("INDEX", row["name"], row["sql"]))
                }
            }
            for table in indexedTables {
                for row in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", arguments: [table]) {
                    dropped.append(("TRIGGER", row["name"], row["sql"]))
                }
            }
            for (kind, name, _) in dropped { try db.execute(sql: "DROP \(kind) \(name)") }
            return dropped
        }

        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY")
        }

        // 4. Users, their organizations and groups.
        var membershipRows = 0
        for batchStart in stride(from: 0, to: users.count, by: plan.batchSize) {
            let batch = users[batchStart..<min(users.count, batchStart + plan.batchSize)]
            try store.pool.writeWithoutTransaction { db in
                try db.inTransaction {
                    let insertUser = try db.cachedStatement(sql: """
                        INSERT INTO user (id, display_name, login_name, email, kind, identity_source, access_level, status, created_at, version, login_skeleton)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                        """)
                    let insertOrgMember = try db.cachedStatement(sql: "INSERT INTO organization_member (organization_id, user_id) VALUES (?, ?)")
                    let insertGroupMember = try db.cachedStatement(sql: "INSERT INTO group_member (group_id, member_user_id) VALUES (?, ?)")
                    for user in batch {
                        try insertUser.execute(arguments: [user.id, user.displayName, user.login, user.email, user.kind.rawValue,
                                                           user.source.rawValue, user.access.rawValue, user.status.rawValue,
                                                           user.createdAt.timeIntervalSince1970, ConfusableText.skeleton(user.login)])
                        for orgIndex in user.organizations {
                            try insertOrgMember.execute(arguments: [organizations[orgIndex].id.uuid, user.id])
                            if let valid = defaultGroups[orgIndex][.projectCollectionValidUsers] {
                                try insertGroupMember.execute(arguments: [valid.id.uuid, user.id])
                            }
                            membershipRows += 2
                            var groups: [GroupID] = []
                            if user.kind == .user {
                                let teamList = teams[orgIndex]
                                let first = teamList[Self.skewed(teamList.count, &shape)]
                                groups.append(first)
                                if shape.chance(0.3) {
                                    let second = teamList[shape.below(teamList.count)]
                                    if second != first { groups.append(second) }
                                }
                                if shape.chance(0.04) { groups.append(contractors[orgIndex]) }
                                if shape.chance(0.005), let admins = defaultGroups[orgIndex][.projectAdministrators] { groups.append(admins.id) }
                                if user.access == .stakeholder, let readers = defaultGroups[orgIndex][.readers] { groups.append(readers.id) }
                            } else if user.kind == .jobAgent, let build = defaultGroups[orgIndex][.buildAdministrators] {
                                groups.append(build.id)
                            } else if shape.chance(0.02) {
                                groups.append(releaseManagers[orgIndex])
                            }
                            for group in groups {
                                try insertGroupMember.execute(arguments: [group.uuid, user.id])
                                membershipRows += 1
                            }
                        }
                    }
                    return .commit
                }
            }
        }
        report.users = users.count + 1
        report.groupMemberships = membershipRows
        for user in users {
            audit.append(PendingAuditEvent(
                occurredAt: user.createdAt, actor: adminPrincipal, onBehalfOf: nil, action: .userCreated,
                target: AuditTarget(kind: .user, id: UserID(user.id).description, name: user.login),
                organizationID: organizations[user.organizations[0]].id,
                details: [AuditDetail("name", user.displayName), AuditDetail("kind", user.kind.title),
                          AuditDetail("source", user.source.title), AuditDetail("access", user.access.title)]))
            if user.status == .disabled {
                let at = user.createdAt.addingTimeInterval(shape.unit() * now.timeIntervalSince(user.createdAt))
                audit.append(PendingAuditEvent(
                    occurredAt: at, actor: adminPrincipal, onBehalfOf: nil, action: .userDisabled,
                    target: AuditTarget(kind: .user, id: UserID(user.id).description, name: user.login),
                    organizationID: organizations[user.organizations[0]].id, details: []))
            }
        }
        phase("users + memberships")

        // 4b. SSH keys (random Ed25519 public keys: only their fingerprints are ever looked up).
        if plan.sshKeyEvery > 0 {
            let keyRandom = BufferedSystemRandom()
            let owners = stride(from: 0, to: users.count, by: plan.sshKeyEvery).map { users[$0] }
            for batchStart in stride(from: 0, to: owners.count, by: plan.batchSize) {
                try store.pool.writeWithoutTransaction { db in
                    try db.inTransaction {
                        let insertKey = try db.cachedStatement(sql: "INSERT INTO ssh_key (id, user_id, public_line, fingerprint, added_at) VALUES (?, ?, ?, ?, ?)")
                        for user in owners[batchStart..<min(owners.count, batchStart + plan.batchSize)] {
                            let key = try Self.randomEd25519Key(keyRandom)
                            try insertKey.execute(arguments: [keyRandom.uuid(), user.id, key.openSSHLine, key.fingerprint,
                                                              user.createdAt.timeIntervalSince1970])
                        }
                        return .commit
                    }
                }
            }
            report.sshKeys = owners.count
            phase("ssh keys")
        }

        // 5. Tokens.
        let scopePool = makeScopePool(catalog, &shape)
        let revokeReasons = ["left the company", "rotated", "no longer needed", "reported leaked", "replaced by a workload identity", "policy clean-up"]
        let tokenSQL = """
            INSERT INTO token (id, display_name, owner_id, created_by_id, target_organization_id, scopes, is_full_access,
                is_high_privilege, is_packaging_only, valid_from, valid_to, created_at, last_used_at, revoked_at, revoked_reason,
                revoked_by_id, handle, digest, generation, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)
            """
        let adminOrganizations = Array(organizations.indices)
        let firstTokenTime = historyStart.addingTimeInterval(30 * 86_400)
        let tokenSpan = now.timeIntervalSince(firstTokenTime)
        let lifespans: [(Double, Double)] = [(30, 0.3), (60, 0.15), (90, 0.3), (180, 0.1), (365, 0.15)]
        let nowSeconds = now.timeIntervalSince1970
        let orgNames = organizations.map(\.name)
        for batchStart in stride(from: 0, to: plan.tokens, by: plan.batchSize) {
            let batchEnd = min(plan.tokens, batchStart + plan.batchSize)
            try store.pool.writeWithoutTransaction { db in
                try db.inTransaction {
                    let statement = try db.cachedStatement(sql: tokenSQL)
                    for index in batchStart..<batchEnd {
                        // The administrator holds a few tokens of their own; service accounts hold most of the rest.
                        let ownerIndex: Int? = index % 40_000 == 0 ? nil
                            : (shape.chance(0.55) && !serviceIndices.isEmpty ? serviceIndices[shape.below(serviceIndices.count)]
                               : personIndices[shape.below(personIndices.count)])
                        let ownerID = ownerIndex.map { users[$0].id } ?? admin.id.uuid
                        let ownerLogin = ownerIndex.map { users[$0].login } ?? admin.loginName
                        let ownerKind = ownerIndex.map { users[$0].kind } ?? .user
                        let ownerOrgs = ownerIndex.map { users[$0].organizations } ?? adminOrganizations
                        let ownerActive = ownerIndex.map { users[$0].status == .active } ?? true
                        let ownerCreated = ownerIndex.map { users[$0].createdAt.timeIntervalSince1970 } ?? historyStart.timeIntervalSince1970
                        let createdBy = ownerKind.acceptsDelegatedTokens ? admin.id.uuid : ownerID

                        let created = max(ownerCreated + 3_600, firstTokenTime.timeIntervalSince1970 + shape.unit() * tokenSpan)
                        let lifespan = shape.weighted(lifespans) * 86_400
                        let validTo = created + lifespan
                        let targetIndex: Int? = shape.chance(0.12) ? nil : ownerOrgs[shape.below(ownerOrgs.count)]
                        let scopes = shape.chance(0.08) ? scopePool.fullAccess : scopePool.custom[shape.below(scopePool.custom.count)]
                        var revokedAt: Double?
                        var revokedReason: String?
                        if created < nowSeconds, shape.chance(0.07) {
                            revokedAt = created + shape.unit() * (min(validTo, nowSeconds) - created)
                            revokedReason = revokeReasons[shape.below(revokeReasons.count)]
                        }
                        let usedUntil = min(validTo, revokedAt ?? nowSeconds, nowSeconds)
                        let lastUsed: Double? = shape.chance(0.22) || usedUntil <= created ? nil : created + shape.unit() * (usedUntil - created)
                        let name = "\(tokenNames[shape.below(tokenNames.count)])-\(index)"

                        let secret = TokenFormat.generate(using: random)
                        let digest = TokenDigest(of: secret)
                        let handle = TokenFormat.handle(of: secret)
                        if report.sampleSecrets.count < plan.sampleSecrets, revokedAt == nil, validTo > nowSeconds + 86_400, ownerActive {
                            report.sampleSecrets.append(secret.reveal())
                        }
                        let tokenID = random.uuid()
                        try statement.execute(arguments: [
                            tokenID, name, ownerID, createdBy, targetIndex.map { organizations[$0].id.uuid }, scopes.storageText,
                            scopes.isFullAccess, scopes.isHighPrivilege, scopes.isPackagingOnly, created, validTo, created,
                            lastUsed, revokedAt, revokedReason, revokedAt == nil ? nil : (shape.chance(0.5) ? admin.id.uuid : ownerID),
                            handle, Data(digest.bytes),
                        ])
                        if index % plan.auditEveryTokens == 0 {
                            let person = AuditPrincipal(id: UserID(ownerID), login: ownerLogin)
                            let target = AuditTarget(kind: .token, id: TokenID(tokenID).description, name: name)
                            audit.append(PendingAuditEvent(
                                occurredAt: Date(timeIntervalSince1970: created), actor: createdBy == ownerID ? person : adminPrincipal,
                                onBehalfOf: createdBy == ownerID ? nil : person, action: .tokenCreated, target: target,
                                organizationID: targetIndex.map { organizations[$0].id },
                                details: [AuditDetail("organization", targetIndex.map { orgNames[$0] } ?? "all accessible organizations"),
                                          AuditDetail("scopes", scopes.summary), AuditDetail("expires", TextFormat.dateTime(Date(timeIntervalSince1970: validTo))),
                                          AuditDetail("handle", handle)]))
                            if let revokedAt, let revokedReason {
                                audit.append(PendingAuditEvent(
                                    occurredAt: Date(timeIntervalSince1970: revokedAt), actor: adminPrincipal, onBehalfOf: person,
                                    action: .tokenRevoked, target: target, organizationID: targetIndex.map { organizations[$0].id },
                                    details: [AuditDetail("reason", revokedReason)]))
                            }
                        }
                    }
                    return .commit
                }
            }
            progress("  tokens \(batchEnd)/\(plan.tokens)")
        }
        report.tokens = plan.tokens
        phase("tokens")

        // 6. The audit history, oldest first (the log's order is its id).
        audit.sort { $0.occurredAt < $1.occurredAt }
        let encoder = JSONEncoder()
        for batchStart in stride(from: 0, to: audit.count, by: plan.batchSize) {
            let batch = audit[batchStart..<min(audit.count, batchStart + plan.batchSize)]
            try store.pool.writeWithoutTransaction { db in
                try db.inTransaction {
                    let statement = try db.cachedStatement(sql: """
                        INSERT INTO audit_event (occurred_at, actor_id, actor_login, impersonator_id, impersonator_login, on_behalf_of_id,
                            on_behalf_of_login, action, target_kind, target_id, target_name, organization_id, details)
                        VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    for event in batch {
                        let details = String(decoding: try encoder.encode(event.details), as: UTF8.self)
                        try statement.execute(arguments: [
                            event.occurredAt.timeIntervalSince1970, event.actor.id.uuid, event.actor.login, event.onBehalfOf?.id.uuid,
                            event.onBehalfOf?.login, event.action.rawValue, event.target.kind.rawValue, event.target.id, event.target.name,
                            event.organizationID?.uuid, details,
                        ])
                    }
                    return .commit
                }
            }
        }
        try store.pool.write { db in try Schema.linkAuditEventsToOrganizations(db) }
        report.auditEvents = audit.count
        phase("audit history")

        // 7. Indexes and triggers back, the database marked as generated, the WAL folded in.
        try store.pool.write { db in
            for object in dropped { try db.execute(sql: object.sql) }
            for search in ["user_search", "token_search", "audit_search"] { try db.execute(sql: "INSERT INTO \(search)(\(search)) VALUES ('rebuild')") }
            try db.execute(sql: "UPDATE verification_epoch SET value = value + 1")
            // The list counters' triggers were off during the load: counted again, whole.
            try db.execute(sql: """
                UPDATE list_counter SET value = (SELECT COUNT(*) FROM user) WHERE name = 'accounts';
                DELETE FROM unrevoked_tokens_by_expiry_day;
                INSERT INTO unrevoked_tokens_by_expiry_day (day, tokens)
                    SELECT CAST(valid_to / 86400 AS INTEGER), COUNT(*) FROM token WHERE revoked_at IS NULL GROUP BY 1;
                """)
            try SQLiteTransaction(db).setSetting(generatedSetting, to: "gatehouse dev seed --users \(plan.users) --tokens \(plan.tokens) (\(TextFormat.dateTime(now)))")
        }
        phase("indexes")
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            _ = try db.checkpoint(.truncate)
        }
        phase("checkpoint")
        return report
    }

    // MARK: Generated shapes

    struct GeneratedUser {
        let id: UUID
        let displayName: String
        let login: String
        let email: String
        let kind: AccountKind
        let source: IdentitySource
        let access: AccessLevel
        let status: AccountStatus
        let createdAt: Date
        let organizations: [Int]
    }

    struct PendingAuditEvent {
        let occurredAt: Date
        let actor: AuditPrincipal
        let onBehalfOf: AuditPrincipal?
        let action: AuditAction
        let target: AuditTarget
        let organizationID: OrganizationID?
        let details: [AuditDetail]
    }

    struct ScopeChoice {
        let storageText: String
        let isFullAccess: Bool
        let isHighPrivilege: Bool
        let isPackagingOnly: Bool
        let summary: String
    }

    struct ScopePool {
        let fullAccess: ScopeChoice
        let custom: [ScopeChoice]
    }

    /// A few hundred valid selections (one level per area, validated by the domain), reused.
    static func makeScopePool(_ catalog: ScopeCatalog, _ shape: inout SeededGenerator) -> ScopePool {
        func choice(_ selection: ScopeSelection) -> ScopeChoice {
            ScopeChoice(storageText: selection.storageText, isFullAccess: selection.isFullAccess,
                        isHighPrivilege: selection.isHighPrivilege(in: catalog), isPackagingOnly: selection.isPackagingOnly,
                        summary: selection.summary(in: catalog))
        }
        var custom: [ScopeChoice] = []
        let areas = catalog.areas
        for _ in 0..<400 where !areas.isEmpty {
            let count = shape.weighted([(1, 0.45), (2, 0.3), (3, 0.15), (4, 0.1)])
            var identifiers: [String] = []
            var usedAreas = Set<Int>()
            for _ in 0..<count {
                let area = shape.below(areas.count)
                guard usedAreas.insert(area).inserted else { continue }
                let levels = areas[area].levels
                // Lower (read) levels are far more common than write/manage ones.
                let level = min(levels.count - 1, Int(Double(levels.count) * shape.unit() * shape.unit()))
                identifiers.append(levels[level].identifier)
            }
            if let selection = try? ScopeSelection.custom(identifiers, catalog: catalog) { custom.append(choice(selection)) }
        }
        return ScopePool(fullAccess: choice(.fullAccess), custom: custom)
    }

    /// Index in 0..<count, favouring low indexes (a few large teams, many small ones).
    /// An Ed25519 public key with random point bytes, in canonical OpenSSH form.
    static func randomEd25519Key(_ random: BufferedSystemRandom) throws -> SSHPublicKey {
        let name = Array("ssh-ed25519".utf8)
        let blob = [0, 0, 0, UInt8(name.count)] + name + [0, 0, 0, 32] + random.bytes(count: 32)
        return try SSHPublicKey.parse("ssh-ed25519 " + Data(blob).base64EncodedString())
    }

    static func skewed(_ count: Int, _ shape: inout SeededGenerator) -> Int {
        min(count - 1, Int(Double(count) * shape.unit() * shape.unit()))
    }

    static func generateUsers(_ count: Int, organizations: Int, start: Date, span: TimeInterval,
                              _ shape: inout SeededGenerator, _ random: BufferedSystemRandom) -> [GeneratedUser] {
        var users: [GeneratedUser] = []
        users.reserveCapacity(count)
        var logins = Set<String>()
        var serviceCounters: [AccountKind: Int] = [:]
        let kinds: [(AccountKind, Double)] = [(.user, 0.85), (.serviceAccount, 0.06), (.servicePrincipal, 0.035), (.jobAgent, 0.035), (.thirdPartyApp, 0.02)]
        let sources: [(IdentitySource, Double)] = [(.entraID, 0.62), (.activeDirectory, 0.2), (.microsoftAccount, 0.08), (.local, 0.1)]
        let access: [(AccessLevel, Double)] = [(.basic, 0.7), (.stakeholder, 0.2), (.basicPlusTestPlans, 0.1)]
        let orgCounts: [(Int, Double)] = [(1, 0.72), (2, 0.22), (3, 0.06)]
        for _ in 0..<count {
            let kind = shape.weighted(kinds)
            let displayName: String
            var login: String
            let email: String
            switch kind {
            case .user:
                let first = firstNames[shape.below(firstNames.count)]
                let last = lastNames[shape.below(lastNames.count)]
                displayName = "\(first) \(last)"
                login = "\(first.lowercased()).\(last.lowercased())"
                var suffix = 2
                let base = login
                while logins.contains(login) {
                    login = "\(base)\(suffix)"
                    suffix += shape.below(7) + 1
                }
                email = "\(login)@contoso.example"
            default:
                let number = serviceCounters[kind, default: 0] + 1
                serviceCounters[kind] = number
                let stem = serviceStems[shape.below(serviceStems.count)]
                let prefix = switch kind {
                case .serviceAccount: "svc"
                case .servicePrincipal: "sp"
                case .jobAgent: "agent"
                default: "app"
                }
                login = "\(prefix)-\(stem)-\(String(number).leftPadded(to: 4))"
                displayName = kind == .jobAgent ? "Build agent \(stem) \(number)" : "\(stem.capitalized) (\(kind.title.lowercased()) \(number))"
                email = kind == .thirdPartyApp ? "apps@\(stem).example" : ""
            }
            logins.insert(login)
            var orgs = Array(0..<organizations)
            orgs.shuffle(using: &shape)
            let memberships = Array(orgs.prefix(min(organizations, shape.weighted(orgCounts))))
            users.append(GeneratedUser(
                id: random.uuid(), displayName: displayName, login: login, email: email, kind: kind,
                source: kind == .user ? shape.weighted(sources) : (kind == .servicePrincipal ? .entraID : .local),
                access: kind == .user ? shape.weighted(access) : .basic,
                status: shape.chance(kind == .user ? 0.05 : 0.03) ? .disabled : .active,
                createdAt: start.addingTimeInterval(span * shape.unit() * 0.98), organizations: memberships.sorted()))
        }
        return users
    }

    static let firstNames = [
        "Aiko", "Alice", "Amara", "Ana", "Andrei", "Arjun", "Beatriz", "Ben", "Carlos", "Chen", "Chloe", "Dara", "David", "Diego",
        "Elena", "Emeka", "Emma", "Fatima", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jamal", "Jana", "Jonas", "Julia",
        "Kai", "Kenji", "Lara", "Leila", "Liam", "Lucas", "Maria", "Mateo", "Mei", "Mia", "Mohammed", "Nadia", "Noah", "Nora",
        "Olga", "Omar", "Priya", "Rafael", "Ravi", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Theo", "Tomas", "Uma", "Vera",
        "Wei", "Yara", "Yusuf", "Zoe",
    ]
    static let lastNames = [
        "Adeyemi", "Andersen", "Bauer", "Becker", "Brown", "Castro", "Chen", "Costa", "Dubois", "Eriksson", "Fernandes", "Fischer",
        "Garcia", "Gonzalez", "Haddad", "Hansen", "Hoffmann", "Ivanova", "Jansen", "Johnson", "Kaur", "Khan", "Kim", "Kowalski",
        "Lee", "Lopez", "Martin", "Meyer", "Mueller", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Perez", "Rossi",
        "Santos", "Schmidt", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Wagner", "Wang", "Weber", "Williams",
        "Wilson", "Yamamoto", "Zhang",
    ]
    static let serviceStems = [
        "build", "deploy", "release", "backup", "monitoring", "billing", "search", "payments", "ingest", "reporting", "nightly",
        "artifacts", "terraform", "k8s", "scanner", "sync", "mailer", "etl", "gateway", "registry",
    ]
    static let departmentNames = ["Engineering", "Operations", "Data", "Security", "Finance", "Sales", "Support", "Research"]
    static let teamAdjectives = ["Blue", "Red", "Green", "Amber", "Silver", "North", "South", "East", "West", "Core"]
    static let teamNouns = ["Falcons", "Otters", "Pines", "Comets", "Harbors", "Lanterns"]
    static let tokenNames = [
        "ci", "deploy", "nuget-publish", "npm-publish", "terraform", "backup", "release-pipeline", "vscode", "git-cli", "az-cli",
        "artifact-feed", "sonar", "dependabot", "grafana", "k8s-agent", "personal", "laptop", "migration", "reporting", "helm",
    ]
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
