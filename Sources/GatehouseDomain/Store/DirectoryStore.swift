import Foundation

/// The persistence the façade needs, as transactions. Implemented with SQLite (GRDB, one host)
/// and PostgreSQL (libpq, several hosts); the domain never sees SQL.
///
/// # The contract every backend keeps (checked by the conformance suite, `StoreConformanceTests`)
/// - **Atomic.** Every `write` is one transaction: the façade performs a change and appends its
///   audit event in the same body, so either both are stored or neither is.
/// - **As if alone.** A write body runs as if no other writer existed (SQLite: the one write lock;
///   PostgreSQL: SERIALIZABLE). So the rules the façade checks by reading (no group cycles, one
///   active token per name per owner, the last administrator, unique logins) hold with writers on
///   several hosts at once.
/// - **Retried.** A backend may run a write body more than once (a serialization failure or a
///   deadlock rolls it back and runs it again, at most `StoreErrors.maximumAttempts` times). A
///   body therefore has no effect outside its transaction: it returns what it made, and the
///   caller acts on it after `write` returns.
/// - **Reads are one snapshot.** A `read` body sees one consistent state of the directory.
/// - **Typed errors.** A backend throws `GatehouseError` for what a person can act on:
///   `.staleVersion` (the row's version changed since the caller read it), `.duplicate` (a unique
///   rule refused a value another writer saved at the same moment), `.busy` (still colliding after
///   the retries), `.unavailable` (the database cannot be reached; names the host, never a
///   password). Anything else is reported as `.storage`.
/// - **Text search** (`TextSearch`) means the same everywhere: see `TextSearch.effectiveMode`.
/// - **Paging** is by keyset in the list's sort order; text sorts compare as SQLite's NOCASE does
///   (ASCII letters folded, then code point order), ties broken by id (byte order), so a page of
///   the same directory is the same page on every backend.
public protocol DirectoryStore: Sendable {
    func read<T>(_ body: (any DirectoryReader) throws -> T) throws -> T
    func write<T>(_ body: (any DirectoryWriter) throws -> T) throws -> T
    /// Everything verification needs about a digest: the token, its owner and the owner's
    /// organizations. Verification is the hot path of the HTTP API, so a store may answer it
    /// with a dedicated query; the default reads it through a transaction.
    func verificationRecord(digest: TokenDigest) throws -> VerificationRecord?
    /// The record for a digest if the store can answer from memory without blocking (no I/O, no
    /// lock held across a syscall): what an event loop may call inline. nil: call
    /// `verificationRecord(digest:)` where blocking is fine. The default never answers.
    func cachedVerificationRecord(digest: TokenDigest) -> VerificationRecord?
    /// The records of several digests at once (a server verifying many requests): a store may
    /// read them in one query. Unknown digests are absent. The default asks one by one.
    func verificationRecords(digests: [TokenDigest]) throws -> [TokenDigest: VerificationRecord]
}

/// What one verification lookup returns. The parts may come from separate statements (no
/// common snapshot): a change between them is as if it happened just before or after.
public struct VerificationRecord: Sendable {
    public let token: PersonalAccessToken
    /// nil when the owner no longer exists.
    public let owner: User?
    /// The owner's organizations.
    public let organizations: [Organization]

    public init(token: PersonalAccessToken, owner: User?, organizations: [Organization]) {
        self.token = token
        self.owner = owner
        self.organizations = organizations
    }
}

extension DirectoryStore {
    public func cachedVerificationRecord(digest: TokenDigest) -> VerificationRecord? { nil }

    public func verificationRecords(digests: [TokenDigest]) throws -> [TokenDigest: VerificationRecord] {
        var records: [TokenDigest: VerificationRecord] = [:]
        for digest in digests { records[digest] = try verificationRecord(digest: digest) }
        return records
    }

    public func verificationRecord(digest: TokenDigest) throws -> VerificationRecord? {
        try read { reader in
            guard let token = try reader.token(digest: digest) else { return nil }
            let owner = try reader.user(token.ownerID)
            let organizations = try owner.map { try reader.organizationIDs(ofUser: $0.id).compactMap { try reader.organization($0) } } ?? []
            return VerificationRecord(token: token, owner: owner, organizations: organizations)
        }
    }
}

/// Reads inside a transaction. Lists are paged; nothing loads a whole table.
public protocol DirectoryReader {
    /// True when no organization exists yet (first run).
    func isEmpty() throws -> Bool
    /// A fact about the directory itself (e.g. `demo-administrator`), or nil.
    func setting(_ key: String) throws -> String?

    // Organizations: a deployment has few, so they are listed whole.
    func organizations() throws -> [Organization]
    func organization(_ id: OrganizationID) throws -> Organization?
    func organization(named name: String) throws -> Organization?
    func organizationIDs(ofUser id: UserID) throws -> [OrganizationID]
    /// The ids of an organization's active members, in one read (a policy's impact intersects
    /// them with group members; paging whole users would cost a query per page).
    func activeMemberIDs(of organization: OrganizationID) throws -> Set<UserID>

    // Users
    func user(_ id: UserID) throws -> User?
    /// Case-insensitive.
    func user(login: String) throws -> User?
    func users(_ query: UserQuery, page: PageRequest) throws -> Page<User>
    func count(_ query: UserQuery) throws -> Int
    /// The count for a list's counter: exact where that is cheap, else up to `cap` (`ListCount`).
    func count(_ query: UserQuery, cap: Int) throws -> ListCount

    // Groups and membership
    func group(_ id: GroupID) throws -> SecurityGroup?
    func group(named name: String, in organization: OrganizationID) throws -> SecurityGroup?
    func groups(_ query: GroupQuery, page: PageRequest) throws -> Page<SecurityGroup>
    func count(_ query: GroupQuery) throws -> Int
    func members(of group: GroupID) throws -> [GroupMember]
    /// How many direct members (users and groups) a group has: one index count, for lists.
    func memberCount(of group: GroupID) throws -> Int
    /// The direct member counts of several groups in one query (a Groups page), keyed by group;
    /// a group without members counts 0.
    func memberCounts(of groups: [GroupID]) throws -> [GroupID: Int]
    /// A page of the group's direct user members, by display name (then id), read with the users:
    /// a group of 13,500 opens with one query for the rows in view.
    func memberUsers(of group: GroupID, page: PageRequest) throws -> Page<User>
    /// The groups nested directly in the group, by name (a handful).
    func memberGroups(of group: GroupID) throws -> [SecurityGroup]
    /// For a page of users at once: how many groups of `groupOrganizations` each belongs to
    /// directly, and how many active tokens each owns that `tokens` lets the reader see (one query
    /// each, not two per row). nil sets mean no wall.
    func listCounts(for users: [UserID], now: Date, groupOrganizations: Set<OrganizationID>?, tokens: TokenVisibility?) throws -> [UserID: (groups: Int, activeTokens: Int)]
    /// Every group the user reaches, in every organization, with the member it was reached from and
    /// its permission settings: what authorization needs, in one query whatever the nesting depth.
    func groupReach(of user: UserID) throws -> [GroupReachEdge]
    /// The user whose login has this confusable skeleton (`ConfusableText.skeleton`), if any.
    func user(loginSkeleton: String) throws -> User?
    /// Several users by id in one query (the owners of a page of tokens); unknown ids are absent.
    func users(_ ids: Set<UserID>) throws -> [UserID: User]
    /// The organizations of several users in one query (a Users page), keyed by user; a user of
    /// no organization is absent.
    func organizationIDs(ofUsers ids: [UserID]) throws -> [UserID: [OrganizationID]]
    /// The groups that contain this member directly.
    func groupsContaining(_ member: GroupMember) throws -> [SecurityGroup]
    func permissionSettings(of group: GroupID) throws -> [Permission: PermissionSetting]
    /// The active members of `organization` whom its groups give `permission` (an Allow reached,
    /// directly or through nested groups, and no Deny reached), other than the `exempt` users and
    /// everyone an `exempt` group reaches; only `user`, when given. Counted up to `cap`: who a
    /// policy taking the permission away would stop (Restrict token creation's confirmation).
    func permissionHolders(_ permission: Permission, in organization: OrganizationID, exempt: Set<PolicyExemption>,
                           only user: UserID?, cap: Int) throws -> ListCount

    // Tokens
    func token(_ id: TokenID) throws -> PersonalAccessToken?
    func token(digest: TokenDigest) throws -> PersonalAccessToken?
    func retiredSecret(digest: TokenDigest) throws -> RetiredSecret?
    func tokens(_ query: TokenQuery, now: Date, page: PageRequest) throws -> Page<PersonalAccessToken>
    func count(_ query: TokenQuery, now: Date) throws -> Int
    func count(_ query: TokenQuery, now: Date, cap: Int) throws -> ListCount
    /// Whether the owner has an active (not revoked, not expired) token of that name, other than `excluding`.
    func activeTokenExists(owner: UserID, named name: String, now: Date, excluding: TokenID?) throws -> Bool

    // SSH keys
    func sshKeys(of user: UserID) throws -> [RegisteredSSHKey]
    func sshKey(_ id: SSHKeyID) throws -> RegisteredSSHKey?
    func sshKey(fingerprint: String) throws -> RegisteredSSHKey?

    // Policies
    func policies(of organization: OrganizationID) throws -> OrganizationPolicies

    // Audit
    func auditEvents(_ query: AuditQuery, page: PageRequest) throws -> Page<AuditEvent>
    func count(_ query: AuditQuery) throws -> Int
    func count(_ query: AuditQuery, cap: Int) throws -> ListCount
}

extension DirectoryReader {
    // A store that cannot stop counting at a cap counts exactly.
    public func count(_ query: UserQuery, cap: Int) throws -> ListCount { .exact(try count(query)) }
    public func count(_ query: TokenQuery, now: Date, cap: Int) throws -> ListCount { .exact(try count(query, now: now)) }
    public func count(_ query: AuditQuery, cap: Int) throws -> ListCount { .exact(try count(query)) }

    /// One query per group (stores override it with one for all).
    public func memberCounts(of groups: [GroupID]) throws -> [GroupID: Int] {
        var counts: [GroupID: Int] = [:]
        for group in groups { counts[group] = try memberCount(of: group) }
        return counts
    }

    /// One query per user (stores override it with one for all).
    public func users(_ ids: Set<UserID>) throws -> [UserID: User] {
        var found: [UserID: User] = [:]
        for id in ids { found[id] = try user(id) }
        return found
    }

    /// One query per user (stores override it with one for all).
    public func organizationIDs(ofUsers ids: [UserID]) throws -> [UserID: [OrganizationID]] {
        var found: [UserID: [OrganizationID]] = [:]
        for id in ids {
            let organizations = try organizationIDs(ofUser: id)
            if !organizations.isEmpty { found[id] = organizations }
        }
        return found
    }

    /// Pages the organization's active users (slow on a large directory; stores override it).
    public func activeMemberIDs(of organization: OrganizationID) throws -> Set<UserID> {
        var found = Set<UserID>()
        var request = PageRequest.first(1_000)
        while true {
            let page = try users(UserQuery(statuses: [.active], organizationID: organization, sort: .loginName), page: request)
            found.formUnion(page.items.map(\.id))
            guard page.hasMoreAfter, let last = page.entries.last else { return found }
            request = PageRequest(.after(last.cursor), limit: 1_000)
        }
    }

    /// Every member read, sorted and cut to the page: correct, not fast (a store overrides it).
    public func memberUsers(of group: GroupID, page: PageRequest) throws -> Page<User> {
        let users = try members(of: group).compactMap { member -> User? in
            if case let .user(id) = member { return try user(id) }
            return nil
        }
        return MemoryPaging.page(users, request: page, key: { .text($0.displayName.lowercased()) }, id: { $0.id.uuid.uuidString })
    }

    public func memberGroups(of group: GroupID) throws -> [SecurityGroup] {
        try members(of: group).compactMap { member -> SecurityGroup? in
            if case let .group(id) = member { return try self.group(id) }
            return nil
        }.sorted { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
    }

    /// Every group's members read and combined as sets (one query per group): correct, not fast
    /// (a store overrides it with one query that stops at the cap).
    public func permissionHolders(_ permission: Permission, in organization: OrganizationID, exempt: Set<PolicyExemption>,
                                  only user: UserID?, cap: Int) throws -> ListCount {
        var closures: [GroupID: Set<UserID>] = [:]
        func users(reaching group: GroupID, _ path: Set<GroupID> = []) throws -> Set<UserID> {
            if let known = closures[group] { return known }
            var found = Set<UserID>()
            for member in try members(of: group) {
                switch member {
                case let .user(id): found.insert(id)
                case let .group(nested) where !path.contains(nested):
                    found.formUnion(try users(reaching: nested, path.union([group])))
                case .group: break
                }
            }
            closures[group] = found
            return found
        }
        var allowed = Set<UserID>()
        var denied = Set<UserID>()
        var request = PageRequest.first(1_000)
        while true {
            let page = try groups(GroupQuery(organizationID: organization), page: request)
            for group in page.items {
                switch try permissionSettings(of: group.id)[permission] ?? .notSet {
                case .allow: allowed.formUnion(try users(reaching: group.id))
                case .deny: denied.formUnion(try users(reaching: group.id))
                case .notSet: break
                }
            }
            guard page.hasMoreAfter, let last = page.entries.last else { break }
            request = PageRequest(.after(last.cursor), limit: 1_000)
        }
        var candidates = allowed.subtracting(denied)
        if let user { candidates.formIntersection([user]) }
        for exemption in exempt {
            switch exemption {
            case let .user(id): candidates.remove(id)
            case let .group(id): candidates.subtract(try users(reaching: id))
            }
        }
        guard !candidates.isEmpty else { return .exact(0) }
        return .counted(candidates.intersection(try activeMemberIDs(of: organization)).count, cap: cap)
    }

    /// The walk, one `groupsContaining` per group, for a store without a recursive query.
    public func groupReach(of user: UserID) throws -> [GroupReachEdge] {
        var edges: [GroupReachEdge] = []
        var visited: Set<GroupID> = []
        var frontier: [GroupMember] = [.user(user)]
        while let member = frontier.popLast() {
            for group in try groupsContaining(member) {
                let from: GroupID? = if case let .group(id) = member { id } else { nil }
                edges.append(GroupReachEdge(group: group, reachedFrom: from, settings: try permissionSettings(of: group.id)))
                if visited.insert(group.id).inserted { frontier.append(.group(group.id)) }
            }
        }
        return edges
    }
}

/// Writes inside a transaction. Updates carry the version the caller read and fail with
/// `GatehouseError.staleVersion` when the row changed since: nothing is silently overwritten.
public protocol DirectoryWriter: DirectoryReader {
    func setSetting(_ key: String, to value: String) throws
    func insert(_ organization: Organization) throws
    func addMember(_ user: UserID, toOrganization organization: OrganizationID) throws

    func insert(_ user: User) throws
    /// Returns the user as stored, with its new version.
    func update(_ user: User) throws -> User
    func delete(user id: UserID) throws

    func insert(_ group: SecurityGroup) throws
    func update(_ group: SecurityGroup) throws -> SecurityGroup
    func delete(group id: GroupID) throws
    func addMember(_ member: GroupMember, to group: GroupID) throws
    func removeMember(_ member: GroupMember, from group: GroupID) throws
    func setPermission(_ permission: Permission, to setting: PermissionSetting, for group: GroupID) throws

    func insert(_ token: PersonalAccessToken) throws
    func update(_ token: PersonalAccessToken) throws -> PersonalAccessToken
    /// Cheap "last used" stamp; not versioned, not audited.
    func recordUse(of token: TokenID, at date: Date) throws
    func insert(_ retired: RetiredSecret) throws

    func insert(_ key: RegisteredSSHKey) throws
    func delete(sshKey id: SSHKeyID) throws

    func save(_ policies: OrganizationPolicies) throws -> OrganizationPolicies

    @discardableResult
    func append(_ event: AuditEvent) throws -> Int64
}
