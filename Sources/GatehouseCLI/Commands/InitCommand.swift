import ArgumentParser
import Foundation
import GatehouseDomain
import GatehousePostgres
import GatehouseStore

/// `gatehouse init [--db PATH]`: the one command (with the console's first run at the default
/// location) that creates a directory. Every other command refuses a path without one.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new, empty directory database, with your OS login as its first administrator.",
        discussion: """
            Creates the folders (0700) and the file (0600) if needed, in the organization "Default". \
            Refuses (exit 1, nothing changed) a folder, a non-empty file that is not a Gatehouse directory or \
            another program's SQLite database; exit 5 when a Gatehouse directory is already there. Example:
              gatehouse init --db /srv/gatehouse/directory.sqlite
            """)

    @Option(help: ArgumentHelp("Where to create it: an SQLite file, or postgresql://user@host:port/db (an empty database) (default: $GATEHOUSE_DB, else $XDG_DATA_HOME/gatehouse/gatehouse.sqlite).", valueName: "path|url"))
    var db: String?
    @OptionGroup var format: OutputOptions

    /// No --as: the one who runs `init` is the first administrator.
    private static var noOptions: DirectoryOptions { (try? DirectoryOptions.parse([])) ?? DirectoryOptions() }

    func run() throws {
        let environment = CLIEnvironment.current
        let output = environment.output
        let path = DatabaseLocation.resolve(explicitPath: db)
        let holdsDirectory: Bool
        do throws(GatehouseError) {
            holdsDirectory = try StoreOpening.holdsDirectory(path)
        } catch {
            output.error(error.description)
            throw ExitStatus(error.category).exitCode
        }
        if holdsDirectory {
            output.error("\(StoreOpening.display(path)) already holds a Gatehouse directory; nothing was changed. Open it with `gatehouse --db \(PostgresLocation.isPostgres(path) ? "URL" : path)`, or give another path.")
            throw ExitStatus.conflict.exitCode
        }
        try GatehouseCommand.run(output) { () throws(GatehouseError) in
            let context = try DirectoryContext.open(Self.noOptions, output: .silent, pathOverride: path, creation: .always)
            let login = context.actor.user.loginName
            if format.json {
                output.json(JSONValue.object(["created": .bool(true), "path": .string(StoreOpening.display(path)), "administrator": JSONShapes.user(context.actor.user)]).encoded())
            } else {
                output.line("Created a new directory at \(StoreOpening.display(path)) with \(login) as its first administrator.")
            }
        }
    }
}
