import GatehouseDomain

/// Everything a change could touch, read through the façade as an administrator. Tests take one
/// before and one after a refused call: equal snapshots prove it changed nothing.
public struct DirectorySnapshot: Equatable, Sendable {
    public let organizations: [Organization]
    public let users: [User]
    public let groups: [SecurityGroup]
    public let members: [GroupID: [GroupMember]]
    public let permissions: [GroupID: [Permission: PermissionSetting]]
    public let tokens: [PersonalAccessToken]
    public let policies: [OrganizationID: OrganizationPolicies]
    public let sshKeys: [UserID: [RegisteredSSHKey]]
    public let auditCount: Int
}

extension AccessService {
    /// The snapshot of the whole directory, read straight from the store: no organization wall
    /// hides a change from it. (`administrator` is kept so call sites read as before.)
    public func snapshot(by administrator: Actor) throws -> DirectorySnapshot {
        let now = clock.now
        return try store.read { reader in
            let users = try collectAll { try reader.users(UserQuery(), page: $0) }
            let groups = try collectAll { try reader.groups(GroupQuery(), page: $0) }
            var members: [GroupID: [GroupMember]] = [:]
            var permissions: [GroupID: [Permission: PermissionSetting]] = [:]
            for group in groups {
                members[group.id] = try reader.members(of: group.id).sorted { "\($0)" < "\($1)" }
                permissions[group.id] = try reader.permissionSettings(of: group.id)
            }
            var keys: [UserID: [RegisteredSSHKey]] = [:]
            for user in users { keys[user.id] = try reader.sshKeys(of: user.id) }
            let organizations = try reader.organizations()
            var policies: [OrganizationID: OrganizationPolicies] = [:]
            for organization in organizations { policies[organization.id] = try reader.policies(of: organization.id) }
            return DirectorySnapshot(
                organizations: organizations, users: users, groups: groups, members: members, permissions: permissions,
                tokens: try collectAll { try reader.tokens(TokenQuery(), now: now, page: $0) },
                policies: policies, sshKeys: keys, auditCount: try reader.count(AuditQuery()))
        }
    }
}

/// Every item of a paged list, page after page by keyset.
public func collectAll<Item: Sendable>(pageSize: Int = 200, _ fetch: (PageRequest) throws -> Page<Item>) rethrows -> [Item] {
    var items: [Item] = []
    var request = PageRequest.first(pageSize)
    while true {
        let page = try fetch(request)
        items += page.items
        guard page.hasMoreAfter, let last = page.lastCursor else { return items }
        request = PageRequest(.after(last), limit: pageSize)
    }
}
