import Foundation

extension AccessService {
    // MARK: Reading

    public func users(_ query: UserQuery, page: PageRequest = .first()) throws(GatehouseError) -> Page<User> {
        try read { try $0.users(query, page: page) }
    }

    public func count(_ query: UserQuery) throws(GatehouseError) -> Int {
        try read { try $0.count(query) }
    }

    /// For a list's counter: exact where cheap, else counted up to `cap` (see `ListCount`).
    public func count(_ query: UserQuery, cap: Int) throws(GatehouseError) -> ListCount {
        try read { try $0.count(query, cap: cap) }
    }

    public func user(_ id: UserID) throws(GatehouseError) -> User {
        guard let user = try read({ try $0.user(id) }) else { throw .notFound(kind: .user, reference: id.description) }
        return user
    }

    public func user(login: String) throws(GatehouseError) -> User {
        guard let user = try read({ try $0.user(login: login) }) else { throw .notFound(kind: .user, reference: login) }
        return user
    }

    /// Per user of a page: direct groups and active tokens. Token counts are given only for users
    /// whose tokens the actor may see (their own, or everyone's with Manage others' tokens).
    public func listCounts(for users: [User], by actor: Actor) throws(GatehouseError) -> [UserID: (groups: Int, activeTokens: Int?)] {
        try read { reader in
            let seesEveryone = try holdsAnywhere(.manageOthersTokens, actor: actor.user, reader)
            let counts = try reader.listCounts(for: users.map(\.id), now: clock.now)
            return counts.mapValues { ($0.groups, $0.activeTokens as Int?) }.reduce(into: [:]) { result, entry in
                result[entry.key] = (entry.value.0, seesEveryone || entry.key == actor.user.id ? entry.value.1 : nil)
            }
        }
    }

    /// Groups the user belongs to directly.
    public func groups(of userID: UserID) throws(GatehouseError) -> [SecurityGroup] {
        try read { try $0.groupsContaining(.user(userID)).sorted { $0.name < $1.name } }
    }

    /// Every permission of a user in one organization, each with the group (and nesting path) that decides it.
    public func effectivePermissions(of userID: UserID, in organization: OrganizationID) throws(GatehouseError) -> [PermissionDecision] {
        try read { try evaluator(for: userID, in: organization, $0).decideAll() }
    }

    /// Whether the actor may do something, with the reason, so front ends can show actions as disabled.
    public func decision(_ permission: Permission, in organization: OrganizationID, for actor: Actor) throws(GatehouseError) -> PermissionDecision {
        try read { try decide(permission, for: actor.user.id, in: organization, $0) }
    }

    /// Allowed in at least one of the actor's organizations (e.g. to open the audit log at all).
    public func holdsAnywhere(_ permission: Permission, actor: Actor) throws(GatehouseError) -> Bool {
        try read { try holdsAnywhere(permission, actor: actor.user, $0) }
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
            let acting = try currentActor(actor, writer)
            for organization in Set(organizations) {
                try require(.manageUsers, in: organization, actor: acting, to: "add users", writer)
            }
            if try writer.user(login: draft.loginName) != nil {
                throw GatehouseError.alreadyExists(kind: .user, name: draft.loginName)
            }
            let user = User(displayName: draft.displayName, loginName: draft.loginName, email: draft.email, kind: draft.kind,
                            identitySource: draft.identitySource, accessLevel: draft.accessLevel, createdAt: clock.now)
            try writer.insert(user)
            for organization in Set(organizations) {
                try joinOrganization(user, organization, writer)
            }
            try audit(writer, actor, .userCreated, .user(user), organization: organizations.first, details: [
                AuditDetail("name", user.displayName), AuditDetail("kind", user.kind.title),
                AuditDetail("source", user.identitySource.title), AuditDetail("access", user.accessLevel.title),
            ])
            return user
        }
    }

    /// Adds an existing account to another organization.
    public func addUser(_ userID: UserID, toOrganization organization: OrganizationID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let acting = try currentActor(actor, writer)
            try require(.manageUsers, in: organization, actor: acting, to: "add users to this organization", writer)
            guard let user = try writer.user(userID) else { throw GatehouseError.notFound(kind: .user, reference: userID.description) }
            guard try !writer.organizationIDs(ofUser: userID).contains(organization) else {
                throw GatehouseError.notAllowed("\(user.loginName) already belongs to that organization.")
            }
            try joinOrganization(user, organization, writer)
            try audit(writer, actor, .userAddedToOrganization, .user(user), organization: organization)
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
            let acting = try currentActor(actor, writer)
            var user = try managedUser(userID, acting: acting, action: "edit users", writer)
            guard user.version == expectedVersion else { throw GatehouseError.staleVersion(kind: .user, name: user.loginName) }
            if draft.loginName.lowercased() != user.loginName.lowercased(), try writer.user(login: draft.loginName) != nil {
                throw GatehouseError.alreadyExists(kind: .user, name: draft.loginName)
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
            try audit(writer, actor, .userUpdated, .user(stored), details: details)
            return stored
        }
    }

    /// Disables or enables an account. A disabled account cannot act, and none of its tokens verify.
    @discardableResult
    public func setStatus(_ status: AccountStatus, ofUser userID: UserID, expectedVersion: Int? = nil, by actor: Actor) throws(GatehouseError) -> User {
        try write { writer in
            let acting = try currentActor(actor, writer)
            var user = try managedUser(userID, acting: acting, action: status == .disabled ? "disable users" : "enable users", writer)
            if let expectedVersion, user.version != expectedVersion {
                throw GatehouseError.staleVersion(kind: .user, name: user.loginName)
            }
            guard user.status != status else { return user }
            if status == .disabled && user.id == acting.id {
                throw GatehouseError.notAllowed("You cannot disable your own account; ask another administrator.")
            }
            user.status = status
            let stored = try writer.update(user)
            try audit(writer, actor, status == .disabled ? .userDisabled : .userEnabled, .user(stored))
            return stored
        }
    }

    /// Deletes an account with its tokens, SSH keys and memberships. The audit log keeps its history.
    public func deleteUser(_ userID: UserID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let acting = try currentActor(actor, writer)
            let user = try managedUser(userID, acting: acting, action: "delete users", writer)
            guard user.id != acting.id else {
                throw GatehouseError.notAllowed("You cannot delete your own account; ask another administrator.")
            }
            let tokens = try writer.count(TokenQuery(ownerID: user.id), now: clock.now)
            try writer.delete(user: user.id)
            try audit(writer, actor, .userDeleted, .user(user), details: [
                AuditDetail("name", user.displayName), AuditDetail("tokens deleted", String(tokens)),
            ])
        }
    }

    /// The user, if the actor may manage users in at least one organization the user belongs to.
    func managedUser(_ userID: UserID, acting: User, action: String, _ reader: any DirectoryReader) throws -> User {
        guard let user = try reader.user(userID) else { throw GatehouseError.notFound(kind: .user, reference: userID.description) }
        var organizations = try reader.organizationIDs(ofUser: userID)
        if organizations.isEmpty { organizations = try reader.organizationIDs(ofUser: acting.id) }
        try requireInAny(.manageUsers, of: organizations, actor: acting, to: action, reader)
        return user
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

    public func sshKeys(of userID: UserID) throws(GatehouseError) -> [RegisteredSSHKey] {
        try read { try $0.sshKeys(of: userID) }
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
            let acting = try currentActor(actor, writer)
            let user: User
            if userID == acting.id {
                user = acting
            } else {
                user = try managedUser(userID, acting: acting, action: "add SSH keys for other users", writer)
            }
            if let existing = try writer.sshKey(fingerprint: key.fingerprint) {
                let holder = try writer.user(existing.userID)?.loginName ?? "another account"
                throw GatehouseError.notAllowed("That key (\(key.fingerprint)) is already registered to \(holder). A key identifies one account; generate a new key pair for this one.")
            }
            let registered = RegisteredSSHKey(userID: user.id, key: key, addedAt: clock.now)
            try writer.insert(registered)
            try audit(writer, actor, .sshKeyAdded, .user(user), details: [
                AuditDetail("fingerprint", key.fingerprint), AuditDetail("type", "\(key.displayType) \(key.bitLength)"),
                AuditDetail("comment", key.comment),
            ])
            return registered
        }
    }

    public func removeSSHKey(_ keyID: SSHKeyID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let acting = try currentActor(actor, writer)
            guard let key = try writer.sshKey(keyID) else { throw GatehouseError.notFound(kind: .sshKey, reference: keyID.description) }
            let user: User
            if key.userID == acting.id {
                user = acting
            } else {
                user = try managedUser(key.userID, acting: acting, action: "remove other users' SSH keys", writer)
            }
            try writer.delete(sshKey: keyID)
            try audit(writer, actor, .sshKeyRemoved, .user(user), details: [AuditDetail("fingerprint", key.fingerprint)])
        }
    }
}
