import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse users keys …`: a user's registered SSH public keys.
struct UsersKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List, add and remove an account's SSH public keys.",
        subcommands: [List.self, Add.self, Remove.self])

    struct List: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List an account's SSH keys with their SHA256 fingerprints.")

        @Argument(help: "The account's login.") var login: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let user = try invocation.user(login)
            let keys = try invocation.service.sshKeys(of: user.id, by: invocation.actor)
            if invocation.json {
                invocation.print(.array(keys.map(JSONShapes.sshKey)))
                return
            }
            var table = TextTable([.fixed("TYPE"), .fixed("FINGERPRINT"), .flexible("COMMENT", minimum: 7)])
            for key in keys {
                table.append(["\(key.key.displayType) \(key.key.bitLength)", key.fingerprint, key.key.comment])
            }
            invocation.print(table, empty: "\(user.loginName) has no SSH keys.")
        }
    }

    struct Add: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register a public key (one OpenSSH line) to an account.",
            discussion: "Reads the key from --file, or from stdin: gatehouse users keys add alice < ~/.ssh/id_ed25519.pub")

        @Argument(help: "The account's login.") var login: String
        @Option(help: ArgumentHelp("A .pub file holding the key (\"-\" or absent: stdin).", valueName: "path"), completion: .file(extensions: ["pub"]))
        var file: String?
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let user = try invocation.user(login)
            let line = try invocation.environment.readDocument(path: file, what: "public key line")
            let key = try invocation.service.addSSHKey(line, to: user.id, by: invocation.actor)
            if invocation.json {
                invocation.print(JSONShapes.sshKey(key))
            } else {
                invocation.output.line("Added \(key.key.displayType) key \(key.fingerprint) to \(user.loginName) (id \(HumanText.shortID(key.id))).")
            }
        }
    }

    struct Remove: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove one of an account's SSH keys, by id (prefix) or fingerprint.")

        @Argument(help: "The account's login.") var login: String
        @Argument(help: "The key's id or id prefix (from `users keys list`), or its SHA256:… fingerprint.") var key: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let user = try invocation.user(login)
            let reference = key.trimmingCharacters(in: .whitespaces)
            let keys = try invocation.service.sshKeys(of: user.id, by: invocation.actor)
            let matches = keys.filter { $0.fingerprint == reference || $0.id.description.hasPrefix(reference.lowercased()) }
            guard !reference.isEmpty, let match = matches.first else {
                throw .notFound(kind: .sshKey, reference: reference)
            }
            guard matches.count == 1 else {
                throw .invalidInput(field: "SSH key", problem: "\u{201C}\(reference)\u{201D} matches \(matches.count) of \(user.loginName)'s keys; type more of the id, or give the fingerprint.")
            }
            try invocation.service.removeSSHKey(match.id, by: invocation.actor)
            if invocation.json {
                invocation.print(.object(["removed": .bool(true), "key": JSONShapes.sshKey(match)]))
            } else {
                invocation.output.line("Removed \(match.fingerprint) from \(user.loginName).")
            }
        }
    }
}
