import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse users …`: accounts (people, service accounts, principals, agents, apps).
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "List, show, add, edit, disable, enable and delete accounts, and manage their SSH keys.",
        subcommands: [List.self, Show.self, Add.self, Edit.self, Disable.self, Enable.self, Delete.self, JoinOrganization.self, UsersKeysCommand.self])

    static func row(_ user: User) -> [String] {
        [user.loginName, user.displayName, user.kind.title, user.identitySource.shortTitle, user.accessLevel.title, user.status.title, user.email]
    }

    static func table() -> TextTable {
        TextTable([.flexible("LOGIN"), .flexible("NAME"), .flexible("KIND"), .fixed("SOURCE"), .flexible("ACCESS", minimum: 6), .fixed("STATUS"), .flexible("EMAIL")])
    }

    static func report(_ user: User, _ verb: String, _ invocation: Invocation) {
        if invocation.json {
            invocation.print(JSONShapes.user(user))
        } else {
            invocation.output.line("\(verb) \(user.loginName) (\(user.displayName)).")
        }
    }

    struct List: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List accounts.",
            discussion: "Without filters, every account, sorted by display name.")

        @Option(help: "Only accounts whose name, login or email contains this text.") var search: String?
        @Option(help: "Only this kind (repeatable).") var kind: [AccountKind] = []
        @Option(help: "Only this status (repeatable).") var status: [AccountStatus] = []
        @Option(help: ArgumentHelp("Only this identity source (repeatable).", valueName: "source")) var source: [IdentitySource] = []
        @Option(help: ArgumentHelp("Only members of this organization.", valueName: "name")) var org: String?
        @Option(help: "Sort by display-name, login or created.") var sort: SortKey = .displayName
        @Option(parsing: .unconditional, help: "At most this many accounts (1 to 1000000).", transform: CountArgument.limit) var limit: Int?
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        enum SortKey: String, ExpressibleByArgument, CaseIterable {
            case displayName = "display-name", login, created
        }

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            var query = UserQuery(search: search.map { TextSearch($0) }, kinds: Set(kind), statuses: Set(status), identitySources: Set(source))
            query.sort = switch sort {
            case .displayName: .displayName
            case .login: .loginName
            case .created: .createdAt
            }
            if let org { query.organizationID = try invocation.organization(org).id }
            try invocation.printList(limit: limit, empty: "No accounts match.", table: UsersCommand.table(), row: UsersCommand.row, json: JSONShapes.user) {
                page throws(GatehouseError) in try invocation.service.users(query, page: page, by: invocation.actor)
            }
        }
    }

    struct Show: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show an account: organizations, groups, SSH keys and effective permissions with the reason.")

        @Argument(help: "The account's login.") var login: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let service = invocation.service
            let user = try invocation.user(login)
            let organizations = try service.organizations(of: user.id, by: invocation.actor)
            let names = NameCache(service, actor: invocation.actor)
            let groups = try service.groups(of: user.id, by: invocation.actor)
            let keys = try service.sshKeys(of: user.id, by: invocation.actor)
            var permissions: [(Organization, PermissionDecision)] = []
            for organization in organizations {
                for decision in try service.effectivePermissions(of: user.id, in: organization.id, by: invocation.actor) {
                    permissions.append((organization, decision))
                }
            }
            if invocation.json {
                // The user's keys, plus "organizations", "groups", "sshKeys" and "effectivePermissions":
                // [{"organization", "permission", "allowed", "reason"}].
                guard case var .object(object) = JSONShapes.user(user) else { return }
                object["organizations"] = .array(organizations.map(JSONShapes.organization))
                object["groups"] = .array(groups.map { JSONShapes.group($0, organizationName: names.organizationName($0.organizationID)) })
                object["sshKeys"] = .array(keys.map(JSONShapes.sshKey))
                object["effectivePermissions"] = .array(permissions.map { organization, decision in
                    .object(["organization": .string(organization.name), "permission": .string(decision.permission.rawValue),
                             "allowed": .bool(decision.isAllowed), "reason": .string(decision.reasonText)])
                })
                invocation.print(.object(object))
                return
            }
            var fields = FieldList()
            fields.add("Login", user.loginName)
            fields.add("Name", user.displayName)
            fields.add("Email", user.email.isEmpty ? "-" : user.email)
            fields.add("Kind", user.kind.title)
            fields.add("Identity source", user.identitySource.title)
            fields.add("Access level", user.accessLevel.title)
            fields.add("Status", user.status.title)
            fields.add("Created", TextFormat.dateTime(user.createdAt))
            fields.add("ID", user.id.description)
            fields.add("Organizations", organizations.isEmpty ? "none" : organizations.map(\.name).joined(separator: ", "))
            fields.add("Groups", groups.isEmpty ? "none" : groups.map { "\(names.organizationName($0.organizationID) ?? "?")/\($0.name)" }.joined(separator: ", "))
            invocation.print(fields)
            invocation.output.line("")
            invocation.output.line("SSH keys")
            var keyTable = TextTable([.fixed("TYPE"), .fixed("FINGERPRINT"), .flexible("COMMENT", minimum: 7)])
            for key in keys {
                keyTable.append(["\(key.key.displayType) \(key.key.bitLength)", key.fingerprint, key.key.comment])
            }
            if keyTable.isEmpty { invocation.output.line("  none") } else { invocation.print(keyTable, empty: "") }
            invocation.output.line("")
            invocation.output.line("Effective permissions")
            var permissionTable = TextTable([.fixed("ORGANIZATION"), .fixed("PERMISSION"), .fixed("ALLOWED"), .flexible("WHY", minimum: 20)])
            for (organization, decision) in permissions {
                permissionTable.append([organization.name, decision.permission.title, decision.isAllowed ? "yes" : "no", decision.reasonText])
            }
            if permissionTable.isEmpty { invocation.output.line("  none (the account belongs to no organization)") } else { invocation.print(permissionTable, empty: "") }
        }
    }

    struct Add: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an account to one or more organizations.",
            discussion: "Example: gatehouse users add --login build-agent-07 --name \"Build agent 07\" --kind job-agent --org Fabrikam")

        @Option(help: "The login (maps an OS/SSH login to the account).") var login: String
        @Option(help: "Display name (default: the login).") var name: String?
        @Option(help: "Email or UPN (may be empty for service accounts).") var email: String = ""
        @Option(help: "user, service-account, service-principal, job-agent or third-party-app.") var kind: AccountKind = .user
        @Option(help: ArgumentHelp("entra-id, microsoft-account, active-directory or local.", valueName: "source")) var source: IdentitySource = .local
        @Option(help: "stakeholder, basic or basic-test-plans.") var access: AccessLevel = .basic
        @Option(help: ArgumentHelp("Organization to join (repeatable; default: the only one).", valueName: "name")) var org: [String] = []
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            var organizations: [OrganizationID] = []
            if org.isEmpty {
                organizations = [try invocation.organization(nil).id]
            } else {
                for name in org { organizations.append(try invocation.organization(name).id) }
            }
            let draft = UserDraft(displayName: name ?? login, loginName: login, email: email, kind: kind, identitySource: source, accessLevel: access)
            let user = try invocation.service.createUser(draft, in: organizations, by: invocation.actor)
            UsersCommand.report(user, "Added", invocation)
        }
    }

    struct Edit: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Change an account's name, login, email, kind, source or access level.")

        @Argument(help: "The account's login.") var login: String
        @Option(help: "New display name.") var name: String?
        @Option(name: .customLong("new-login"), help: "New login.") var newLogin: String?
        @Option(help: "New email (\"\" to clear).") var email: String?
        @Option(help: "New kind.") var kind: AccountKind?
        @Option(help: ArgumentHelp("New identity source.", valueName: "source")) var source: IdentitySource?
        @Option(help: "New access level.") var access: AccessLevel?
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func validate() throws {
            guard name != nil || newLogin != nil || email != nil || kind != nil || source != nil || access != nil else {
                throw ValidationError("Nothing to change: give at least one of --name, --new-login, --email, --kind, --source, --access.")
            }
        }

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let user = try invocation.user(login)
            var draft = UserDraft(user)
            if let name { draft.displayName = name }
            if let newLogin { draft.loginName = newLogin }
            if let email { draft.email = email }
            if let kind { draft.kind = kind }
            if let source { draft.identitySource = source }
            if let access { draft.accessLevel = access }
            let updated = try invocation.service.updateUser(user.id, to: draft, expectedVersion: user.version, by: invocation.actor)
            UsersCommand.report(updated, "Updated", invocation)
        }
    }

    struct Disable: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable",
            abstract: "Disable an account: it can no longer act, and none of its tokens verify.",
            discussion: "Its tokens stay as they are (enable the account and they work again); to revoke them, run `gatehouse tokens revoke --filter --owner LOGIN`.")

        @Argument(help: "The account's login.") var login: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let current = try invocation.user(login)
            let user = try invocation.service.setStatus(.disabled, ofUser: current.id, by: invocation.actor)
            UsersCommand.report(user, current.status == .disabled ? "Already disabled, nothing changed:" : "Disabled", invocation)
        }
    }

    struct Enable: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled account.")

        @Argument(help: "The account's login.") var login: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let current = try invocation.user(login)
            let user = try invocation.service.setStatus(.active, ofUser: current.id, by: invocation.actor)
            UsersCommand.report(user, current.status == .active ? "Already enabled, nothing changed:" : "Enabled", invocation)
        }
    }

    struct Delete: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete an account with its tokens, SSH keys and memberships.",
            discussion: "The audit log keeps its history. To keep the tokens' records, disable the account instead.")

        @Argument(help: "The account's login.") var login: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let user = try invocation.user(login)
            try invocation.service.deleteUser(user.id, by: invocation.actor)
            if invocation.json {
                invocation.print(.object(["deleted": .bool(true), "user": JSONShapes.user(user)]))
            } else {
                invocation.output.line("Deleted \(user.loginName) (\(user.displayName)).")
            }
        }
    }

    struct JoinOrganization: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "join-org",
            abstract: "Add an existing account to another organization (and its Project Collection Valid Users).")

        @Argument(help: "The account's login.") var login: String
        @Option(help: ArgumentHelp("The organization to join.", valueName: "name")) var org: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let user = try invocation.user(login)
            let organization = try invocation.organization(org)
            try invocation.service.addUser(user.id, toOrganization: organization.id, by: invocation.actor)
            if invocation.json {
                invocation.print(.object(["user": JSONShapes.user(user), "organization": JSONShapes.organization(organization)]))
            } else {
                invocation.output.line("Added \(user.loginName) to \(organization.name).")
            }
        }
    }
}
