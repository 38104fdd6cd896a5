import ArgumentParser
import Foundation
import GatehouseDomain
import GatehouseStore

/// `gatehouse tokens verify`: what the HTTP API will do with a presented token, from a shell.
struct TokensVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Read a token on stdin and print who it authenticates and its scopes, or why not (exit 7).",
        discussion: """
            Needs no account in the directory: this is the check a service performs. Example:
              gatehouse tokens verify < token.txt
              printf '%s\\n' "$TOKEN" | gatehouse tokens verify --json
            """)

    @OptionGroup var directory: DirectoryOptions
    @OptionGroup var format: OutputOptions

    func run() throws {
        let environment = CLIEnvironment.current
        let output = environment.output
        var failed = false
        try GatehouseCommand.run(output) { () throws(GatehouseError) in
            let secret = try environment.readTokenSecret()
            let service = try Self.openService(directory, environment)
            let now = service.clock.now
            switch try service.verify(secret) {
            case let .success(verified):
                // Whoever holds the secret is its owner: names are read as the owner sees them.
                let names = NameCache(service, actor: Actor(user: verified.owner))
                if format.json {
                    // {"valid": true, "owner": {user}, "organizations": [org, …], "scopes": [id, …], "token": {token}}
                    output.json(JSONValue.object([
                        "valid": .bool(true), "owner": JSONShapes.user(verified.owner),
                        "organizations": .array(verified.organizations.map(JSONShapes.organization)),
                        "scopes": .array(verified.scopes.identifiers.map(JSONValue.string)),
                        "token": JSONShapes.token(verified.token, names: names, now: now),
                    ]).encoded())
                    return
                }
                var fields = FieldList()
                fields.add("Valid", "yes")
                fields.add("Authenticates", "\(verified.owner.loginName) (\(verified.owner.displayName), \(verified.owner.kind.title.lowercased()))")
                fields.add("Organizations", verified.organizations.map(\.name).joined(separator: ", "))
                fields.add("Scopes", verified.scopes.summary(in: service.catalog))
                fields.add("Token", "\u{201C}\(verified.token.displayName)\u{201D} (id \(verified.token.id.description), \(verified.token.handle))")
                fields.add("Expires", "\(TextFormat.dateTime(verified.token.validTo)) (\(TextFormat.relative(verified.token.validTo, from: now)))")
                for line in fields.render(width: environment.width) { output.line(line) }
            case let .failure(failure):
                failed = true
                if format.json {
                    // {"valid": false, "reason": "malformed" | "unknown" | "expired" | "revoked" | "replaced" | "owner-disabled" | "no-organization", "message"}
                    output.json(JSONValue.object(["valid": .bool(false), "reason": .string(failure.code), "message": .string(failure.description)]).encoded())
                }
                output.error(failure.description)
            }
        }
        if failed { throw ExitStatus.verificationFailed.exitCode }
    }

    /// The façade without an acting user (verification needs none) and without bootstrapping.
    static func openService(_ options: DirectoryOptions, _ environment: CLIEnvironment) throws(GatehouseError) -> AccessService {
        // Over SSH: the session's database, never the service account's default one.
        if let session = environment.sshSession { return try session.open(db: options.db).service }
        let catalog = try ResourceLocator.locate().scopeCatalog()
        let store = try StoreOpening.open(DatabaseLocation.resolve(explicitPath: options.db), mayCreate: false).store
        return AccessService(store: store, catalog: catalog, clock: environment.clock)
    }
}

/// `gatehouse tokens check`: format and checksum only, offline.
struct TokensCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a token's format and checksum offline (stdin); exit 7 if it is not a well-formed Gatehouse token.",
        discussion: "Touches no database: for secret scanners and pre-commit hooks. A well-formed token may still be unknown, expired or revoked; `tokens verify` tells.")

    @OptionGroup var format: OutputOptions

    func run() throws {
        let environment = CLIEnvironment.current
        let output = environment.output
        var failed = false
        try GatehouseCommand.run(output) { () throws(GatehouseError) in
            let secret = try environment.readTokenSecret()
            let problem = TokenFormat.validate(secret.reveal())
            if format.json {
                // {"wellFormed": bool, "problem": null | "empty" | "wrong-prefix" | "wrong-length" | "invalid-character" | "checksum-mismatch", "message"}
                output.json(JSONValue.object([
                    "wellFormed": .bool(problem == nil), "problem": .text(problem.map(Self.code)),
                    "message": .string(problem.map { "The token is malformed: \($0.rawValue)." } ?? "Well-formed Gatehouse token (prefix, length and checksum are right)."),
                ]).encoded())
            } else if problem == nil {
                output.line("Well-formed Gatehouse token (prefix, length and checksum are right). Whether it is valid: gatehouse tokens verify.")
            }
            if let problem {
                failed = true
                output.error("The token is malformed: \(problem.rawValue).")
            }
        }
        if failed { throw ExitStatus.verificationFailed.exitCode }
    }

    static func code(_ problem: TokenFormat.Problem) -> String {
        switch problem {
        case .empty: "empty"
        case .wrongPrefix: "wrong-prefix"
        case .wrongLength: "wrong-length"
        case .invalidCharacter: "invalid-character"
        case .checksumMismatch: "checksum-mismatch"
        }
    }
}

/// `gatehouse tokens report-leaked`: someone found a token where it should not be.
struct TokensReportLeakedCommand: DirectoryCommand {
    static let configuration = CommandConfiguration(
        commandName: "report-leaked",
        abstract: "Report a token found where it should not be (read on stdin); revoked at once if the auto-revoke policy says so.",
        discussion: """
            Anyone may report a token; the report is audited either way. Exit 0 when reported (revoked or not), \
            4 when no token has that secret, 7 when it is not a well-formed token. Example:
              gatehouse tokens report-leaked < found-in-logs.txt
            """)

    @OptionGroup var directory: DirectoryOptions
    @OptionGroup var format: OutputOptions

    func execute(_ invocation: Invocation) throws(GatehouseError) {
        let secret = try invocation.environment.readTokenSecret()
        let outcome = try invocation.service.reportLeaked(secret, by: invocation.actor)
        let names = NameCache(invocation.service, actor: invocation.actor)
        let code: String
        let message: String
        var token: PersonalAccessToken?
        switch outcome {
        case let .revoked(revoked):
            token = revoked
            code = "revoked"
            message = "Revoked \u{201C}\(revoked.displayName)\u{201D} (\(HumanText.shortID(revoked.id)), \(revoked.handle)) of \(names.login(revoked.ownerID)) under the auto-revoke policy; the report is in the audit log. Tell the owner to create a new token."
        case let .reportedOnly(reported):
            token = reported
            code = "reported-only"
            message = "Reported \u{201C}\(reported.displayName)\u{201D} (\(HumanText.shortID(reported.id))) of \(names.login(reported.ownerID)); it was NOT revoked (the auto-revoke policy is off where it works, or its owner is exempt). Revoke it with: gatehouse tokens revoke \(HumanText.shortID(reported.id))"
        case let .alreadyInactive(inactive):
            token = inactive
            code = "already-inactive"
            message = "\u{201C}\(inactive.displayName)\u{201D} (\(HumanText.shortID(inactive.id))) is already \(inactive.status(at: invocation.now).title.lowercased()); the report is in the audit log."
        case let .notFound(failure):
            code = failure.code == "malformed" ? "malformed" : "not-found"
            message = failure.description
            invocation.outcome.fail(failure.code == "malformed" ? .verificationFailed : .notFound)
        }
        if invocation.json {
            // {"outcome": "revoked" | "reported-only" | "already-inactive" | "not-found" | "malformed", "message", "token": {token} | null}
            invocation.print(.object(["outcome": .string(code), "message": .string(message),
                                      "token": token.map { JSONShapes.token($0, names: names, now: invocation.now) } ?? .null]))
        } else if token != nil {
            invocation.output.line(message)
        }
        if token == nil { invocation.output.error(message) }
    }
}
