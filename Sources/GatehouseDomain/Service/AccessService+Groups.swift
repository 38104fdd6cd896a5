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

    public func groups(_ query: GroupQuery, page: PageRequest = .first()) throws(GatehouseError) -> Page<SecurityGroup> {
        try read { try $0.groups(query, page: page) }
    }

    public func count(_ query: GroupQuery) throws(GatehouseError) -> Int {
        try read { try $0.count(query) }
    }

    public func group(_ id: GroupID) throws(GatehouseError) -> SecurityGroup {
        guard let group = try read({ try $0.group(id) }) else { throw .notFound(kind: .group, reference: id.description) }
        return group
    }

    public func group(named name: String, in organization: OrganizationID) throws(GatehouseError) -> SecurityGroup {
        guard let group = try read({ try $0.group(named: name, in: organization) }) else { throw .notFound(kind: .group, reference: name) }
        return group
    }

    /// How many direct members a group has, without reading them (a default group of a large
    /// organization has tens of thousands).
    public func memberCount(of groupID: GroupID) throws(GatehouseError) -> Int {
        try read { try $0.memberCount(of: groupID) }
    }

    /// Direct members, groups first, then users, each alphabetically.
    public func members(of groupID: GroupID) throws(GatehouseError) -> [ResolvedMember] {
        try read { reader in
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

    public func permissionSettings(of groupID: GroupID) throws(GatehouseError) -> [Permission: PermissionSetting] {
        try read { try $0.permissionSettings(of: groupID) }
    }

    // MARK: Changing

    @discardableResult
    public func createGroup(named rawName: String, description rawDescription: String = "", in organization: OrganizationID, by actor: Actor) throws(GatehouseError) -> SecurityGroup {
        let name = try InputRules.groupName(rawName)
        let description = try InputRules.groupDescription(rawDescription)
        return try write { writer in
            let acting = try currentActor(actor, writer)
            try require(.manageGroups, in: organization, actor: acting, to: "create groups", writer)
            guard try writer.organization(organization) != nil else {
                throw GatehouseError.notFound(kind: .organization, reference: organization.description)
            }
            if try writer.group(named: name, in: organization) != nil {
                throw GatehouseError.alreadyExists(kind: .group, name: name)
            }
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
            let acting = try currentActor(actor, writer)
            var group = try existingGroup(groupID, writer)
            try require(.manageGroups, in: group.organizationID, actor: acting, to: "edit groups", writer)
            guard group.version == expectedVersion else { throw GatehouseError.staleVersion(kind: .group, name: group.name) }
            if group.isDefault && name != group.name {
                throw GatehouseError.notAllowed("\(group.name) is a default group; its name cannot change (its description can).")
            }
            if name.lowercased() != group.name.lowercased(), try writer.group(named: name, in: group.organizationID) != nil {
                throw GatehouseError.alreadyExists(kind: .group, name: name)
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
            let acting = try currentActor(actor, writer)
            let group = try existingGroup(groupID, writer)
            try require(.manageGroups, in: group.organizationID, actor: acting, to: "delete groups", writer)
            guard !group.isDefault else {
                throw GatehouseError.notAllowed("\(group.name) is a default group and cannot be deleted.")
            }
            let memberCount = try writer.members(of: group.id).count
            try writer.delete(group: group.id)
            try audit(writer, actor, .groupDeleted, .group(group), organization: group.organizationID,
                      details: [AuditDetail("members", String(memberCount))])
        }
    }

    /// Adds a user or a nested group. Members must belong to the group's organization; cycles are refused.
    public func addMember(_ member: GroupMember, to groupID: GroupID, by actor: Actor) throws(GatehouseError) {
        try write { writer in
            let acting = try currentActor(actor, writer)
            let group = try existingGroup(groupID, writer)
            try require(.manageGroups, in: group.organizationID, actor: acting, to: "change group members", writer)
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
            let acting = try currentActor(actor, writer)
            let group = try existingGroup(groupID, writer)
            try require(.manageGroups, in: group.organizationID, actor: acting, to: "change group members", writer)
            let members = try writer.members(of: group.id)
            guard members.contains(member) else {
                throw GatehouseError.notAllowed("That account or group is not a direct member of \(group.name).")
            }
            if group.defaultRole == .projectCollectionValidUsers, case .user = member {
                throw GatehouseError.notAllowed("Every member of the organization belongs to Project Collection Valid Users; disable or delete the account instead.")
            }
            if group.defaultRole == .projectCollectionAdministrators, case .user = member,
               members.filter({ if case .user = $0 { true } else { false } }).count == 1 {
                throw GatehouseError.notAllowed("This is the last member of Project Collection Administrators; add another administrator first, or the organization would have none.")
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
        try write { writer in
            let acting = try currentActor(actor, writer)
            let group = try existingGroup(groupID, writer)
            try require(.manageGroups, in: group.organizationID, actor: acting, to: "change group permissions", writer)
            guard group.defaultRole != .projectCollectionAdministrators else {
                throw GatehouseError.notAllowed("Project Collection Administrators always hold every permission, so nobody can lock the organization out.")
            }
            let old = try writer.permissionSettings(of: group.id)[permission] ?? .notSet
            guard old != setting else { return }
            try writer.setPermission(permission, to: setting, for: group.id)
            try audit(writer, actor, .groupPermissionSet, .group(group), organization: group.organizationID,
                      details: [AuditDetail(permission.title, "\(old.title) \u{2192} \(setting.title)")])
        }
    }

    func existingGroup(_ id: GroupID, _ reader: any DirectoryReader) throws -> SecurityGroup {
        guard let group = try reader.group(id) else { throw GatehouseError.notFound(kind: .group, reference: id.description) }
        return group
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
