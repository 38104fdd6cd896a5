import Foundation

extension AccessService {
    // MARK: Reading

    /// Members of the organizations the actor belongs to; nobody else exists for it.
    public func users(_ query: UserQuery, page: PageRequest = .first(), by actor: Actor) throws(GatehouseError) -> Page<User> {
        try read { reader in try reader.users(try visibleQuery(query, try authorize(actor, reader)), page: page) }
    }

    /// A page of the Users list as the console shows it: each account with its group and active
    /// token counts, in one read and one authorization.
    public func userList(_ query: UserQuery, page: PageRequest = .first(), by actor: Actor) throws(GatehouseError) -> Page<CountedUser> {
        try read { reader in
            let authorization = try authorize(actor, reader)
            return try countedUsers(try visibleQuery(query, authorization), page: page, authorization, reader)
        }
    }

    /// `userList` and the list's count (capped as `count(_:cap:by:)`), in the same read: where the
    /// page, its counts and the list's count were three reads with three authorizations (~4 ms of
    /// the console's first frame at 100,000 accounts), and the count now matches the page's snapshot.
    public func userList(_ query: UserQuery, page: PageRequest = .first(), countCap: Int,
                         by actor: Actor) throws(GatehouseError) -> (page: Page<CountedUser>, count: ListCount) {
        try read { reader in
            let authorization = try authorize(actor, reader)
            let visible = try visibleQuery(query, authorization)
            return (try countedUsers(visible, page: page, authorization, reader), try reader.count(visible, cap: countCap))
        }
    }

    private func countedUsers(_ visible: UserQuery, page: PageRequest, _ authorization: Authorization,
                              _ reader: any DirectoryReader) throws -> Page<CountedUser> {
        let users = try reader.users(visible, page: page)
        let counts = try listCounts(for: users.items, authorization, reader)
        return users.map { user in
            CountedUser(user: user, groupCount: counts[user.id]?.groups ?? 0, activeTokenCount: counts[user.id]?.activeTokens)
        }
    }

    public func count(_ query: UserQuery, by actor: Actor) throws(GatehouseError) -> Int {
        try read { reader in try reader.count(try visibleQuery(query, try authorize(actor, reader))) }
    }

    /// For a list's counter: exact where cheap, else counted up to `cap` (see `ListCount`).
    public func count(_ query: UserQuery, cap: Int, by actor: Actor) throws(GatehouseError) -> ListCount {
        try read { reader in try reader.count(try visibleQuery(query, try authorize(actor, reader)), cap: cap) }
    }

    public func user(_ id: UserID, by actor: Actor) throws(GatehouseError) -> User {
        try read { reader in try visibleUser(id, try authorize(actor, reader), reader) }
    }

    /// The accounts among `ids` the actor may see, as `user(_:by:)` shows them (the others are
    /// left out, as if deleted), in one read: a CLI list names each row's owner without a read per owner.
    public func users(withIDs ids: Set<UserID>, by actor: Actor) throws(GatehouseError) -> [UserID: User] {
        try read { reader in
            let authorization = try authorize(actor, reader)
            let found = try reader.users(ids)
            let organizations = try reader.organizationIDs(ofUsers: Array(found.keys))
            return found.filter { id, _ in
                id == authorization.user.id || !authorization.readableOrganizations.isDisjoint(with: organizations[id] ?? [])
            }
        }
    }

    public func user(login: String, by actor: Actor) throws(GatehouseError) -> User {
        try read { reader in
            let authorization = try authorize(actor, reader)
            guard let user = try reader.user(login: login) else { throw GatehouseError.notFound(kind: .user, reference: login) }
            return try visibleUser(user.id, authorization, reader, reference: login)
        }
    }

    func visibleQuery(_ query: UserQuery, _ authorization: Authorization) throws -> UserQuery {
        var query = query
        query.visibleOrganizations = authorization.filter(for: authorization.readableOrganizations)
        return query
    }

    /// The user, when it shares a readable organization with the actor (or is the actor); otherwise
    /// reported as absent: another organization's accounts are not the actor's to learn of.
    func visibleUser(_ id: UserID, _ authorization: Authorization, _ reader: any DirectoryReader, reference: String? = nil) throws -> User {
        guard let user = try reader.user(id) else { throw GatehouseError.notFound(kind: .user, reference: reference ?? id.description) }
        let shared = try reader.organizationIDs(ofUser: id)
        guard user.id == authorization.user.id || !authorization.readableOrganizations.isDisjoint(with: shared) else {
            throw GatehouseError.notFound(kind: .user, reference: reference ?? id.description)
        }
        return user
    }

    /// Per user of a page: direct groups (of the actor's organizations) and the active tokens the
    /// actor may see. Token counts are given only for the actor and where it manages others' tokens.
    public func listCounts(for users: [User], by actor: Actor) throws(GatehouseError) -> [UserID: (groups: Int, activeTokens: Int?)] {
        try read { reader in try listCounts(for: users, try authorize(actor, reader), reader) }
    }

    private func listCounts(for users: [User], _ authorization: Authorization,
                            _ reader: any DirectoryReader) throws -> [UserID: (groups: Int, activeTokens: Int?)] {
        let managed = authorization.organizations(holding: .manageOthersTokens)
        let visibility = tokenVisibility(authorization)
        let counts = try reader.listCounts(for: users.map(\.id), now: clock.now,
                                           groupOrganizations: authorization.filter(for: authorization.readableOrganizations),
                                           tokens: visibility)
        let organizations = try reader.organizationIDs(ofUsers: users.map(\.id))
        var result: [UserID: (groups: Int, activeTokens: Int?)] = [:]
        for user in users {
            let count = counts[user.id] ?? (0, 0)
            let theirs = organizations[user.id] ?? []
            let seesTokens = (user.id == authorization.user.id && authorization.readsOwnTokens) || !managed.isDisjoint(with: theirs)
            result[user.id] = (count.groups, seesTokens ? count.activeTokens : nil)
        }
        return result
    }

    /// Groups the user belongs to directly, in the organizations the actor may read.
    public func groups(of userID: UserID, by actor: Actor) throws(GatehouseError) -> [SecurityGroup] {
        try read { reader in
            let authorization = try authorize(actor, reader)
            _ = try visibleUser(userID, authorization, reader)
            return try readableGroups(containing: .user(userID), authorization, reader)
        }
    }

    /// The groups a member belongs to directly, in the organizations the actor may read, by name.
    func readableGroups(containing member: GroupMember, _ authorization: Authorization, _ reader: any DirectoryReader) throws -> [SecurityGroup] {
        try reader.groupsContaining(member)
            .filter { authorization.readableOrganizations.contains($0.organizationID) }
            .sorted { $0.name < $1.name }
    }

    /// Every permission of a user in one organization, each with the group (and nesting path) that decides it.
    public func effectivePermissions(of userID: UserID, in organization: OrganizationID, by actor: Actor) throws(GatehouseError) -> [PermissionDecision] {
        try read { reader in
            let authorization = try authorize(actor, reader)
            _ = try visibleUser(userID, authorization, reader)
            guard authorization.readableOrganizations.contains(organization) else {
                throw GatehouseError.notFound(kind: .organization, reference: organization.description)
            }
            return try evaluator(for: userID, in: organization, reader).decideAll()
        }
    }

    /// Whether the actor may do something, with the reason, so front ends can show actions as disabled.
    public func decision(_ permission: Permission, in organization: OrganizationID, for actor: Actor) throws(GatehouseError) -> PermissionDecision {
        try read { reader in try authorize(actor, reader).decision(permission, in: organization) }
    }

    /// Allowed in at least one of the actor's organizations (e.g. to open the audit log at all).
    public func holdsAnywhere(_ permission: Permission, actor: Actor) throws(GatehouseError) -> Bool {
        try read { reader in !(try authorize(actor, reader).organizations(holding: permission)).isEmpty }
    }

    /// The organizations where the actor holds the permission (for front ends that offer a choice).
    public func organizations(holding permission: Permission, by actor: Actor) throws(GatehouseError) -> Set<OrganizationID> {
        try read { reader in try authorize(actor, reader).organizations(holding: permission) }
    }

    // MARK: Changing

    /// Adds an account to one or more organizations (and their Project Collection Valid Users).
    @discardableResult
    public func createUser(_ draft: UserDraft, in organizations: [OrganizationID], by actor: Actor) throws(GatehouseError) -> User {
        let draft = try validated(draft)
        guard !organizations.isEmpty else {
            throw .invalidInput(field: "Organization", problem: "choose at least one organization for the new account.")
        }
        return try write { writer in
            let authorization = try authorize(actor, writer)
            try authorization.require(.manageUsers, inEvery: Set(organizations), to: "add users", writer)
            try requireUniqueLogin(draft.loginName, excluding: nil, writer)
            let user = User(displayName: draft.displayName, loginName: draft.loginName, email: draft.email, kind: draft.kind,
                            identitySource: draft.identitySource, accessLevel: draft.accessLevel, createdAt: clock.now)
            try writer.insert(user)
            for organization in Set(organizations) {
                try joinOrganization(user, organization, writer)
            }
            try audit(writer, actor, .userCreated, .user(user), organization: organizations.first, affecting: Set(organizations), details: [
                AuditDetail("name", user.displayName), AuditDetail("kind", user.kind.title),
                AuditDetail("source", user.identitySource.title), AuditDetail("access", user.accessLevel.title),
            ])
            return user
        }
    }

    /// Adds an existing account to another organization. Joining needs Manage users there, and the
    /// account's consent (it is the actor) or Manage users in an organization it already belongs to:
    /// otherwise an admin could pull another organization's administrator into their own and then
    /// manage the account from there.
    public func addUser(_ userID: UserID, toOrganization organization: OrganizationID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let authorization = try authorize(actor, writer)
            try authorization.require(.manageUsers, in: organization, to: "add users to this organization", writer)
            guard let user = try writer.user(userID) else { throw GatehouseError.notFound(kind: .user, reference: userID.description) }
            let current = Set(try writer.organizationIDs(ofUser: userID))
            guard !current.contains(organization) else {
                throw GatehouseError.notAllowed("\(user.loginName) already belongs to that organization.")
            }
            if user.id != authorization.user.id {
                try authorization.requireInAny(.manageUsers, of: current, to: "add \(user.loginName) to another organization (that needs \(user.loginName) to act, or Manage users in an organization \(user.loginName) already belongs to)", writer)
            }
            try joinOrganization(user, organization, writer)
            try audit(writer, actor, .userAddedToOrganization, .user(user), organization: organization, affecting: current)
        }
    }

    private func joinOrganization(_ user: User, _ organization: OrganizationID, _ writer: any DirectoryWriter) throws {
        guard try writer.organization(organization) != nil else {
            throw GatehouseError.notFound(kind: .organization, reference: organization.description)
        }
        try writer.addMember(user.id, toOrganization: organization)
        if let validUsers = try defaultGroup(.projectCollectionValidUsers, in: organization, writer) {
            try writer.addMember(.user(user.id), to: validUsers.id)
        }
    }

    func defaultGroup(_ role: DefaultGroup, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> SecurityGroup? {
        try reader.group(named: role.name, in: organization).flatMap { $0.defaultRole == role ? $0 : nil }
    }

    /// Edits an account. `expectedVersion` is the version the caller showed; a newer one is a conflict.
    @discardableResult
    public func updateUser(_ userID: UserID, to draft: UserDraft, expectedVersion: Int, by actor: Actor) throws(GatehouseError) -> User {
        let draft = try validated(draft)
        return try write { writer in
            let authorization = try authorize(actor, writer)
            let (found, organizations) = try managedUser(userID, authorization, action: "edit users", writer)
            var user = found
            guard user.version == expectedVersion else { throw GatehouseError.staleVersion(kind: .user, name: user.loginName) }
            if draft.loginName.lowercased() != user.loginName.lowercased() {
                try requireUniqueLogin(draft.loginName, excluding: user.id, writer)
            }
            var details: [AuditDetail] = []
            func note(_ key: String, _ old: String, _ new: String) { if old != new { details.append(AuditDetail(key, "\(old) \u{2192} \(new)")) } }
            note("name", user.displayName, draft.displayName)
            note("login", user.loginName, draft.loginName)
            note("email", user.email, draft.email)
            note("kind", user.kind.title, draft.kind.title)
            note("source", user.identitySource.title, draft.identitySource.title)
            note("access", user.accessLevel.title, draft.accessLevel.title)
            guard !details.isEmpty else { return user }
            user.displayName = draft.displayName
            user.loginName = draft.loginName
            user.email = draft.email
            user.kind = draft.kind
            user.identitySource = draft.identitySource
            user.accessLevel = draft.accessLevel
            let stored = try writer.update(user)
            try audit(writer, actor, .userUpdated, .user(stored), affecting: organizations, details: details)
            return stored
        }
    }

    /// Disables or enables an account. A disabled account cannot act, and none of its tokens verify.
    @discardableResult
    public func setStatus(_ status: AccountStatus, ofUser userID: UserID, expectedVersion: Int? = nil, by actor: Actor) throws(GatehouseError) -> User {
        try write { writer in
            let authorization = try authorize(actor, writer)
            let (found, organizations) = try managedUser(userID, authorization, action: status == .disabled ? "disable users" : "enable users", writer)
            var user = found
            if let expectedVersion, user.version != expectedVersion {
                throw GatehouseError.staleVersion(kind: .user, name: user.loginName)
            }
            guard user.status != status else { return user }
            if status == .disabled && user.id == authorization.user.id {
                throw GatehouseError.notAllowed("You cannot disable your own account; ask another administrator.")
            }
            if status == .disabled { try requireNotLastAdministrator(user, organizations, doing: "disable", writer) }
            user.status = status
            let stored = try writer.update(user)
            try audit(writer, actor, status == .disabled ? .userDisabled : .userEnabled, .user(stored), affecting: organizations)
            return stored
        }
    }

    /// Deletes an account with its tokens, SSH keys and memberships. The audit log keeps its history.
    public func deleteUser(_ userID: UserID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let authorization = try authorize(actor, writer)
            let (user, organizations) = try managedUser(userID, authorization, action: "delete users", writer)
            guard user.id != authorization.user.id else {
                throw GatehouseError.notAllowed("You cannot delete your own account; ask another administrator.")
            }
            try requireNotLastAdministrator(user, organizations, doing: "delete", writer)
            let tokens = try writer.count(TokenQuery(ownerID: user.id), now: clock.now)
            try writer.delete(user: user.id)
            try audit(writer, actor, .userDeleted, .user(user), affecting: organizations, details: [
                AuditDetail("name", user.displayName), AuditDetail("tokens deleted", String(tokens)),
            ])
        }
    }

    /// The user and its organizations, if the actor may manage users in every one of them: a change
    /// to an account (its login, keys, status, existence) reaches every organization it belongs to.
    func managedUser(_ userID: UserID, _ authorization: Authorization, action: String, _ reader: any DirectoryReader) throws -> (User, Set<OrganizationID>) {
        let user = try visibleUser(userID, authorization, reader)
        var organizations = Set(try reader.organizationIDs(ofUser: userID))
        if organizations.isEmpty { organizations = authorization.memberships }
        try authorization.require(.manageUsers, inEvery: organizations, to: action, reader)
        return (user, organizations)
    }

    /// Logins are unique without case, and no login may look like another (TR39 skeletons: "rn" for "m").
    func requireUniqueLogin(_ login: String, excluding: UserID?, _ reader: any DirectoryReader) throws {
        if let existing = try reader.user(login: login), existing.id != excluding {
            throw GatehouseError.alreadyExists(kind: .user, name: login)
        }
        if let lookalike = try reader.user(loginSkeleton: ConfusableText.skeleton(login)), lookalike.id != excluding {
            throw GatehouseError.invalidInput(field: "Login", problem: "\u{201C}\(login)\u{201D} is too easily mistaken for the existing login \u{201C}\(lookalike.loginName)\u{201D}; choose a login that looks different.")
        }
    }

    /// An organization must keep an active Project Collection Administrator.
    func requireNotLastAdministrator(_ user: User, _ organizations: Set<OrganizationID>, doing verb: String, _ reader: any DirectoryReader) throws {
        for organization in organizations.sorted() {
            guard let administrators = try defaultGroup(.projectCollectionAdministrators, in: organization, reader) else { continue }
            let members = try reader.members(of: administrators.id)
            guard members.contains(.user(user.id)) else { continue }
            let others = try members.compactMap { member -> User? in
                guard case let .user(id) = member, id != user.id else { return nil }
                return try reader.user(id)
            }
            if !others.contains(where: \.isActive) {
                let name = try reader.organization(organization)?.name ?? "the organization"
                throw GatehouseError.notAllowed("\(user.loginName) is the last active Project Collection Administrator of \(name); add another administrator before you \(verb) this account.")
            }
        }
    }

    func validated(_ draft: UserDraft) throws(GatehouseError) -> UserDraft {
        var result = draft
        // The login first: a display name left to default to it must not take the blame for it.
        result.loginName = try InputRules.loginName(draft.loginName)
        result.displayName = try InputRules.displayName(draft.displayName)
        result.email = try InputRules.email(draft.email)
        return result
    }

    // MARK: SSH keys

    /// A user's keys: one's own, or those of an account one may manage in one of its organizations.
    public func sshKeys(of userID: UserID, by actor: Actor) throws(GatehouseError) -> [RegisteredSSHKey] {
        try read { reader in
            let authorization = try authorize(actor, reader)
            let user = try visibleUser(userID, authorization, reader)
            if user.id != authorization.user.id {
                try authorization.requireInAny(.manageUsers, of: try reader.organizationIDs(ofUser: userID), to: "see other users' SSH keys", reader)
            }
            return try reader.sshKeys(of: userID)
        }
    }

    /// Registers a public key (one OpenSSH line) to a user: one's own, or anyone's with Manage users.
    @discardableResult
    public func addSSHKey(_ line: String, to userID: UserID, by actor: Actor) throws(GatehouseError) -> RegisteredSSHKey {
        let key: SSHPublicKey
        do {
            key = try SSHPublicKey.parse(line)
        } catch {
            throw .invalidInput(field: "SSH key", problem: error.description)
        }
        return try write { writer in
            let authorization = try authorize(actor, writer)
            let user: User
            if userID == authorization.user.id {
                user = authorization.user
            } else {
                user = try managedUser(userID, authorization, action: "add SSH keys for other users", writer).0
            }
            if let existing = try writer.sshKey(fingerprint: key.fingerprint) {
                let holder = try writer.user(existing.userID)?.loginName ?? "another account"
                throw GatehouseError.notAllowed("That key (\(key.fingerprint)) is already registered to \(holder). A key identifies one account; generate a new key pair for this one.")
            }
            let registered = RegisteredSSHKey(userID: user.id, key: key, addedAt: clock.now)
            try writer.insert(registered)
            try audit(writer, actor, .sshKeyAdded, .user(user), affecting: Set(try writer.organizationIDs(ofUser: user.id)), details: [
                AuditDetail("fingerprint", key.fingerprint), AuditDetail("type", "\(key.displayType) \(key.bitLength)"),
                AuditDetail("comment", key.comment),
            ])
            return registered
        }
    }

    public func removeSSHKey(_ keyID: SSHKeyID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let authorization = try authorize(actor, writer)
            guard let key = try writer.sshKey(keyID) else { throw GatehouseError.notFound(kind: .sshKey, reference: keyID.description) }
            let user: User
            if key.userID == authorization.user.id {
                user = authorization.user
            } else {
                user = try managedUser(key.userID, authorization, action: "remove other users' SSH keys", writer).0
            }
            try writer.delete(sshKey: keyID)
            try audit(writer, actor, .sshKeyRemoved, .user(user), affecting: Set(try writer.organizationIDs(ofUser: user.id)),
                      details: [AuditDetail("fingerprint", key.fingerprint)])
        }
    }
}
