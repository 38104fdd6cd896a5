import ArgumentParser
import Foundation
import GatehouseDomain
import GatehousePostgres
import GatehouseStore

/// `gatehouse ssh …`: logging in over SSH with the keys registered in the directory. OpenSSH's
/// sshd does the cryptography; one OS account (the service account) takes every login, and the
/// key decides who the session acts as.
struct SSHCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh",
        abstract: "Log in over SSH with the keys registered in Gatehouse (sshd's AuthorizedKeysCommand).",
        discussion: "Start with `gatehouse ssh setup`, which prints the sshd_config block and checks what sshd will insist on.",
        subcommands: [AuthorizedKeys.self, SSHSessionCommand.self, SSHSetupCommand.self])

    /// `AuthorizedKeysCommand /usr/local/bin/gatehouse ssh authorized-keys --db PATH %u %t %k`.
    struct AuthorizedKeys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "authorized-keys",
            abstract: "For sshd's AuthorizedKeysCommand (%u %t %k): print the authorized_keys line of a registered key.",
            discussion: """
                Prints one line, command="… ssh session --db PATH --key SHA256:…",restrict,pty TYPE KEY, when the key is \
                registered, its owner is active and USER is the service account; nothing otherwise (the reason goes to \
                stderr and syslog, facility authpriv). Exit status 0 in both cases; non-zero, with the reason, when misconfigured (no database, \
                no Resources).
                """)

        @Argument(help: "The user sshd is logging in (%u); must be the service account.") var user: String
        @Argument(help: ArgumentHelp("The key type sshd offers (%t).", valueName: "key-type")) var keyType: String
        @Argument(help: ArgumentHelp("The base64 key sshd offers (%k).", valueName: "key")) var key: String
        @Option(help: ArgumentHelp("The directory database: an SQLite file, or postgresql://user@host:port/db (default: $GATEHOUSE_DB, else $XDG_DATA_HOME/gatehouse/gatehouse.sqlite).", valueName: "path|url"))
        var db: String?
        @Option(name: .customLong("service-user"), help: ArgumentHelp("The OS account logins go to (default: the account this runs as, sshd's AuthorizedKeysCommandUser).", valueName: "name"))
        var serviceUser: String?

        func run() throws {
            let output = CLIEnvironment.current.output
            try GatehouseCommand.run(output) { () throws(GatehouseError) in
                do throws(GatehouseError) {
                    try lookup(output)
                } catch {
                    // sshd drops the command's stderr: without syslog a broken setup would be silent.
                    SSHLoginLog.failed(error.description)
                    throw error
                }
            }
        }

        private func lookup(_ output: CommandOutput) throws(GatehouseError) {
            let serviceAccount = if let serviceUser { serviceUser } else { try OperatingSystemLogin.current() }
            let path = SSHPaths.absolute(DatabaseLocation.resolve(explicitPath: db))
            guard user == serviceAccount else {
                return SSHLoginLog.refused("user \u{201C}\(user)\u{201D} is not the service account \(serviceAccount); only \(serviceAccount)@host logs in with Gatehouse keys", output)
            }
            let offered: SSHPublicKey
            do throws(SSHKeyError) {
                offered = try SSHPublicKey.parse("\(keyType) \(key)")
            } catch {
                return SSHLoginLog.refused("the offered \(keyType) key is not one Gatehouse accepts (\(error.description))", output)
            }
            guard offered.algorithm.rawValue == keyType else {
                return SSHLoginLog.refused("sshd said the key type is \(keyType), but the key is \(offered.algorithm.rawValue)", output)
            }
            let store = try SSHSessionIdentity.openExisting(path)
            let service = AccessService(store: store, catalog: try ResourceLocator.locate().scopeCatalog())
            let actor: Actor
            do throws(GatehouseError) {
                actor = try service.sshLogin(fingerprint: offered.fingerprint)
            } catch {
                if case .storage = error { throw error }
                if case .unavailable = error { throw error }
                if case .notFound = error {
                    return SSHLoginLog.refused("key \(offered.fingerprint) (\(offered.displayType)) is not registered to any account", output)
                }
                return SSHLoginLog.refused(error.description, output)
            }
            let command = [try SSHPaths.executable(), "ssh", "session", "--db", path, "--key", offered.fingerprint]
            output.line(try AuthorizedKeysLine.line(command: command, key: offered))
            SSHLoginLog.accepted("key \(offered.fingerprint) (\(offered.displayType)) logs in as \(actor.user.loginName)", output)
        }
    }
}

/// One `authorized_keys` line that forces a command.
enum AuthorizedKeysLine {
    /// `command="…",restrict,pty TYPE BASE64`: the words shell-quoted (sshd runs the command through
    /// the account's shell), then every `"` escaped as `\"` (the only escape sshd's option parser knows).
    static func line(command: [String], key: SSHPublicKey) throws(GatehouseError) -> String {
        for word in command where word.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalidInput(field: "Path", problem: "\u{201C}\(OutputSanitizer.inert(word))\u{201D} holds a control character (a newline?), which cannot go into an authorized_keys line; move the binary or the database to a plain path.")
        }
        let shellCommand = command.map(ShellWords.quote).joined(separator: " ")
        let escaped = shellCommand.replacingOccurrences(of: "\"", with: "\\\"")
        let typeAndData = key.openSSHLine.split(separator: " ").prefix(2).joined(separator: " ")  // no comment
        return "command=\"\(escaped)\",restrict,pty \(typeAndData)"
    }
}

/// Paths the SSH commands print into sshd's configuration: absolute, since sshd runs them from elsewhere.
enum SSHPaths {
    /// A PostgreSQL URL is already where every host finds the directory: it stays as given.
    static func absolute(_ path: String) -> String {
        if PostgresLocation.isPostgres(path) { return path }
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path).standardizedFileURL.path
    }

    /// This binary, resolved (`/proc/self/exe`), so the forced command runs the same build.
    static func executable() throws(GatehouseError) -> String {
        if let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), real.hasPrefix("/") { return real }
        let invoked = CommandLine.arguments.first ?? ""
        guard invoked.hasPrefix("/") else {
            throw .notAllowed("Cannot tell this binary's absolute path (started as \u{201C}\(invoked)\u{201D}); run it by its absolute path.")
        }
        return URL(fileURLWithPath: invoked).resolvingSymlinksInPath().path
    }
}

/// The login decision, on stderr and in syslog (authpriv): sshd does not pass the command's
/// stderr on to its own log, so syslog is where an administrator finds why a key was refused.
enum SSHLoginLog {
    static func refused(_ reason: String, _ output: CommandOutput) {
        write("refused: " + reason, priority: LOG_NOTICE, output)
    }

    static func accepted(_ message: String, _ output: CommandOutput) {
        write("accepted: " + message, priority: LOG_INFO, output)
    }

    /// A misconfiguration: to syslog only (the caller prints the error on stderr).
    static func failed(_ message: String) {
        syslog("failed: " + OutputSanitizer.inert(message), priority: LOG_ERR)
    }

    private static func write(_ message: String, priority: Int32, _ output: CommandOutput) {
        let text = OutputSanitizer.inert(message)
        output.note("gatehouse ssh authorized-keys: " + text)
        syslog(text, priority: priority)
    }

    private static func syslog(_ text: String, priority: Int32) {
        openlog("gatehouse", LOG_PID, LOG_AUTHPRIV)
        withVaList([text]) { vsyslog(priority, "ssh authorized-keys: %s", $0) }
        closelog()
    }
}
