import ArgumentParser
import Foundation
import GatehouseConsole
import GatehouseDomain
import TerminalKit

/// Options of the full-screen console.
struct TerminalFlags: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Monochrome: bold, underline and reverse only (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "Report mouse clicks and the wheel (this disables the terminal's own text selection).")
    var mouse = false

    var options: TerminalOptions { TerminalOptions(noColor: noColor, mouse: mouse) }
}

/// `gatehouse` / `gatehouse console`: the console on the directory database.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the console on the directory database (the default command).",
        discussion: "The acting user is your OS login. With no --db and no $GATEHOUSE_DB, the first run creates a directory at the default location with you as its first administrator; elsewhere, create one with `gatehouse init --db PATH`.")

    @OptionGroup var directory: DirectoryOptions
    @OptionGroup var terminal: TerminalFlags

    @MainActor
    func run() async throws {
        try await ConsoleLauncher.launch(terminal: terminal.options) { output throws(GatehouseError) in
            let context = try DirectoryContext.open(directory, output: output, creation: .atDefaultLocation)
            return (context.service, context.actor)
        }
    }
}

/// The steps `console` and `demo` share: refuse early without a terminal, open the directory,
/// run the console, and map every failure to its message and exit status.
enum ConsoleLauncher {
    @MainActor
    static func launch(terminal options: TerminalOptions, endReason: (AccessService, Actor) -> String? = { _, _ in nil },
                       open: (CommandOutput) throws(GatehouseError) -> (AccessService, Actor)) async throws {
        let output = CommandOutput.process
        do {
            try NcursesBackend.preflight(options: options)
        } catch {
            error.report(programName: "gatehouse")
            throw ExitCode(error.exitStatus)
        }
        let opened: (AccessService, Actor)
        do {
            opened = try open(output)
        } catch {
            output.error(error.description)
            throw ExitStatus(error.category).exitCode
        }
        do {
            if let reason = try await ConsoleApp.run(service: opened.0, actor: opened.1, options: options, endReason: { endReason(opened.0, opened.1) }) {
                output.error("the session ended. \(reason)")
                throw ExitStatus.permissionDenied.exitCode
            }
        } catch let error as TerminalError {
            error.report(programName: "gatehouse")
            throw ExitCode(error.exitStatus)
        }
    }
}
