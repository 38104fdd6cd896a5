import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse tokens …`: personal access tokens.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "List, create, edit, regenerate, revoke and verify personal access tokens.",
        discussion: """
            A token is named by its id, or by the first hex digits of its id when they are unique \
            (the ID column of `tokens list`). Secrets are printed once, by `create` and `regenerate`, and \
            read from stdin, never from arguments (arguments land in shell history and `ps`).
            """,
        subcommands: [
            List.self, Show.self, TokensCreateCommand.self, Edit.self, TokensRegenerateCommand.self, TokensRevokeCommand.self,
            TokensVerifyCommand.self, TokensCheckCommand.self, TokensReportLeakedCommand.self, Expiring.self, Scopes.self,
        ])

    static func table() -> TextTable {
        TextTable([.fixed("ID"), .flexible("NAME"), .flexible("OWNER", minimum: 6), .flexible("ORG", minimum: 6), .flexible("SCOPES"),
                   .fixed("STATUS"), .fixed("EXPIRES"), .fixed("LAST USED")])
    }

    static func row(_ token: PersonalAccessToken, names: NameCache, invocation: Invocation) -> [String] {
        [HumanText.shortID(token.id), token.displayName, names.login(token.ownerID), HumanText.target(token, names: names),
         token.scopes.summary(in: invocation.service.catalog), token.status(at: invocation.now).title, TextFormat.date(token.validTo),
         HumanText.lastUsed(token, now: invocation.now)]
    }

    /// Prints tokens as a table or a JSON array.
    static func print(_ tokens: [PersonalAccessToken], _ invocation: Invocation, empty: String) {
        let names = NameCache(invocation.service, actor: invocation.actor)
        names.prime(tokens.map(\.ownerID))
        if invocation.json {
            invocation.print(.array(tokens.map { JSONShapes.token($0, names: names, now: invocation.now) }))
            return
        }
        var table = table()
        for token in tokens { table.append(row(token, names: names, invocation: invocation)) }
        invocation.print(table, empty: empty)
    }

    static func fields(_ token: PersonalAccessToken, _ invocation: Invocation) -> FieldList {
        let names = NameCache(invocation.service, actor: invocation.actor)
        let now = invocation.now
        var fields = FieldList()
        fields.add("ID", token.id.description)
        fields.add("Name", token.displayName)
        let owner = names.user(token.ownerID)
        fields.add("Owner", owner.map { "\($0.loginName) (\($0.displayName))\($0.isActive ? "" : ", disabled")" } ?? names.login(token.ownerID))
        if token.createdByID != token.ownerID { fields.add("Created by", names.login(token.createdByID)) }
        fields.add("Organization", HumanText.target(token, names: names))
        fields.add("Scopes", token.scopes.summary(in: invocation.service.catalog))
        fields.add("Status", token.status(at: now).title)
        fields.add("Valid from", TextFormat.dateTime(token.validFrom))
        fields.add("Expires", "\(TextFormat.dateTime(token.validTo)) (\(TextFormat.relative(token.validTo, from: now)))")
        fields.add("Created", TextFormat.dateTime(token.createdAt))
        fields.add("Last used", token.lastUsedAt.map { "\(TextFormat.dateTime($0)) (\(TextFormat.relative($0, from: now)))" } ?? "never")
        if let revocation = token.revocation {
            fields.add("Revoked", "\(TextFormat.dateTime(revocation.at)) by \(names.login(revocation.byUserID)): \(revocation.reason)")
        }
        if let since = try? invocation.service.secretNeverAcknowledged(token) {
            fields.add("Secret", "NEVER ACKNOWLEDGED: its show-once screen closed without confirmation (\(TextFormat.dateTime(since))); nobody may hold it. Regenerate or revoke the token.")
        }
        fields.add("Handle", token.handle)
        fields.add("Generation", String(token.generation))
        fields.add("High privilege", token.isHighPrivilege ? "yes (full access or a \u{2020} scope)" : "no")
        return fields
    }

    /// `--scope ID …` (repeatable, or comma-separated) or `--full-access`.
    struct ScopeOptions: ParsableArguments {
        @Option(name: .customLong("scope"), help: ArgumentHelp("A scope identifier, e.g. vso.code_write (repeatable, or comma-separated; list them with `tokens scopes`).", valueName: "id"))
        var scopes: [String] = []
        @Flag(name: .customLong("full-access"), help: "Full access (every scope) instead of custom scopes.")
        var fullAccess = false

        var isGiven: Bool { fullAccess || !scopes.isEmpty }

        func validate() throws {
            if fullAccess && !scopes.isEmpty { throw ValidationError("Choose --full-access or --scope, not both.") }
        }

        func selection(_ catalog: ScopeCatalog) throws(GatehouseError) -> ScopeSelection {
            if fullAccess { return .fullAccess }
            let identifiers = scopes.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            return try ScopeSelection.custom(identifiers, catalog: catalog)
        }
    }

    struct List: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List tokens: yours, or everyone's with Manage others' tokens; filters combine (AND).",
            discussion: "The risk view: --full-access, --high-privilege, --global, --never-used, --unused-for 90d, --expiring-within 7d, --disabled-owner, --non-compliant, --unacknowledged.")

        @OptionGroup var filter: TokenFilterOptions
        @Option(help: "Sort by expires, name, created or last-used.") var sort: SortKey = .expires
        @Flag(help: "Reverse the order.") var reverse = false
        @Option(parsing: .unconditional, help: "At most this many tokens (1 to 1000000).", transform: CountArgument.limit) var limit: Int?
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        enum SortKey: String, ExpressibleByArgument, CaseIterable {
            case expires, name, created, lastUsed = "last-used"
        }

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            var query = try filter.query(invocation)
            query.sort = switch sort {
            case .expires: .validTo
            case .name: .displayName
            case .created: .createdAt
            case .lastUsed: .lastUsedAt
            }
            query.descending = reverse
            let names = NameCache(invocation.service, actor: invocation.actor)
            try invocation.printList(
                limit: limit, empty: "No tokens match.", table: TokensCommand.table(),
                row: { TokensCommand.row($0, names: names, invocation: invocation) },
                json: { JSONShapes.token($0, names: names, now: invocation.now) }
            ) { page throws(GatehouseError) in
                let tokens = try invocation.service.tokens(query, page: page, by: invocation.actor)
                names.prime(tokens.items.map(\.ownerID))
                return tokens
            }
        }
    }

    struct Show: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one token's settings, status and history (never its secret).")

        @Argument(help: "The token's id or unique id prefix.") var id: String
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let token = try invocation.token(id)
            if invocation.json {
                invocation.print(JSONShapes.token(token, names: NameCache(invocation.service, actor: invocation.actor), now: invocation.now))
            } else {
                invocation.print(TokensCommand.fields(token, invocation))
            }
        }
    }

    struct Edit: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Rename a token, change its expiration or its scopes (checked against policy).",
            discussion: "The secret does not change. Example: gatehouse tokens edit 3f2a9c1d --expires 60d --scope vso.code --scope vso.build")

        @Argument(help: "The token's id or unique id prefix.") var id: String
        @Option(help: "New name.") var name: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("New expiration: days from now (30d) or a date (YYYY-MM-DD, valid through that day, UTC).", valueName: "when"), transform: ExpirationArgument.parse)
        var expires: TokenExpiration?
        @OptionGroup var scopes: ScopeOptions
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func validate() throws {
            guard name != nil || expires != nil || scopes.isGiven else {
                throw ValidationError("Nothing to change: give --name, --expires, --scope or --full-access.")
            }
        }

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let token = try invocation.token(id)
            let changes = TokenChanges(displayName: name, expiration: expires, scopes: scopes.isGiven ? try scopes.selection(invocation.service.catalog) : nil)
            let updated = try invocation.service.updateToken(token.id, changes, expectedVersion: token.version, by: invocation.actor)
            if invocation.json {
                invocation.print(JSONShapes.token(updated, names: NameCache(invocation.service, actor: invocation.actor), now: invocation.now))
            } else {
                invocation.output.line("Updated \u{201C}\(updated.displayName)\u{201D} (\(HumanText.shortID(updated.id))): \(updated.scopes.summary(in: invocation.service.catalog)); expires \(TextFormat.dateTime(updated.validTo)).")
            }
        }
    }

    struct Expiring: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "expiring",
            abstract: "Active tokens that expire soon, by owner, with the owner's email: for notices from cron.",
            discussion: "Example (weekly): gatehouse tokens expiring --within 7d --json | your-mailer")

        @Option(parsing: .unconditional, help: ArgumentHelp("How far ahead to look: 7d, 48h, 2w.", valueName: "duration"), transform: TimeSpan.parse)
        var within: TimeSpan = TimeSpan(seconds: 7 * 86_400, text: "7d")
        @Option(help: ArgumentHelp("Only tokens that work in this organization.", valueName: "name")) var org: String?
        @Option(help: ArgumentHelp("Only this owner's tokens.", valueName: "login")) var owner: String?
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            var query = TokenQuery(statuses: [.active], sort: .validTo)
            query.expiringWithin = within.seconds
            if let org { query.organizationID = try invocation.organization(org).id }
            if let owner { query.ownerID = try invocation.user(owner).id }
            let tokens = try invocation.collect(limit: nil) { page throws(GatehouseError) in try invocation.service.tokens(query, page: page, by: invocation.actor) }
            let names = NameCache(invocation.service, actor: invocation.actor)
            names.prime(tokens.map(\.ownerID))
            var owners: [UserID] = []
            var byOwner: [UserID: [PersonalAccessToken]] = [:]
            for token in tokens {
                if byOwner[token.ownerID] == nil { owners.append(token.ownerID) }
                byOwner[token.ownerID, default: []].append(token)
            }
            owners.sort { names.login($0) < names.login($1) }
            if invocation.json {
                // [{"owner": {user}, "tokens": [token, …]}], owners by login, tokens by expiry.
                invocation.print(.array(owners.map { id in
                    .object(["owner": names.user(id).map(JSONShapes.user) ?? .null,
                             "tokens": .array((byOwner[id] ?? []).map { JSONShapes.token($0, names: names, now: invocation.now) })])
                }))
                return
            }
            var table = TextTable([.flexible("OWNER", minimum: 6), .flexible("EMAIL"), .fixed("ID"), .flexible("NAME"), .flexible("ORG", minimum: 6), .flexible("EXPIRES", minimum: 16)])
            for id in owners {
                for token in byOwner[id] ?? [] {
                    let email = names.user(id)?.email ?? ""
                    table.append([names.login(id), email.isEmpty ? "-" : email, HumanText.shortID(token.id), token.displayName,
                                  HumanText.target(token, names: names), "\(TextFormat.dateTime(token.validTo)) (\(TextFormat.relative(token.validTo, from: invocation.now)))"])
                }
            }
            invocation.print(table, empty: "No active token expires within \(within.text).")
        }
    }

    struct Scopes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scopes",
            abstract: "List the scope catalog: area, level, identifier; \u{2020} marks high-privilege levels.",
            discussion: "Full access is written app_token. Within an area each level includes the ones before it.")

        @OptionGroup var format: OutputOptions

        func run() throws {
            let environment = CLIEnvironment.current
            try GatehouseCommand.run(environment.output) { () throws(GatehouseError) in
                let catalog = try ResourceLocator.locate().scopeCatalog()
                if format.json {
                    environment.output.json(JSONValue.array(catalog.areas.flatMap { area in area.levels.map { JSONShapes.scopeLevel($0, area: area) } }).encoded())
                    return
                }
                var table = TextTable([.flexible("AREA", minimum: 12), .flexible("LEVEL", minimum: 12), .fixed("IDENTIFIER"), .fixed("\u{2020}")])
                for area in catalog.areas {
                    for level in area.levels { table.append([area.name, level.name, level.identifier, level.isHighPrivilege ? "\u{2020}" : ""]) }
                }
                for line in table.render(width: environment.width) { environment.output.line(line) }
            }
        }
    }
}

/// The filters of `tokens list`, also used by `tokens revoke --filter`.
struct TokenFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only tokens owned by this login.", valueName: "login")) var owner: String?
    @Option(help: "active, expired or revoked (repeatable).") var status: [TokenStatus] = []
    @Option(name: .customLong("org"), help: ArgumentHelp("Only tokens that work in this organization.", valueName: "name")) var organization: String?
    @Option(help: "Only tokens whose name or handle contains this text, or whose owner's login starts with it.") var search: String?
    @Option(name: .customLong("expiring-within"), parsing: .unconditional, help: ArgumentHelp("Active and expiring within this time: 7d, 48h.", valueName: "duration"), transform: TimeSpan.parse)
    var expiringWithin: TimeSpan?
    @Flag(name: .customLong("full-access"), help: "Only Full access tokens.") var fullAccess = false
    @Flag(name: .customLong("high-privilege"), help: "Only tokens with full access or a \u{2020} scope.") var highPrivilege = false
    @Flag(help: "Only global tokens (all accessible organizations).") var global = false
    @Flag(name: .customLong("never-used"), help: "Only tokens never used.") var neverUsed = false
    @Option(name: .customLong("unused-for"), parsing: .unconditional, help: ArgumentHelp("Only tokens not used (or, if never used, created) for this long: 90d.", valueName: "duration"), transform: TimeSpan.parse)
    var unusedFor: TimeSpan?
    @Flag(name: .customLong("disabled-owner"), help: "Only tokens whose owner is disabled.") var disabledOwner = false
    @Flag(name: .customLong("non-compliant"), help: "Only active tokens that break a policy enabled after they were made.") var nonCompliant = false
    @Flag(name: .customLong("unacknowledged"), help: "Only active tokens whose secret was shown and never acknowledged.") var unacknowledged = false

    var isEmpty: Bool {
        owner == nil && status.isEmpty && organization == nil && search == nil && expiringWithin == nil && !fullAccess && !highPrivilege
            && !global && !neverUsed && unusedFor == nil && !disabledOwner && !nonCompliant && !unacknowledged
    }

    func query(_ invocation: Invocation) throws(GatehouseError) -> TokenQuery {
        var query = TokenQuery(search: search.map { TextSearch($0) }, statuses: Set(status))
        if let owner { query.ownerID = try invocation.user(owner).id }
        if let organization { query.organizationID = try invocation.organization(organization).id }
        query.expiringWithin = expiringWithin?.seconds
        query.fullAccessOnly = fullAccess
        query.highPrivilegeOnly = highPrivilege
        query.globalOnly = global
        query.neverUsedOnly = neverUsed
        query.unusedFor = unusedFor?.seconds
        query.disabledOwnerOnly = disabledOwner
        query.secretNeverAcknowledgedOnly = unacknowledged
        if nonCompliant {
            // With no policy enabled the rules are empty, which matches nothing (not everything).
            query.nonCompliantWith = try invocation.service.nonComplianceRules(by: invocation.actor)
        }
        return query
    }
}
