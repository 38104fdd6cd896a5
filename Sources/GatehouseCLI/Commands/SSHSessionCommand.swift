import ArgumentParser
import Foundation
import GatehouseDomain
import TerminalKit

/// `gatehouse ssh session --db PATH --key SHA256:…`: the forced command `ssh authorized-keys`
/// prints. Without SSH_ORIGINAL_COMMAND, the console; with one, that scripting command, run
/// in-process (no shell), acting as the key's owner on that database.
struct SSHSessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "The forced command of an SSH login: the console, or the command the client sent, as the key's owner.",
        discussion: """
            sshd runs this for a key `gatehouse ssh authorized-keys` accepted; you do not run it yourself. \
            `ssh -t gatehouse@host` opens the console; `ssh gatehouse@host tokens list --json` runs one command. \
            --as, --db, file options and the console/demo/dev/ssh commands are refused in the sent command.
            """,
        shouldDisplay: false)

    @Option(help: ArgumentHelp("The key's SHA256 fingerprint, as `ssh authorized-keys` printed it.", valueName: "fingerprint"))
    var key: String
    @Option(help: ArgumentHelp("The directory database: an absolute path, or postgresql://user@host:port/db.", valueName: "path|url"))
    var db: String

    @MainActor
    func run() async throws {
        var environment = CLIEnvironment.current
        environment.sshSession = SSHSessionIdentity(fingerprint: key, databasePath: db)
        let sent = ProcessInfo.processInfo.environment["SSH_ORIGINAL_COMMAND"] ?? ""
        if sent.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try await openConsole(environment)
        } else {
            try await Self.runSent(sent, environment)
        }
    }

    @MainActor
    private func openConsole(_ environment: CLIEnvironment) async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            environment.output.error("this SSH session has no terminal, so the console cannot open: use ssh -t (ssh -t gatehouse@host), or send a command (ssh gatehouse@host tokens list).")
            throw ExitStatus.terminalUnusable.exitCode
        }
        // sshd passes no locale unless the client sends one; the console draws UTF-8 box characters.
        let locale = ProcessInfo.processInfo.environment
        if (locale["LC_ALL"] ?? locale["LC_CTYPE"] ?? locale["LANG"] ?? "").isEmpty { setenv("LC_CTYPE", "C.UTF-8", 1) }
        guard let identity = environment.sshSession else { return }
        try await ConsoleLauncher.launch(terminal: TerminalOptions(), endReason: { service, actor in service.sshSessionEndReason(actor) }) { _ throws(GatehouseError) in
            let context = try identity.open()
            return (context.service, context.actor)
        }
    }

    /// Runs the command the client sent as the session's owner: split like a shell would (no shell
    /// runs), checked against `SSHCommandPolicy`, parsed and run in-process with `environment`
    /// (which carries the session identity). Errors print as `main` prints them; throws the exit status.
    static func runSent(_ sent: String, _ environment: CLIEnvironment) async throws {
        let words: [String]
        do {
            words = try ShellWords.split(sent)
        } catch {
            environment.output.error("cannot read the command sent over SSH: \(error.message)")
            throw ExitStatus.usage.exitCode
        }
        if let refusal = SSHCommandPolicy.refusal(words) {
            environment.output.error(refusal)
            throw ExitStatus.permissionDenied.exitCode
        }
        do {
            var command = try GatehouseCommand.parseAsRoot(words)
            try await CLIEnvironment.$current.withValue(environment) {
                if var asynchronous = command as? any AsyncParsableCommand {
                    try await asynchronous.run()
                } else {
                    try command.run()
                }
            }
        } catch {
            // What `main` does with an error: the message (help to stdout), then the status.
            let code = GatehouseCommand.exitCode(for: error)
            let message = GatehouseCommand.fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { environment.output.line(message) } else { environment.output.note(message) }
            }
            if code != .success { throw code }
        }
    }
}
