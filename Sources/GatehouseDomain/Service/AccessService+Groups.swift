import Foundation

/// A group member with the name to show.
public enum ResolvedMember: Hashable, Sendable {
    case user(User)
    case group(SecurityGroup)

    public var member: GroupMember {
        switch self {
        case let .user(user): .user(user.id)
        case let .group(group): .group(group.id)
        }
    }

    public var name: String {
        switch self {
        case let .user(user): user.displayName
        case let .group(group): group.name
        }
    }
}

extension AccessService {
    // MARK: Reading

    /// Groups of the organizations the actor belongs to.
    public func groups(_ query: GroupQuery, page: PageRequest = .first(), by actor: Actor) throws(GatehouseError) -> Page<SecurityGroup> {
        try read { reader in try reader.groups(try visibleQuery(query, try authorize(actor, reader)), page: page) }
    }

    /// A page of groups, each with its direct member count: one transaction and two queries for
    /// the Groups list (a count per row was a transaction per row: 38 round trips and more).
    public func groupsWithMemberCounts(_ query: GroupQuery, page: PageRequest = .first(), by actor: Actor) throws(GatehouseError) -> Page<CountedGroup> {
        try read { reader in
            let groups = try reader.groups(try visibleQuery(query, try authorize(actor, reader)), page: page)
            let counts = try reader.memberCounts(of: groups.items.map(\.id))
            return groups.map { CountedGroup(group: $0, memberCount: counts[$0.id] ?? 0) }
        }
    }

    public func count(_ query: GroupQuery, by actor: Actor) throws(GatehouseError) -> Int {
        try read { reader in try reader.count(try visibleQuery(query, try authorize(actor, reader))) }
    }

    public func group(_ id: GroupID, by actor: Actor) throws(GatehouseError) -> SecurityGroup {
        try read { reader in try visibleGroup(id, try authorize(actor, reader), reader) }
    }

    public func group(named name: String, in organization: OrganizationID, by actor: Actor) throws(GatehouseError) -> SecurityGroup {
        try read { reader in
            let authorization = try authorize(actor, reader)
            guard authorization.readableOrganizations.contains(organization), let group = try reader.group(named: name, in: organization) else {
                throw GatehouseError.notFound(kind: .group, reference: name)
            }
            return group
        }
    }

    /// How many direct members a group has, without reading them (a default group of a large
    /// organization has tens of thousands).
    public func memberCount(of groupID: GroupID, by actor: Actor) throws(GatehouseError) -> Int {
        try read { reader in
            _ = try visibleGroup(groupID, try authorize(actor, reader), reader)
            return try reader.memberCount(of: groupID)
        }
    }

    /// Direct members, groups first, then users, each alphabetically.
    public func members(of groupID: GroupID, by actor: Actor) throws(GatehouseError) -> [ResolvedMember] {
        try read { reader in
            _ = try visibleGroup(groupID, try authorize(actor, reader), reader)
            let resolved: [ResolvedMember] = try reader.members(of: groupID).compactMap { member in
                switch member {
                case let .user(id): try reader.user(id).map(ResolvedMember.user)
                case let .group(id): try reader.group(id).map(ResolvedMember.group)
                }
            }
            return resolved.sorted { lhs, rhs in
                switch (lhs, rhs) {
                case (.group, .user): true
                case (.user, .group): false
                default: lhs.name.localizedCaseInsensitiveCompare(rhs.name) == .orderedAscending
                }
            }
        }
    }

    /// A page of the direct members, in the order of `members(of:by:)` (nested groups first, then
    /// users by name), read with the users: a group of 13,500 opens with one page, not 13,500 reads.
    /// Cursors of nested groups carry a "group:" id; users' are the store's own.
    public func memberPage(of groupID: GroupID, page: PageRequest, by actor: Actor) throws(GatehouseError) -> Page<ResolvedMember> {
        try read { reader in
            _ = try visibleGroup(groupID, try authorize(actor, reader), reader)
            let groups = try reader.memberGroups(of: groupID).map { group in
                PageEntry(item: ResolvedMember.group(group), cursor: PageCursor(key: .text(group.name), id: Self.groupCursorPrefix + group.id.description))
            }
            func users(_ request: PageRequest) throws -> Page<ResolvedMember> { try reader.memberUsers(of: groupID, page: request).map(ResolvedMember.user) }
            let limit = page.limit
            /// Groups from `start`, then users from the first, up to the limit.
            func forward(fromGroup start: Int, anchoredInside: Bool) throws -> Page<ResolvedMember> {
                let head = Array(groups.dropFirst(start).prefix(limit))
                let moreGroups = groups.count - start > limit
                let need = limit - head.count
                let tail = need > 0 ? try users(.first(need)) : nil
                let usersAfter: Bool
                if let tail { usersAfter = tail.hasMoreAfter } else { usersAfter = !(try users(.first(1)).entries.isEmpty) }
                return Page(entries: head + (tail?.entries ?? []), hasMoreAfter: moreGroups || usersAfter, hasMoreBefore: anchoredInside)
            }
            /// Users as read, with the last groups before them when the users ran out first.
            func backward(_ read: Page<ResolvedMember>) -> Page<ResolvedMember> {
                guard !read.hasMoreBefore, read.entries.count < limit else {
                    return Page(entries: read.entries, hasMoreAfter: read.hasMoreAfter, hasMoreBefore: read.hasMoreBefore || !groups.isEmpty)
                }
                let taken = Array(groups.suffix(limit - read.entries.count))
                return Page(entries: taken + read.entries, hasMoreAfter: read.hasMoreAfter, hasMoreBefore: groups.count > taken.count)
            }
            func groupIndex(_ cursor: PageCursor) -> Int? {
                guard cursor.id.hasPrefix(Self.groupCursorPrefix) else { return nil }
                return groups.firstIndex { $0.cursor.id == cursor.id }
            }
            switch page.anchor {
            case .first:
                return try forward(fromGroup: 0, anchoredInside: false)
            case .last:
                return backward(try users(PageRequest(.last, limit: limit)))
            case let .after(cursor), let .from(cursor):
                if cursor.id.hasPrefix(Self.groupCursorPrefix) {
                    guard let index = groupIndex(cursor) else { return try forward(fromGroup: 0, anchoredInside: false) }
                    let inclusive: Bool = if case .from = page.anchor { true } else { false }
                    return try forward(fromGroup: inclusive ? index : index + 1, anchoredInside: true)
                }
                let read = try users(page)
                return Page(entries: read.entries, hasMoreAfter: read.hasMoreAfter, hasMoreBefore: true)
            case let .before(cursor):
                if cursor.id.hasPrefix(Self.groupCursorPrefix) {
                    let head = groups.prefix(groupIndex(cursor) ?? 0)
                    return Page(entries: Array(head.suffix(limit)), hasMoreAfter: true, hasMoreBefore: head.count > limit)
                }
                return backward(try users(page))
            }
        }
    }

    static let groupCursorPrefix = "group:"

    public func permissionSettings(of groupID: GroupID, by actor: Actor) throws(GatehouseError) -> [Permission: PermissionSetting] {
        try read { reader in
            _ = try visibleGroup(groupID, try authorize(actor, reader), reader)
            return try reader.permissionSettings(of: groupID)
        }
    }

    func visibleQuery(_ query: GroupQuery, _ authorization: Authorization) throws -> GroupQuery {
        var query = query
        query.visibleOrganizations = authorization.filter(for: authorization.readableOrganizations)
        return query
    }

    /// The group, when it belongs to an organization the actor may read; else reported as absent.
    func visibleGroup(_ id: GroupID, _ authorization: Authorization, _ reader: any DirectoryReader) throws -> SecurityGroup {
        guard let group = try reader.group(id), authorization.readableOrganizations.contains(group.organizationID) else {
            throw GatehouseError.notFound(kind: .group, reference: id.description)
        }
        return group
    }

    // MARK: Changing

    @discardableResult
    public func createGroup(named rawName: String, description rawDescription: String = "", in organization: OrganizationID, by actor: Actor) throws(GatehouseError) -> SecurityGroup {
        let name = try InputRules.groupName(rawName)
        let description = try InputRules.groupDescription(rawDescription)
        return try write { writer in
            let authorization = try authorize(actor, writer)
            try authorization.require(.manageGroups, in: organization, to: "create groups", writer)
            guard try writer.organization(organization) != nil else {
                throw GatehouseError.notFound(kind: .organization, reference: organization.description)
            }
            try requireDistinctGroupName(name, in: organization, excluding: nil, writer)
            let group = SecurityGroup(organizationID: organization, name: name, description: description, createdAt: clock.now)
            try writer.insert(group)
            try audit(writer, actor, .groupCreated, .group(group), organization: organization, details: [AuditDetail("description", description)])
            return group
        }
    }

    /// Renames a group or changes its description. Default groups keep their names.
    @discardableResult
    public func updateGroup(_ groupID: GroupID, name rawName: String, description rawDescription: String, expectedVersion: Int, by actor: Actor) throws(GatehouseError) -> SecurityGroup {
        let name = try InputRules.groupName(rawName)
        let description = try InputRules.groupDescription(rawDescription)
        return try write { writer in
            let authorization = try authorize(actor, writer)
            var group = try visibleGroup(groupID, authorization, writer)
            try authorization.require(.manageGroups, in: group.organizationID, to: "edit groups", writer)
            guard group.version == expectedVersion else { throw GatehouseError.staleVersion(kind: .group, name: group.name) }
            if group.isDefault && name != group.name {
                throw GatehouseError.notAllowed("\(group.name) is a default group; its name cannot change (its description can).")
            }
            if name.lowercased() != group.name.lowercased() {
                try requireDistinctGroupName(name, in: group.organizationID, excluding: group.id, writer)
            }
            var details: [AuditDetail] = []
            if name != group.name { details.append(AuditDetail("name", "\(group.name) \u{2192} \(name)")) }
            if description != group.description { details.append(AuditDetail("description", description)) }
            guard !details.isEmpty else { return group }
            group.name = name
            group.description = description
            let stored = try writer.update(group)
            try audit(writer, actor, .groupUpdated, .group(stored), organization: stored.organizationID, details: details)
            return stored
        }
    }

    /// Deletes a custom group; its memberships, permission settings and policy exemptions go with it.
    public func deleteGroup(_ groupID: GroupID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let authorization = try authorize(actor, writer)
            let group = try visibleGroup(groupID, authorization, writer)
            try authorization.require(.manageGroups, in: group.organizationID, to: "delete groups", writer)
            guard !group.isDefault else {
                throw GatehouseError.notAllowed("\(group.name) is a default group and cannot be deleted.")
            }
            // Its members leave its denials behind: only someone who holds those may lift them.
            try requireHolds(try settings(reachedFrom: group, writer, .deny), authorization, group, doing: "delete", writer)
            let memberCount = try writer.members(of: group.id).count
            try writer.delete(group: group.id)
            try audit(writer, actor, .groupDeleted, .group(group), organization: group.organizationID,
                      details: [AuditDetail("members", String(memberCount))])
        }
    }

    /// Adds a user or a nested group. Members must belong to the group's organization; cycles are refused.
    public func addMember(_ member: GroupMember, to groupID: GroupID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let authorization = try authorize(actor, writer)
            let group = try visibleGroup(groupID, authorization, writer)
            try authorization.require(.manageGroups, in: group.organizationID, to: "change group members", writer)
            try requireAdministratorFor(group, authorization, writer)
            // A new member gains what the group (and every group above it) allows: only someone who holds it may give it.
            try requireHolds(try settings(reachedFrom: group, writer, .allow), authorization, group, doing: "add members to", writer)
            let memberName: String
            switch member {
            case let .user(userID):
                guard let user = try writer.user(userID) else { throw GatehouseError.notFound(kind: .user, reference: userID.description) }
                guard try writer.organizationIDs(ofUser: userID).contains(group.organizationID) else {
                    let organization = try writer.organization(group.organizationID)?.name ?? "the group's organization"
                    throw GatehouseError.notAllowed("\(user.loginName) does not belong to \(organization); add the account to the organization first.")
                }
                memberName = user.loginName
            case let .group(childID):
                let child = try existingGroup(childID, writer)
                guard child.organizationID == group.organizationID else {
                    throw GatehouseError.notAllowed("\(child.name) belongs to another organization; groups can only contain groups of their own organization.")
                }
                if let cycle = try cyclePath(adding: child, to: group, writer) {
                    throw GatehouseError.membershipCycle(path: cycle)
                }
                memberName = child.name
            }
            guard try !writer.members(of: group.id).contains(member) else {
                throw GatehouseError.notAllowed("\(memberName) is already a member of \(group.name).")
            }
            try writer.addMember(member, to: group.id)
            try audit(writer, actor, .groupMemberAdded, .group(group), organization: group.organizationID,
                      details: [AuditDetail(member.kindWord, memberName)])
        }
    }

    public func removeMember(_ member: GroupMember, from groupID: GroupID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let authorization = try authorize(actor, writer)
            let group = try visibleGroup(groupID, authorization, writer)
            try authorization.require(.manageGroups, in: group.organizationID, to: "change group members", writer)
            try requireAdministratorFor(group, authorization, writer)
            // A member who leaves is free of what the group denies: only someone who holds it may lift that.
            try requireHolds(try settings(reachedFrom: group, writer, .deny), authorization, group, doing: "remove members from", writer)
            let members = try writer.members(of: group.id)
            guard members.contains(member) else {
                throw GatehouseError.notAllowed("That account or group is not a direct member of \(group.name).")
            }
            if group.defaultRole == .projectCollectionValidUsers, case .user = member {
                throw GatehouseError.notAllowed("Every member of the organization belongs to Project Collection Valid Users; disable or delete the account instead.")
            }
            if group.defaultRole == .projectCollectionAdministrators, case let .user(leaving) = member {
                let others = try members.compactMap { other -> User? in
                    guard case let .user(id) = other, id != leaving else { return nil }
                    return try writer.user(id)
                }
                guard others.contains(where: \.isActive) else {
                    throw GatehouseError.notAllowed("This is the last active member of Project Collection Administrators; add another administrator first, or the organization would have none.")
                }
            }
            let memberName: String
            switch member {
            case let .user(id): memberName = try writer.user(id)?.loginName ?? id.description
            case let .group(id): memberName = try writer.group(id)?.name ?? id.description
            }
            try writer.removeMember(member, from: group.id)
            try audit(writer, actor, .groupMemberRemoved, .group(group), organization: group.organizationID,
                      details: [AuditDetail(member.kindWord, memberName)])
        }
    }

    /// Sets one permission of a group to Allow, Deny or Not set.
    public func setPermission(_ permission: Permission, to setting: PermissionSetting, for groupID: GroupID, by actor: Actor) throws(GatehouseError) {
        try setPermissions([permission: setting], for: groupID, by: actor)
    }

    /// Sets several permissions of a group at once (the console's staged grid): one transaction,
    /// one audit event per permission that changes. Any refusal stores none of them.
    public func setPermissions(_ changes: [Permission: PermissionSetting], for groupID: GroupID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let authorization = try authorize(actor, writer)
            let group = try visibleGroup(groupID, authorization, writer)
            try authorization.require(.manageGroups, in: group.organizationID, to: "change group permissions", writer)
            guard group.defaultRole != .projectCollectionAdministrators else {
                throw GatehouseError.notAllowed("Project Collection Administrators always hold every permission, so nobody can lock the organization out.")
            }
            let current = try writer.permissionSettings(of: group.id)
            for permission in Permission.allCases {
                guard let setting = changes[permission] else { continue }
                let old = current[permission] ?? .notSet
                guard old != setting else { continue }
                // Allowing it, or lifting a Deny, gives it to the group's members: only someone who holds it may.
                if setting == .allow || old == .deny {
                    try authorization.require(permission, in: group.organizationID, to: "give \(group.name) the \u{201C}\(permission.title)\u{201D} permission", writer)
                }
                try writer.setPermission(permission, to: setting, for: group.id)
                try audit(writer, actor, .groupPermissionSet, .group(group), organization: group.organizationID,
                          details: [AuditDetail(permission.title, "\(old.title) \u{2192} \(setting.title)")])
            }
        }
    }

    func existingGroup(_ id: GroupID, _ reader: any DirectoryReader) throws -> SecurityGroup {
        guard let group = try reader.group(id) else { throw GatehouseError.notFound(kind: .group, reference: id.description) }
        return group
    }

    /// The permissions set to `setting` by the group or any group it belongs to: what a member of it gets (or loses).
    func settings(reachedFrom group: SecurityGroup, _ reader: any DirectoryReader, _ setting: PermissionSetting) throws -> Set<Permission> {
        let above = try PermissionEvaluator.reachableGroups(from: .group(group.id)) { try reader.groupsContaining($0) }.map(\.group.id)
        var result = Set<Permission>()
        for id in [group.id] + above {
            for (permission, value) in try reader.permissionSettings(of: id) where value == setting { result.insert(permission) }
        }
        return result
    }

    /// Nobody gives anyone (themselves included) a permission they do not hold.
    func requireHolds(_ permissions: Set<Permission>, _ authorization: Authorization, _ group: SecurityGroup, doing verb: String, _ reader: any DirectoryReader) throws {
        for permission in permissions.sorted(by: { $0.rawValue < $1.rawValue }) {
            try authorization.require(permission, in: group.organizationID, to: "\(verb) \(group.name), which would give its members \u{201C}\(permission.title)\u{201D}", reader)
        }
    }

    /// Project Collection Administrators (or a group inside it) are changed by its own members only.
    func requireAdministratorFor(_ group: SecurityGroup, _ authorization: Authorization, _ reader: any DirectoryReader) throws {
        guard let administrators = try defaultGroup(.projectCollectionAdministrators, in: group.organizationID, reader) else { return }
        let inside = try group.id == administrators.id
            || PermissionEvaluator.reachableGroups(from: .group(group.id)) { try reader.groupsContaining($0) }.contains { $0.group.id == administrators.id }
        guard inside, !authorization.reaches(administrators.id, in: group.organizationID) else { return }
        throw GatehouseError.notAllowed("Only members of Project Collection Administrators may change who administers the organization (\(group.name) is, or is inside, that group).")
    }

    /// Group names are unique in an organization without case, and none may look like another (TR39 skeletons).
    func requireDistinctGroupName(_ name: String, in organization: OrganizationID, excluding: GroupID?, _ reader: any DirectoryReader) throws {
        if let existing = try reader.group(named: name, in: organization), existing.id != excluding {
            throw GatehouseError.alreadyExists(kind: .group, name: name)
        }
        let skeleton = ConfusableText.skeleton(name)
        var request = PageRequest.first(500)
        while true {
            let page = try reader.groups(GroupQuery(organizationID: organization), page: request)
            if let lookalike = page.items.first(where: { $0.id != excluding && ConfusableText.skeleton($0.name) == skeleton }) {
                throw GatehouseError.invalidInput(field: "Group name", problem: "\u{201C}\(name)\u{201D} is too easily mistaken for the existing group \u{201C}\(lookalike.name)\u{201D}; choose a name that looks different.")
            }
            guard page.hasMoreAfter, let last = page.lastCursor else { return }
            request = PageRequest(.after(last), limit: 500)
        }
    }

    /// If `parent` is already inside `child` (directly or nested), the chain that proves it:
    /// [child, …, parent, child].
    func cyclePath(adding child: SecurityGroup, to parent: SecurityGroup, _ reader: any DirectoryReader) throws -> [String]? {
        if child.id == parent.id { return [child.name, child.name] }
        let ancestors = try PermissionEvaluator.reachableGroups(from: .group(parent.id)) { try reader.groupsContaining($0) }
        guard let chain = ancestors.first(where: { $0.group.id == child.id }) else { return nil }
        // chain: parent ∈ g1 ∈ … ∈ child. Read downwards from child.
        return chain.path.reversed().map(\.name) + [parent.name, child.name]
    }
}

extension GroupMember {
    var kindWord: String {
        switch self {
        case .user: "user"
        case .group: "group"
        }
    }
}
