import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse groups …`: security groups, their members and permissions.
struct GroupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "List, show, create, edit and delete security groups; change members and permissions.",
        discussion: "A group is named ORG/NAME (\"Fabrikam/Contributors\"), or NAME with --org, or NAME alone when only one organization has it.",
        subcommands: [List.self, Show.self, Create.self, Edit.self, Delete.self, AddMember.self, RemoveMember.self, SetPermission.self])

    /// The group's JSON with "members" and "permissions" ({"manage-users": "allow" | "deny" | "not-set", …}).
    static func detail(_ group: SecurityGroup, _ invocation: Invocation) throws(GatehouseError) -> JSONValue {
        let names = NameCache(invocation.service, actor: invocation.actor)
        let members = try invocation.service.members(of: group.id, by: invocation.actor)
        let settings = try invocation.service.permissionSettings(of: group.id, by: invocation.actor)
        guard case var .object(object) = JSONShapes.group(group, organizationName: names.organizationName(group.organizationID)) else { return .null }
        object["members"] = .array(members.map(JSONShapes.member))
        object["permissions"] = .object(Dictionary(uniqueKeysWithValues: Permission.allCases.map { ($0.rawValue, JSONValue.string((settings[$0] ?? .notSet).rawValue)) }))
        return .object(object)
    }

    struct GroupOptions: ParsableArguments {
        @Argument(help: "The group: ORG/NAME, or NAME.") var group: String
        @Option(help: ArgumentHelp("The group's organization.", valueName: "name")) var org: String?
    }

    struct List: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List security groups.")

        @Option(help: "Only groups whose name contains this text.") var search: String?
        @Option(help: ArgumentHelp("Only groups of this organization.", valueName: "name")) var org: String?
        @Option(parsing: .unconditional, help: "At most this many groups (1 to 1000000).", transform: CountArgument.limit) var limit: Int?
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            var query = GroupQuery(search: search.map { TextSearch($0) })
            if let org { query.organizationID = try invocation.organization(org).id }
            let groups = try invocation.collect(limit: limit) { page throws(GatehouseError) in
                try invocation.service.groupsWithMemberCounts(query, page: page, by: invocation.actor)
            }
            let names = NameCache(invocation.service, actor: invocation.actor)
            if invocation.json {
                invocation.print(.array(groups.map { JSONShapes.group($0.group, organizationName: names.organizationName($0.group.organizationID)) }))
                return
            }
            var table = TextTable([.fixed("ORGANIZATION"), .flexible("NAME", minimum: 12), .fixed("TYPE"), .fixed("MEMBERS", alignRight: true), .flexible("DESCRIPTION")])
            for counted in groups {
                let group = counted.group
                table.append([names.organizationName(group.organizationID) ?? "?", group.name, group.isDefault ? "default" : "custom", String(counted.memberCount), group.description])
            }
            invocation.print(table, empty: "No groups match.")
        }
    }

    struct Show: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a group: description, members and permission settings.")

        @OptionGroup var target: GroupOptions
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let group = try invocation.group(target.group, organization: target.org)
            if invocation.json {
                invocation.print(try GroupsCommand.detail(group, invocation))
                return
            }
            let names = NameCache(invocation.service, actor: invocation.actor)
            var fields = FieldList()
            fields.add("Name", group.name)
            fields.add("Organization", names.organizationName(group.organizationID) ?? "?")
            fields.add("Type", group.isDefault ? "default (cannot be renamed or deleted)" : "custom")
            fields.add("Description", group.description.isEmpty ? "-" : group.description)
            fields.add("Created", TextFormat.dateTime(group.createdAt))
            fields.add("ID", group.id.description)
            invocation.print(fields)
            invocation.output.line("")
            invocation.output.line("Members")
            var members = TextTable([.fixed("TYPE"), .flexible("NAME"), .fixed("LOGIN")])
            for member in try invocation.service.members(of: group.id, by: invocation.actor) {
                switch member {
                case let .user(user): members.append(["user", user.displayName, user.loginName])
                case let .group(child): members.append(["group", child.name, ""])
                }
            }
            if members.isEmpty { invocation.output.line("  none") } else { invocation.print(members, empty: "") }
            invocation.output.line("")
            invocation.output.line("Permissions")
            let settings = try invocation.service.permissionSettings(of: group.id, by: invocation.actor)
            var permissions = TextTable([.fixed("PERMISSION"), .fixed("SETTING"), .flexible("MEANING", minimum: 20)])
            for permission in Permission.allCases {
                permissions.append([permission.title, (settings[permission] ?? .notSet).title, permission.summary])
            }
            invocation.print(permissions, empty: "")
        }
    }

    struct Create: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a custom group in an organization.")

        @Argument(help: "The new group's name.") var name: String
        @Option(help: ArgumentHelp("The organization (default: the only one).", valueName: "name")) var org: String?
        @Option(help: "What the group is for.") var description: String = ""
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let organization = try invocation.organization(org)
            let group = try invocation.service.createGroup(named: name, description: description, in: organization.id, by: invocation.actor)
            if invocation.json {
                invocation.print(JSONShapes.group(group, organizationName: organization.name))
            } else {
                invocation.output.line("Created \(organization.name)/\(group.name).")
            }
        }
    }

    struct Edit: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Rename a custom group or change any group's description.")

        @OptionGroup var target: GroupOptions
        @Option(help: "New name (custom groups only).") var name: String?
        @Option(help: "New description (\"\" to clear).") var description: String?
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func validate() throws {
            guard name != nil || description != nil else { throw ValidationError("Nothing to change: give --name or --description.") }
        }

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let group = try invocation.group(target.group, organization: target.org)
            let updated = try invocation.service.updateGroup(group.id, name: name ?? group.name, description: description ?? group.description,
                                                             expectedVersion: group.version, by: invocation.actor)
            if invocation.json {
                invocation.print(JSONShapes.group(updated, organizationName: NameCache(invocation.service, actor: invocation.actor).organizationName(updated.organizationID)))
            } else {
                invocation.output.line("Updated \(updated.name).")
            }
        }
    }

    struct Delete: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a custom group with its memberships, permission settings and policy exemptions.")

        @OptionGroup var target: GroupOptions
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let group = try invocation.group(target.group, organization: target.org)
            let organizationName = NameCache(invocation.service, actor: invocation.actor).organizationName(group.organizationID)
            try invocation.service.deleteGroup(group.id, by: invocation.actor)
            if invocation.json {
                invocation.print(.object(["deleted": .bool(true), "group": JSONShapes.group(group, organizationName: organizationName)]))
            } else {
                invocation.output.line("Deleted \(organizationName ?? "?")/\(group.name).")
            }
        }
    }

    /// `--user LOGIN` or `--group NAME` (a group of the same organization).
    struct MemberOptions: ParsableArguments {
        @Option(help: ArgumentHelp("A user, by login.", valueName: "login")) var user: String?
        @Option(name: .customLong("group"), help: ArgumentHelp("A group of the same organization, by name.", valueName: "name")) var memberGroup: String?

        func validate() throws {
            guard (user == nil) != (memberGroup == nil) else {
                throw ValidationError("Give exactly one member: --user LOGIN or --group NAME.")
            }
        }

        func resolve(in group: SecurityGroup, _ invocation: Invocation) throws(GatehouseError) -> (GroupMember, String) {
            if let user {
                let found = try invocation.user(user)
                return (.user(found.id), found.loginName)
            }
            let child = try invocation.service.group(named: (memberGroup ?? "").trimmingCharacters(in: .whitespaces), in: group.organizationID, by: invocation.actor)
            return (.group(child.id), child.name)
        }
    }

    struct AddMember: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-member",
            abstract: "Add a user or a nested group to a group (cycles are refused).",
            discussion: "Examples: gatehouse groups add-member Fabrikam/Contributors --user alice\n          gatehouse groups add-member Readers --org Fabrikam --group \"Release Managers\"")

        @OptionGroup var target: GroupOptions
        @OptionGroup var member: MemberOptions
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            try GroupsCommand.changeMembership(target, member, invocation) { member, group throws(GatehouseError) in
                try invocation.service.addMember(member.value, to: group.id, by: invocation.actor)
                return "Added \(member.name) to \(group.name)."
            }
        }
    }

    /// Add-member and remove-member: resolve the group and the member, make the change, then
    /// print the group (JSON) or the sentence `change` returns.
    static func changeMembership(
        _ target: GroupOptions, _ member: MemberOptions, _ invocation: Invocation,
        _ change: ((value: GroupMember, name: String), SecurityGroup) throws(GatehouseError) -> String
    ) throws(GatehouseError) {
        let group = try invocation.group(target.group, organization: target.org)
        let (resolved, name) = try member.resolve(in: group, invocation)
        let sentence = try change((resolved, name), group)
        if invocation.json {
            invocation.print(try detail(group, invocation))
        } else {
            invocation.output.line(sentence)
        }
    }

    struct RemoveMember: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "remove-member", abstract: "Remove a direct member (user or group) from a group.")

        @OptionGroup var target: GroupOptions
        @OptionGroup var member: MemberOptions
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            try GroupsCommand.changeMembership(target, member, invocation) { member, group throws(GatehouseError) in
                try invocation.service.removeMember(member.value, from: group.id, by: invocation.actor)
                return "Removed \(member.name) from \(group.name)."
            }
        }
    }

    struct SetPermission: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-permission",
            abstract: "Set one permission of a group to allow, deny or not-set.",
            discussion: """
                Permissions: \(Permission.allCases.map(\.rawValue).joined(separator: ", ")).
                Deny anywhere wins, else Allow anywhere, else denied. Example:
                  gatehouse groups set-permission Fabrikam/Readers view-audit-log allow
                """)

        @OptionGroup var target: GroupOptions
        @Argument(help: "The permission.") var permission: Permission
        @Argument(help: "allow, deny or not-set.") var setting: PermissionSetting
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let group = try invocation.group(target.group, organization: target.org)
            try invocation.service.setPermission(permission, to: setting, for: group.id, by: invocation.actor)
            if invocation.json {
                invocation.print(try GroupsCommand.detail(group, invocation))
            } else {
                invocation.output.line("\(group.name): \(permission.title) is now \(setting.title).")
            }
        }
    }
}
