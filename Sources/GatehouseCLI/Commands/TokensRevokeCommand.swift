import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse tokens revoke ID` or `gatehouse tokens revoke --filter … [--dry-run]`.
struct TokensRevokeCommand: DirectoryCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke one token, or every active token a filter matches (all or none).",
        discussion: """
            Examples:
              gatehouse tokens revoke 3f2a9c1d --reason "laptop stolen"
              gatehouse tokens revoke --filter --owner bob --dry-run     # what would be revoked
              gatehouse tokens revoke --filter --owner bob --reason "left the company"
            The filters are those of `tokens list`; they combine (AND). Revoked tokens stay revoked.
            """)

    @Argument(help: "The token's id or unique id prefix (omit with --filter).") var id: String?
    @Flag(help: "Revoke every active token the filter options match, in one transaction.") var filter = false
    @OptionGroup var filters: TokenFilterOptions
    @Option(help: "Why (kept in the token and the audit log).") var reason: String = ""
    @Flag(name: .customLong("dry-run"), help: "List what would be revoked; change nothing.") var dryRun = false
    @OptionGroup var directory: DirectoryOptions
    @OptionGroup var format: OutputOptions

    func validate() throws {
        if filter {
            if id != nil { throw ValidationError("Give a token id, or --filter with filter options, not both.") }
            if filters.isEmpty {
                throw ValidationError("--filter needs at least one filter, e.g. --owner LOGIN, --org NAME, --unused-for 90d or --status active (every active token you may see).")
            }
        } else {
            guard id != nil else { throw ValidationError("Give the id of the token to revoke, or --filter with filter options (see --help).") }
            if !filters.isEmpty { throw ValidationError("Filter options select tokens only with --filter; to revoke one token give just its id.") }
        }
    }

    func execute(_ invocation: Invocation) throws(GatehouseError) {
        if let id {
            let token = try invocation.token(id)
            if dryRun {
                TokensCommand.print([token], invocation, empty: "")
                if !invocation.json { invocation.output.note("Dry run: nothing was revoked.") }
                return
            }
            let revoked = try invocation.service.revokeToken(token.id, reason: reason, expectedVersion: token.version, by: invocation.actor)
            if invocation.json {
                invocation.print(JSONShapes.token(revoked, names: NameCache(invocation.service, actor: invocation.actor), now: invocation.now))
            } else {
                invocation.output.line("Revoked \u{201C}\(revoked.displayName)\u{201D} (\(HumanText.shortID(revoked.id)), \(revoked.handle)).")
            }
            return
        }
        let query = try filters.query(invocation)
        let result = try invocation.service.revokeTokens(matching: query, reason: reason, dryRun: dryRun, by: invocation.actor)
        if invocation.json {
            // {"dryRun", "count", "tokens": [token, …]}
            let names = NameCache(invocation.service, actor: invocation.actor)
            invocation.print(.object(["dryRun": .bool(result.dryRun), "count": .int(result.tokens.count),
                                      "tokens": .array(result.tokens.map { JSONShapes.token($0, names: names, now: invocation.now) })]))
            return
        }
        TokensCommand.print(result.tokens, invocation, empty: "No active token matches; nothing to revoke.")
        if !result.tokens.isEmpty {
            invocation.output.note(result.dryRun
                ? "Dry run: \(TextFormat.plural(result.tokens.count, "token")) would be revoked. Run again without --dry-run to revoke them."
                : "Revoked \(TextFormat.plural(result.tokens.count, "token")).")
        }
    }
}
