import ArgumentParser
import Foundation
import GatehouseDomain
import TerminalKit

/// `gatehouse tokens create`: the New Token wizard as one command. The secret goes to stdout once.
struct TokensCreateCommand: DirectoryCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a token and print its secret once, on stdout.",
        discussion: """
            Everything else (what was created, the warning) goes to stderr, so TOKEN=$(gatehouse tokens create …) \
            captures the secret alone. With --json, stdout holds {"secret": …, "token": {…}}.
            Examples:
              gatehouse tokens create --name ci --expires 30d --scope vso.code,vso.build
              gatehouse tokens create --name deploy --for svc-deploy --org Fabrikam \\
                --expires 2026-06-30 --scope vso.packaging_write
            """)

    @Option(help: "The token's name (unique among the owner's active tokens).") var name: String
    @Option(help: ArgumentHelp("The one organization the token works in (default: the owner's only one).", valueName: "name")) var org: String?
    @Flag(name: .customLong("all-orgs"), help: "A global token: every organization the owner belongs to (often refused by policy).") var allOrgs = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Days from now (30d) or a date (YYYY-MM-DD, valid through that day, UTC); never past the policy's maximum.", valueName: "when"), transform: ExpirationArgument.parse)
    var expires: TokenExpiration
    @OptionGroup var scopes: TokensCommand.ScopeOptions
    @Option(name: .customLong("for"), help: ArgumentHelp("Create it on behalf of this service account, service principal or job agent (needs Manage others' tokens).", valueName: "login"))
    var owner: String?
    @OptionGroup var directory: DirectoryOptions
    @OptionGroup var format: OutputOptions

    func validate() throws {
        if allOrgs && org != nil { throw ValidationError("Choose --org NAME or --all-orgs, not both.") }
        guard scopes.isGiven else {
            throw ValidationError("Choose what the token may do: --scope ID (repeatable; see `gatehouse tokens scopes`) or --full-access.")
        }
    }

    func execute(_ invocation: Invocation) throws(GatehouseError) {
        ProcessHardening.disableCoreDumps()  // the secret is about to be in memory
        let service = invocation.service
        let ownerUser = try owner.map { login throws(GatehouseError) in try invocation.user(login) }
        let target: TokenTarget
        if allOrgs {
            target = .allAccessibleOrganizations
        } else if let org {
            target = .organization(try invocation.organization(org).id)
        } else {
            let memberships = try service.organizations(of: ownerUser?.id ?? invocation.actor.user.id, by: invocation.actor)
            guard memberships.count == 1 else {
                let who = ownerUser?.loginName ?? "you"
                let list = memberships.map(\.name).joined(separator: ", ")
                throw .invalidInput(field: "Organization", problem: memberships.isEmpty
                    ? "\(who) belong\(ownerUser == nil ? "" : "s") to no organization."
                    : "\(who) belong\(ownerUser == nil ? "" : "s") to several organizations (\(list)); choose one with --org NAME, or --all-orgs.")
            }
            target = .organization(memberships[0].id)
        }
        let request = TokenRequest(displayName: name, ownerID: ownerUser?.id, target: target,
                                   scopes: try scopes.selection(service.catalog), expiration: expires)
        let issued = try service.createToken(request, by: invocation.actor)
        TokensCreateCommand.show(issued, verb: "Created", invocation)
    }

    /// The one print of a new secret: stdout; the description and the warning on stderr.
    static func show(_ issued: IssuedToken, verb: String, _ invocation: Invocation) {
        let names = NameCache(invocation.service, actor: invocation.actor)
        let token = issued.token
        if invocation.json {
            invocation.output.printSecret(issued.secret, with: JSONShapes.token(token, names: names, now: invocation.now))
            return
        }
        invocation.output.note("\(verb) \u{201C}\(token.displayName)\u{201D} (id \(token.id.description), \(token.handle)) for \(names.login(token.ownerID)) in \(HumanText.target(token, names: names)): \(token.scopes.summary(in: invocation.service.catalog)); expires \(TextFormat.dateTime(token.validTo)).")
        invocation.output.note("Copy the token now: it is shown only this once and cannot be recovered.")
        invocation.output.printSecret(issued.secret)
    }
}

/// `gatehouse tokens regenerate ID`: a new secret, same settings; the old secret stops working at once.
struct TokensRegenerateCommand: DirectoryCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate",
        abstract: "Give a token a new secret (same name, scopes and lifespan, from now) and print it once.",
        discussion: """
            The old secret stops working at once; presenting it later is reported in the audit log.
            Rotation from cron: NEW=$(gatehouse tokens regenerate 3f2a9c1d) && store-the-secret "$NEW"
            """)

    @Argument(help: "The token's id or unique id prefix.") var id: String
    @OptionGroup var directory: DirectoryOptions
    @OptionGroup var format: OutputOptions

    func execute(_ invocation: Invocation) throws(GatehouseError) {
        ProcessHardening.disableCoreDumps()
        let token = try invocation.token(id)
        let issued = try invocation.service.regenerateToken(token.id, expectedVersion: token.version, by: invocation.actor)
        TokensCreateCommand.show(issued, verb: "Regenerated", invocation)
    }
}
