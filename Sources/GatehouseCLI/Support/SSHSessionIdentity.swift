import Foundation
import GatehouseDomain
import GatehousePostgres
import GatehouseStore

/// Who an SSH session acts as and on which database: fixed by sshd's forced command
/// (`gatehouse ssh session --db PATH --key SHA256:…`), bound in-process in `CLIEnvironment`.
struct SSHSessionIdentity: Sendable {
    let fingerprint: String
    let databasePath: String

    /// The directory as the key's owner. Never creates a database, never bootstraps one, never
    /// takes the OS login: the session is the key's owner or nothing. `--as` and another `--db`
    /// are refused here too (`SSHCommandPolicy` already refuses them before parsing).
    func open(asLogin: String? = nil, db: String? = nil) throws(GatehouseError) -> DirectoryContext {
        if asLogin != nil {
            throw .notAllowed(SSHCommandPolicy.identityMessage("--as"))
        }
        if let other = db, other != databasePath {
            throw .notAllowed(SSHCommandPolicy.identityMessage("--db"))
        }
        let store = try Self.openExisting(databasePath)
        let resources = try ResourceLocator.locate()
        let service = AccessService(store: store, catalog: try resources.scopeCatalog(), clock: CLIEnvironment.current.clock)
        let actor = try service.sshLogin(fingerprint: fingerprint)
        return DirectoryContext(service: service, actor: actor, store: store, resources: resources)
    }

    /// Opens a database that must already exist (sshd's commands must never create one).
    static func openExisting(_ path: String) throws(GatehouseError) -> any DirectoryStore {
        // A shared PostgreSQL directory: no file to check; the URL must name an existing directory.
        if PostgresLocation.isPostgres(path) { return try StoreOpening.open(path, mayCreate: false).store }
        guard path.hasPrefix("/") else {
            throw .invalidInput(field: "--db", problem: "\(path) is not an absolute path; sshd runs the command from another folder.")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw .notAllowed("The directory database \(path) does not exist. Create it first (gatehouse --db \(path)), then run `gatehouse ssh setup --db \(path)`.")
        }
        guard access(path, R_OK | W_OK) == 0 else {
            throw .notAllowed("The directory database \(path) is not readable and writable by this account (\(Self.accountName)). Give it to the service account: chown \(Self.accountName) \(path)")
        }
        return try SQLiteDirectoryStore(path: path)
    }

    static var accountName: String { (try? OperatingSystemLogin.current()) ?? "uid \(geteuid())" }
}

/// What a command sent over SSH (`SSH_ORIGINAL_COMMAND`) may be: one of the scripting commands,
/// with nothing that picks another identity, another database, or a file on the server.
enum SSHCommandPolicy {
    /// Subcommands a session may run. Everything else (console, demo, dev, ssh, serve, init…) is refused.
    static let allowedCommands: Set<String> = ["users", "groups", "tokens", "audit", "policy", "organizations", "help", "--help", "-h"]
    /// Options that choose who acts or which database is used.
    static let identityOptions: Set<String> = ["--as", "--db"]
    /// Options that name a file or folder on the server, which the service account could read or write.
    static let pathOptions: Set<String> = ["--file", "--keep", "--secrets-out"]

    static func identityMessage(_ option: String) -> String {
        "\(option) is refused over SSH: the session acts as the owner of the key you logged in with, on the server's own directory. Log in with another key to act as someone else."
    }

    /// The refusal for these words, or nil when they may run.
    static func refusal(_ words: [String]) -> String? {
        guard let first = words.first else { return nil }
        guard allowedCommands.contains(first) else {
            return "\u{201C}\(first)\u{201D} is not available over SSH. Run one of: \(allowedCommands.filter { !$0.hasPrefix("-") }.sorted().joined(separator: ", ")) (or nothing, with ssh -t, for the console)."
        }
        for (index, word) in words.enumerated() {
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            if identityOptions.contains(name) { return identityMessage(name) }
            if pathOptions.contains(name) {
                let value = word.contains("=") ? String(word.drop { $0 != "=" }.dropFirst()) : (index + 1 < words.count ? words[index + 1] : "")
                if name == "--file" && value == "-" { continue }
                return "\(name) is refused over SSH: it names a file on the server. Send the content on standard input instead (ssh … users keys add alice < key.pub)."
            }
        }
        return nil
    }
}
