import Foundation

extension AccessService {
    /// First run: an empty directory gets one organization, its default groups and policies, and
    /// `login` as its first Project Collection Administrator. Does nothing when the directory has data.
    @discardableResult
    public func bootstrapIfEmpty(administratorLogin: String, displayName: String? = nil, organizationName: String = "Default") throws(GatehouseError) -> Bool {
        let login = try InputRules.loginName(administratorLogin)
        let name = try InputRules.displayName(displayName ?? login)
        let organizationName = try InputRules.organizationName(organizationName)
        return try write { writer in
            guard try writer.isEmpty() else { return false }
            let now = clock.now
            let admin = User(displayName: name, loginName: login, kind: .user, identitySource: .local, accessLevel: .basic, createdAt: now)
            try writer.insert(admin)
            let organization = try makeOrganization(named: organizationName, firstAdministrator: admin, writer)
            let actor = Actor(user: admin)
            try audit(writer, actor, .directoryBootstrapped, .organization(organization), organization: organization.id,
                      details: [AuditDetail("administrator", login)])
            return true
        }
    }

    /// Creates an organization with its default groups and initial policies; the creator becomes its
    /// first Project Collection Administrator. Only Project Collection Administrators of an existing
    /// organization may create organizations.
    @discardableResult
    public func createOrganization(named rawName: String, by actor: Actor) throws(GatehouseError) -> Organization {
        let name = try InputRules.organizationName(rawName)
        return try write { writer in
            let acting = try currentActor(actor, writer)
            let isCollectionAdmin = try writer.groupsContaining(.user(acting.id)).contains { $0.defaultRole == .projectCollectionAdministrators }
            guard isCollectionAdmin else {
                throw GatehouseError.notAllowed("Only members of Project Collection Administrators may create organizations.")
            }
            guard try writer.organization(named: name) == nil else {
                throw GatehouseError.alreadyExists(kind: .organization, name: name)
            }
            let organization = try makeOrganization(named: name, firstAdministrator: acting, writer)
            try audit(writer, actor, .organizationCreated, .organization(organization), organization: organization.id)
            return organization
        }
    }

    func makeOrganization(named name: String, firstAdministrator admin: User, _ writer: any DirectoryWriter) throws -> Organization {
        let now = clock.now
        let organization = Organization(name: name, createdAt: now)
        try writer.insert(organization)
        try writer.addMember(admin.id, toOrganization: organization.id)
        for role in DefaultGroup.allCases {
            let group = SecurityGroup(organizationID: organization.id, name: role.name, description: role.summary, defaultRole: role, createdAt: now)
            try writer.insert(group)
            for (permission, setting) in role.initialPermissions {
                try writer.setPermission(permission, to: setting, for: group.id)
            }
            if role == .projectCollectionAdministrators || role == .projectCollectionValidUsers {
                try writer.addMember(.user(admin.id), to: group.id)
            }
        }
        _ = try writer.save(OrganizationPolicies.initial(for: organization.id))
        return organization
    }

    public func organizations() throws(GatehouseError) -> [Organization] {
        try read { try $0.organizations() }
    }

    public func organization(named name: String) throws(GatehouseError) -> Organization {
        guard let organization = try read({ try $0.organization(named: name) }) else {
            throw .notFound(kind: .organization, reference: name)
        }
        return organization
    }

    public func organizations(of userID: UserID) throws(GatehouseError) -> [Organization] {
        try read { reader in
            try reader.organizationIDs(ofUser: userID).compactMap { try reader.organization($0) }.sorted { $0.name < $1.name }
        }
    }

    static let demoAdministratorSetting = "demo-administrator"

    /// Marks a freshly seeded directory as a demo copy, naming its administrator. In a demo
    /// directory anyone may act as any user (PRODUCT.md), so presenters can script against it.
    public func markAsDemo(administratorLogin: String) throws(GatehouseError) {
        try write { try $0.setSetting(Self.demoAdministratorSetting, to: administratorLogin) }
    }

    /// The demo administrator's login when this is a demo directory, else nil.
    public func demoAdministrator() throws(GatehouseError) -> String? {
        try read { try $0.setting(Self.demoAdministratorSetting) }
    }

    /// Maps a login to the acting user. `asLogin` lets someone who may manage users act as another
    /// user (audited as "X as Y"); `anyoneMayImpersonate` is for the demo.
    public func resolveActor(login: String, asLogin: String? = nil, anyoneMayImpersonate: Bool = false) throws(GatehouseError) -> Actor {
        try read { reader in
            guard let user = try reader.user(login: login) else {
                throw GatehouseError.notAllowed("The login \u{201C}\(login)\u{201D} has no account in this directory. Ask an administrator to add it (gatehouse users add --login \(login) …), or choose another database with --db.")
            }
            guard user.isActive else {
                throw GatehouseError.notAllowed("The account \(user.loginName) is disabled. Ask an administrator to enable it.")
            }
            guard let asLogin, asLogin.lowercased() != user.loginName.lowercased() else { return Actor(user: user) }
            guard let target = try reader.user(login: asLogin) else {
                throw GatehouseError.notFound(kind: .user, reference: asLogin)
            }
            guard target.isActive else {
                throw GatehouseError.notAllowed("The account \(target.loginName) is disabled; you cannot act as it.")
            }
            if !anyoneMayImpersonate {
                try requireInAny(.manageUsers, of: reader.organizationIDs(ofUser: user.id), actor: user, to: "act as another user", reader)
            }
            return Actor(user: target, impersonator: user)
        }
    }
}
