import Foundation
import GatehouseDomain

/// The demo's events, ordered by time, applied one by one.
struct DemoTimeline {
    private struct Event {
        let daysAgo: Double
        let order: Int
        let apply: (inout DemoTimeline) throws(GatehouseError) -> Void
    }

    private let file: DemoDirectoryFile
    private let service: AccessService
    private let catalog: ScopeCatalog
    private var events: [Event] = []
    private var organizations: [String: OrganizationID] = [:]
    private var actors: [String: Actor] = [:]
    /// Secrets live only while the timeline runs: they are needed to record "last used" and leaks.
    private var secrets: [Int: TokenSecret] = [:]
    private var tokenIDs: [Int: TokenID] = [:]

    init(file: DemoDirectoryFile, service: AccessService, catalog: ScopeCatalog) throws(GatehouseError) {
        self.file = file
        self.service = service
        self.catalog = catalog
        schedule()
    }

    mutating func run(clock: ManualClock, now: Date) throws(GatehouseError) {
        let ordered = events.enumerated().sorted { lhs, rhs in
            (lhs.element.daysAgo, rhs.element.order) > (rhs.element.daysAgo, lhs.element.order)
        }.map(\.element)
        for (index, event) in ordered.enumerated() {
            // A few seconds apart, so the audit log keeps the order the story happened in.
            clock.set(now.addingTimeInterval(-event.daysAgo * 86_400 + Double(index % 3_600)))
            try event.apply(&self)
        }
        clock.set(now)
    }

    private mutating func at(_ daysAgo: Double, _ apply: @escaping (inout DemoTimeline) throws(GatehouseError) -> Void) {
        events.append(Event(daysAgo: daysAgo, order: events.count, apply: apply))
    }

    private mutating func schedule() {
        let administrator = file.administrator
        let firstOrganization = file.organizations[0]
        at(firstOrganization.daysAgo) { timeline throws(GatehouseError) in
            try timeline.service.bootstrapIfEmpty(administratorLogin: administrator.login, displayName: administrator.name, organizationName: firstOrganization.name)
            let admin = try timeline.service.resolveActor(login: administrator.login)
            timeline.actors[administrator.login] = admin
            timeline.organizations[firstOrganization.name] = try timeline.service.organization(named: firstOrganization.name, by: timeline.admin()).id
            if let email = administrator.email {
                var draft = UserDraft(admin.user)
                draft.email = email
                try timeline.service.updateUser(admin.user.id, to: draft, expectedVersion: admin.user.version, by: admin)
                timeline.actors[administrator.login] = try timeline.service.resolveActor(login: administrator.login)
            }
        }
        for organization in file.organizations.dropFirst() {
            at(organization.daysAgo) { timeline throws(GatehouseError) in
                timeline.organizations[organization.name] = try timeline.service.createOrganization(named: organization.name, by: timeline.admin()).id
            }
        }
        for user in file.users {
            at(user.daysAgo) { timeline throws(GatehouseError) in try timeline.createUser(user) }
        }
        for group in file.groups {
            at(DemoSeeder.groupSetupDaysAgo) { timeline throws(GatehouseError) in try timeline.setUpGroup(group) }
        }
        for policy in file.policies {
            at(policy.daysAgo) { timeline throws(GatehouseError) in try timeline.apply(policy) }
        }
        for key in file.sshKeys {
            at(key.daysAgo) { timeline throws(GatehouseError) in
                try timeline.service.addSSHKey(key.line, to: timeline.actor(key.owner).user.id, by: timeline.admin())
            }
        }
        for (index, token) in file.tokens.enumerated() {
            scheduleToken(index, token)
        }
        for entry in file.disabled {
            at(entry.daysAgo) { timeline throws(GatehouseError) in
                try timeline.service.setStatus(.disabled, ofUser: timeline.actor(entry.login).user.id, by: timeline.admin())
            }
        }
    }

    private mutating func scheduleToken(_ index: Int, _ token: DemoDirectoryFile.TokenEntry) {
        at(token.daysAgo) { timeline throws(GatehouseError) in try timeline.createToken(index, token) }
        if let regenerated = token.regeneratedDaysAgo {
            at(regenerated) { timeline throws(GatehouseError) in
                guard let id = timeline.tokenIDs[index] else { return }
                let creator = try timeline.actor(token.createdBy ?? token.owner)
                timeline.secrets[index] = try timeline.service.regenerateToken(id, by: creator).secret
            }
        }
        if let lastUsed = token.lastUsedDaysAgo {
            at(lastUsed) { timeline throws(GatehouseError) in
                guard let secret = timeline.secrets[index] else { return }
                _ = try timeline.service.verify(secret)
            }
        }
        if let revoked = token.revoked {
            at(revoked.daysAgo) { timeline throws(GatehouseError) in
                guard let id = timeline.tokenIDs[index] else { return }
                // Owners revoke their own tokens; once an owner is disabled, an administrator does.
                let owner = try timeline.service.user(timeline.actor(token.owner).user.id, by: timeline.admin())
                let revoker = owner.isActive ? try timeline.actor(token.owner) : try timeline.admin()
                try timeline.service.revokeToken(id, reason: revoked.reason, by: revoker)
            }
        }
    }

    private mutating func admin() throws(GatehouseError) -> Actor {
        try actor(file.administrator.login)
    }

    private mutating func actor(_ login: String) throws(GatehouseError) -> Actor {
        if let actor = actors[login] { return actor }
        let actor = try service.resolveActor(login: login)
        actors[login] = actor
        return actor
    }

    private func organization(_ name: String) throws(GatehouseError) -> OrganizationID {
        guard let id = organizations[name] else { throw .notFound(kind: .organization, reference: name) }
        return id
    }

    private mutating func createUser(_ entry: DemoDirectoryFile.UserEntry) throws(GatehouseError) {
        func parsed<E: RawRepresentable>(_ raw: String, _ field: String) throws(GatehouseError) -> E where E.RawValue == String {
            guard let value = E(rawValue: raw) else { throw .invalidInput(field: field, problem: "unknown value \(raw) in the demo file") }
            return value
        }
        let draft = UserDraft(displayName: entry.name, loginName: entry.login, email: entry.email,
                              kind: try parsed(entry.kind, "kind"), identitySource: try parsed(entry.source, "source"),
                              accessLevel: try parsed(entry.access, "access"))
        var organizationIDs: [OrganizationID] = []
        for name in entry.organizations { organizationIDs.append(try organization(name)) }
        try service.createUser(draft, in: organizationIDs, by: admin())
    }

    private mutating func setUpGroup(_ entry: DemoDirectoryFile.GroupEntry) throws(GatehouseError) {
        let organizationID = try organization(entry.organization)
        let group: SecurityGroup
        if let existing = try? service.group(named: entry.name, in: organizationID, by: admin()) {
            group = existing
        } else {
            group = try service.createGroup(named: entry.name, description: entry.description ?? "", in: organizationID, by: admin())
        }
        let current = Set(try service.members(of: group.id, by: admin()).map(\.member))
        for member in entry.members {
            let resolved: GroupMember
            if member.hasPrefix("group:") {
                resolved = .group(try service.group(named: String(member.dropFirst(6)), in: organizationID, by: admin()).id)
            } else {
                resolved = .user(try actor(member).user.id)
            }
            if !current.contains(resolved) {
                try service.addMember(resolved, to: group.id, by: admin())
            }
        }
        for (rawPermission, rawSetting) in (entry.permissions ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let permission = Permission(rawValue: rawPermission), let setting = PermissionSetting(rawValue: rawSetting) else {
                throw .invalidInput(field: "permissions", problem: "unknown \(rawPermission)=\(rawSetting) in the demo file")
            }
            try service.setPermission(permission, to: setting, for: group.id, by: admin())
        }
    }

    private mutating func apply(_ entry: DemoDirectoryFile.PolicyEntry) throws(GatehouseError) {
        let organizationID = try organization(entry.organization)
        guard let kind = PolicyKind(rawValue: entry.kind) else {
            throw .invalidInput(field: "policy", problem: "unknown policy \(entry.kind) in the demo file")
        }
        let policies = try service.policies(of: organizationID, by: admin())
        var policy = policies[kind]
        policy.isEnabled = entry.enabled
        if let days = entry.maximumDays { policy.maximumLifespanDays = days }
        if let packagingOnly = entry.packagingOnly { policy.packagingOnly = packagingOnly }
        var exemptions = Set<PolicyExemption>()
        for exemption in entry.exemptions {
            if exemption.hasPrefix("group:") {
                exemptions.insert(.group(try service.group(named: String(exemption.dropFirst(6)), in: organizationID, by: admin()).id))
            } else {
                exemptions.insert(.user(try actor(exemption).user.id))
            }
        }
        policy.exemptions = exemptions
        try service.updatePolicy(policy, in: organizationID, expectedVersion: policies.version, by: admin())
    }

    private mutating func createToken(_ index: Int, _ entry: DemoDirectoryFile.TokenEntry) throws(GatehouseError) {
        let owner = try actor(entry.owner)
        let creator = try entry.createdBy.map { login throws(GatehouseError) in try actor(login) } ?? owner
        let scopes: ScopeSelection = switch entry.scopes {
        case .full: .fullAccess
        case let .custom(identifiers): try ScopeSelection.custom(identifiers, catalog: catalog)
        }
        let target: TokenTarget = entry.organization == "*" ? .allAccessibleOrganizations : .organization(try organization(entry.organization))
        let request = TokenRequest(displayName: entry.name, ownerID: owner.user.id, target: target, scopes: scopes, expiration: .days(entry.lifespanDays))
        let issued = try service.createToken(request, by: creator)
        secrets[index] = issued.secret
        tokenIDs[index] = issued.token.id
    }
}
