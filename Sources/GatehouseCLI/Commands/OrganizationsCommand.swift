import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse orgs …`: the organizations of this deployment.
struct OrganizationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orgs",
        abstract: "List and create organizations.",
        subcommands: [List.self, Create.self])

    struct List: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List organizations with their member counts.")

        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let organizations = try invocation.service.organizations(by: invocation.actor)
            if invocation.json {
                invocation.print(.array(organizations.map(JSONShapes.organization)))
                return
            }
            var table = TextTable([.flexible("NAME", minimum: 12), .fixed("MEMBERS", alignRight: true), .fixed("CREATED")])
            for organization in organizations {
                let members = try invocation.service.count(UserQuery(organizationID: organization.id), by: invocation.actor)
                table.append([organization.name, String(members), TextFormat.date(organization.createdAt)])
            }
            invocation.print(table, empty: "No organizations.")
        }
    }

    struct Create: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create an organization with its default groups and policies (Project Collection Administrators only).",
            discussion: "You become its first Project Collection Administrator.")

        @Argument(help: "The new organization's name.") var name: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let organization = try invocation.service.createOrganization(named: name, by: invocation.actor)
            if invocation.json {
                invocation.print(JSONShapes.organization(organization))
            } else {
                invocation.output.line("Created the organization \(organization.name).")
            }
        }
    }
}
