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
            8 database unreachable, \
            64 usage error.
            """,
        subcommands: [ConsoleCommand.self, InitCommand.self, DemoCommand.self, DevCommand.self, UsersCommand.self, GroupsCommand.self, TokensCommand.self, AuditCommand.self, PolicyCommand.self, OrganizationsCommand.self, SSHCommand.self, ServeCommand.self, DbCommand.self],
        defaultSubcommand: ConsoleCommand.self)

    public init() {}

    /// The process's entry point: `main()` as swift-argument-parser writes it, except that every
    /// message it prints (its own "Unexpected argument 'gpat_…'" included) passes `message(for:)`,
    /// so a secret typed as an argument is never echoed on stderr.
    public static func runAsProcess(_ arguments: [String]? = nil) async -> Never {
        let typed = arguments ?? Array(CommandLine.arguments.dropFirst())
        let console = ConsoleFastPath.command(for: typed)
        let (reordered, moved) = console == nil ? LeadingOptions.reorder(typed, root: GatehouseCommand.self) : (typed, [])
        do {
            if let console {
                try await console.run()
                Foundation.exit(0)
            }
            var command = try parseAsRoot(reordered)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error).rawValue
            var text = message(for: error)
            if code != 0, let hint = LeadingOptions.hint(for: text, moved: moved) { text += "\n" + hint }
            if !text.isEmpty {
                let handle = code == 0 ? FileHandle.standardOutput : FileHandle.standardError
                handle.write(Data((text + "\n").utf8))
            }
            Foundation.exit(code)
        }
    }

    /// Parses a command line as the process does: options typed before the subcommand
    /// (`gatehouse --db X tokens list`) are moved after it first.
    public static func parseCommandLine(_ arguments: [String]) throws -> any ParsableCommand {
        try ConsoleFastPath.command(for: arguments) ?? parseAsRoot(LeadingOptions.reorder(arguments, root: GatehouseCommand.self).arguments)
    }

    /// What the parser would print for `error`, with anything shaped like a token secret redacted.
    public static func message(for error: any Error) -> String {
        SecretRedaction.redacted(fullMessage(for: error))
    }

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
