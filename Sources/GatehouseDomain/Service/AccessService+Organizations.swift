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
            let authorization = try authorize(actor, writer)
            let acting = authorization.user
            let isCollectionAdmin = try authorization.memberships.contains { organization in
                guard let administrators = try defaultGroup(.projectCollectionAdministrators, in: organization, writer) else { return false }
                return authorization.reaches(administrators.id, in: organization)
            }
            guard isCollectionAdmin else {
                throw GatehouseError.notAllowed("Only members of Project Collection Administrators may create organizations.")
            }
            guard try writer.organization(named: name) == nil else {
                throw GatehouseError.alreadyExists(kind: .organization, name: name)
            }
            if let lookalike = try writer.organizations().first(where: { ConfusableText.areConfusable($0.name, name) }) {
                throw GatehouseError.invalidInput(field: "Organization name", problem: "\u{201C}\(name)\u{201D} is too easily mistaken for the existing organization \u{201C}\(lookalike.name)\u{201D}; choose a name that looks different.")
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

    /// The organizations the actor belongs to: the others are not its to see.
    public func organizations(by actor: Actor) throws(GatehouseError) -> [Organization] {
        try read { reader in
            let readable = try authorize(actor, reader).readableOrganizations
            return try reader.organizations().filter { readable.contains($0.id) }
        }
    }

    /// How many organizations the directory holds, so a front end can say "all organizations" only when it is true.
    public func organizationCount() throws(GatehouseError) -> Int {
        try read { try $0.organizations().count }
    }

    public func organization(named name: String, by actor: Actor) throws(GatehouseError) -> Organization {
        try read { reader in
            let readable = try authorize(actor, reader).readableOrganizations
            guard let organization = try reader.organization(named: name), readable.contains(organization.id) else {
                throw GatehouseError.notFound(kind: .organization, reference: name)
            }
            return organization
        }
    }

    /// The organizations of a user that the actor may read.
    public func organizations(of userID: UserID, by actor: Actor) throws(GatehouseError) -> [Organization] {
        try read { reader in
            let authorization = try authorize(actor, reader)
            _ = try visibleUser(userID, authorization, reader)
            return try reader.organizationIDs(ofUser: userID).filter { authorization.readableOrganizations.contains($0) }
                .compactMap { try reader.organization($0) }.sorted { $0.name < $1.name }
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

    /// Maps a login to the acting user. `asLogin` acts as another user: it needs Manage users in
    /// every organization that user belongs to, and never gives more than one's own rights (audited
    /// as "X as Y"). `anyoneMayImpersonate` is for a presenter in a demo copy only.
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
            let isDemo = try reader.setting(Self.demoAdministratorSetting) != nil
            let presenter = anyoneMayImpersonate && isDemo
            let actor = Actor(user: target, impersonator: user, credential: nil, isDemoPresenter: presenter)
            _ = try authorize(actor, reader)
            return actor
        }
    }
}
