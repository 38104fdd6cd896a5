import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse`: the console by default; subcommands for the demo and for scripting.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct GatehouseCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Administer users, security groups and personal access tokens.",
        discussion: """
            With no subcommand, opens the console on the directory database. `gatehouse demo` opens a fresh \
            copy of a seeded demo organization. Exit statuses: 0 success, 1 failure, 2 no usable terminal, \
            3 invalid or refused by policy, 4 not found, 5 conflict, 6 permission denied, 7 token does not verify, \
            64 usage error.
            """,
        subcommands: [ConsoleCommand.self, DemoCommand.self, DevCommand.self, UsersCommand.self, GroupsCommand.self, TokensCommand.self, AuditCommand.self, PolicyCommand.self, OrganizationsCommand.self, ServeCommand.self],
        defaultSubcommand: ConsoleCommand.self)

    public init() {}

    /// Runs a command body, turning a `GatehouseError` into its message and exit status.
    static func run(_ output: CommandOutput = .process, _ body: () throws(GatehouseError) -> Void) throws {
        do {
            try body()
        } catch {
            output.error(error.description)
            throw ExitStatus(error.category).exitCode
        }
    }
}
