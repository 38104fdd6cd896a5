import GatehouseDomain
import TerminalKit

/// The Tokens pane: your tokens, and everyone's where you may manage others' tokens. Quick filters
/// (`f`) combine into the admin risk view; `B` revokes everything the filters match, after a dry run.
struct TokensPane: ListPane, BindingScreen {
    var core = ListPaneCore<OwnedToken>(
        columns: [
            TableColumn("Name", minWidth: 14, weight: 3, priority: 9),
            TableColumn("Owner", minWidth: 9, maxWidth: 18, weight: 1, priority: 8),
            TableColumn("Organization", minWidth: 10, maxWidth: 18, weight: 1, priority: 4),
            TableColumn("Scopes", minWidth: 10, weight: 2, priority: 5),
            TableColumn("Expires", minWidth: 18, maxWidth: 22, weight: 0, priority: 7),
            TableColumn("Status", minWidth: 8, maxWidth: 8, weight: 0, priority: 6),
            TableColumn("Last used", minWidth: 9, maxWidth: 14, weight: 0, priority: 3),
        ],
        sort: TableSort(column: 4),
        emptyMessage: "No tokens. Press n to create one.")
    private var risks: Set<TokenRisk> = []
    private var sort: TokenQuery.Sort = .validTo
    private var descending = false
    /// Set when opened from a user's detail: only that owner's tokens.
    private let owner: User?
    /// Set when opened from Policies (`v`): that organization's tokens and its policies only, so
    /// the list matches the count the Policies pane gives.
    private let organization: Organization?

    /// Opens on the active tokens, soonest to expire first: what needs attention. `f` widens it.
    /// Reads nothing: the shell asks for the first page (`load`) once the pane is on screen.
    init(_ environment: ConsoleEnvironment, owner: User? = nil, organization: Organization? = nil, risks: Set<TokenRisk> = [.active]) {
        self.owner = owner
        self.organization = organization
        self.risks = risks
    }

    var breadcrumb: String { owner.map { "Tokens of \($0.loginName)" } ?? organization.map { "Tokens in \($0.name)" } ?? "Tokens" }
    var helpSummary: String { "Personal access tokens. Everyone sees their own; holders of \u{201C}Manage others' tokens\u{201D} also see the tokens that work in the organizations where they hold it. \u{2020} marks high-privilege scopes. f opens the quick filters that make up the risk view." }

    /// The query, with the policies that make a token non-compliant as given.
    private func query(_ environment: ConsoleEnvironment, rules: [NonComplianceRule]) -> TokenQuery {
        var query = TokenQuery(search: core.filter.text.isEmpty ? nil : TextSearch(core.filter.text), ownerID: owner?.id,
                               organizationID: organization?.id ?? environment.scope, sort: sort, descending: descending)
        let only = organization?.id
        TokenRisk.apply(risks, to: &query) { only.map { id in rules.filter { $0.organizationID == id } } ?? rules }
        return query
    }

    /// The query with the policies as the shell last loaded them (the bulk revocation's dry run).
    private func query(_ environment: ConsoleEnvironment) -> TokenQuery {
        query(environment, rules: environment.overview?.nonComplianceRules ?? [])
    }

    /// Pages come with their owners' logins: drawing a row asks the façade nothing. The policies
    /// are the shell's (loaded with the permission answers); before those arrive, the effect reads them.
    func source(_ environment: ConsoleEnvironment) -> ListSource<OwnedToken> {
        let service = environment.service
        let actor = environment.actor
        let known = query(environment)
        let rulesMissing = risks.contains(.nonCompliant) && environment.overview == nil
        let only = organization?.id
        let resolve: @Sendable () -> TokenQuery = {
            guard rulesMissing else { return known }
            var query = known
            let rules = (try? service.nonComplianceRules(by: actor)) ?? []
            query.nonCompliantWith = only.map { id in rules.filter { $0.organizationID == id } } ?? rules
            return query
        }
        return ListSource(fetch: { request throws(GatehouseError) in try service.tokensWithOwners(resolve(), page: request, by: actor) },
                          count: { cap throws(GatehouseError) in
                              if let cap { return try service.count(resolve(), cap: cap, by: actor) }
                              return .exact(try service.count(resolve(), by: actor))
                          },
                          fetchCounted: { request, cap throws(GatehouseError) in
                              try service.tokensWithOwners(resolve(), page: request, countCap: cap, by: actor)
                          })
    }

    /// Whose tokens the list holds: "yours only", "everyone's", or "everyone's in Contoso" behind
    /// the walls; from the permission answers the shell loaded.
    private func scopeNote(_ environment: ConsoleEnvironment) -> String {
        guard let overview = environment.overview else { return "\u{2026}" }
        let managed = overview.holding[.manageOthersTokens] ?? []
        let names = managed.map { environment.organizationName($0) }.sorted()
        return managed.isEmpty ? "yours only"
            : managed.count >= overview.organizationCount ? "everyone's"
            : names.count <= 2 ? "everyone's in \(names.joined(separator: " and "))" : "everyone's in \(names.count) organizations"
    }

    func open(_ item: OwnedToken, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        [.push(TokenDetail(token: item.token, environment))]
    }

    /// The Tokens list's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<TokensPane>] {
        let selected = core.list.selected?.token
        return [
            KeyBinding([.enter], "Enter", "Open"),
            KeyBinding([.character("/")], "/", "Filter"),
            KeyBinding([.character("f")], "f", "Risk filters") { pane, _, _ in
                [.push(QuickFilterScreen(title: "Risk filters", options: TokenRisk.options, chosen: Set(pane.risks.map(\.rawValue))))]
            },
            KeyBinding([.character("n")], "n", "New token", disabledReason: environment.denial(of: .createTokens, action: "create tokens")) { pane, _, environment in
                TokenActions.newToken(environment, owner: pane.owner)
            },
            KeyBinding([.character("e")], "e", "Edit", disabledReason: selected.flatMap(TokenActions.editRefusal)) { pane, _, environment in
                guard let selected = pane.core.list.selected?.token else { return [] }
                return TokenActions.edit(selected, environment)
            },
            KeyBinding([.character("r")], "r", "Regenerate", disabledReason: selected.flatMap(TokenActions.regenerateRefusal)) { pane, _, environment in
                guard let selected = pane.core.list.selected?.token else { return [] }
                return TokenActions.regenerate(selected, owner: .unknown, environment)
            },
            KeyBinding([.character("d"), .delete], "d", "Revoke", disabledReason: selected.flatMap(TokenActions.revokeRefusal)) { pane, _, environment in
                guard let selected = pane.core.list.selected?.token else { return [] }
                return TokenActions.revoke(selected, owner: .unknown, environment)
            },
            KeyBinding([.character("B")], "B", "Bulk revoke") { pane, _, environment in
                guard pane.isNarrowed(environment) else {
                    return [.flash("Bulk revoke needs a filter, as the CLI's tokens revoke --filter does: / for a name or owner, f for a risk (e.g. unused 90 days), or :org NAME.", .error)]
                }
                return [.push(BulkRevokeScreen(query: pane.query(environment), description: pane.summary(environment).joined(separator: " \u{00B7} "), environment))]
            },
            KeyBinding([.character("s")], "s", "Sort") { pane, _, environment in
                let order: [TokenQuery.Sort] = [.validTo, .displayName, .createdAt, .lastUsedAt]
                pane.sort = order[((order.firstIndex(of: pane.sort) ?? 0) + 1) % order.count]
                pane.core.sort = pane.sort.column.map { TableSort(column: $0, ascending: !pane.descending) }
                return pane.restart(environment) + [.flash("Sorted by \(pane.sort.title)\(pane.sort.column == nil ? " (no column shows it; S reverses)" : "")", .info)]
            },
            KeyBinding([.character("S")], "S", "Reverse", inFooter: false) { pane, _, environment in
                pane.descending.toggle()
                pane.core.sort = pane.sort.column.map { TableSort(column: $0, ascending: !pane.descending) }
                return pane.restart(environment) + [.flash("Sorted by \(pane.sort.title), \(pane.descending ? "reversed" : "in its usual order")", .info)]
            },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        filterEditingKeys ?? boundKeys(environment)
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if let listActions = handleListKey(key, environment) { return listActions }
        return handleBinding(key, environment)
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if let loads = acceptListReply(result, environment) { return loads }
        if case let .effect(value) = result { return TokenActions.receive(value, environment) ?? [] }
        guard case let .quickFilters(chosen) = result else { return [] }
        risks = Set(chosen.compactMap(TokenRisk.init(rawValue:)))
        return restart(environment)
    }

    /// Whether the list is narrowed by more than the status: bulk revocation of every active
    /// token is never one key away.
    private func isNarrowed(_ environment: ConsoleEnvironment) -> Bool {
        !core.filter.text.isEmpty || owner != nil || environment.scope != nil
            || !risks.subtracting([.active, .expired, .revoked]).isEmpty
    }

    private func summary(_ environment: ConsoleEnvironment) -> [String] {
        var parts: [String] = []
        if !risks.isEmpty { parts.append(TokenRisk.allCases.filter(risks.contains).map(\.shortLabel).joined(separator: ", ")) }
        if !core.filter.text.isEmpty { parts.append("matching \u{201C}\(core.filter.text)\u{201D}") }
        if let owner { parts.append("owned by \(owner.loginName)") }
        if let scope = environment.scope { parts.append("in \(environment.organizationName(scope))") }
        return parts.isEmpty ? ["all tokens"] : parts
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let now = environment.now
        core.render(into: &buffer, area: area, theme: theme, title: owner.map { "Tokens of \($0.displayName)" } ?? "Tokens",
                    summaryExtra: [scopeNote(environment)] + (risks.isEmpty ? [] : [TokenRisk.allCases.filter(risks.contains).map(\.shortLabel).joined(separator: ", ")])) { row in
            let token = row.token
            return [
                CellText(token.displayName), CellText(row.ownerLogin ?? "(deleted)"),
                TokenPresentation.target(token, environment), TokenPresentation.scopes(token, catalog: environment.catalog),
                TokenPresentation.expiry(token, now: now), TokenPresentation.status(token, now: now), TokenPresentation.lastUsed(token, now: now),
            ]
        }
    }
}

extension TokenQuery.Sort {
    var title: String {
        switch self {
        case .validTo: "expiry"
        case .displayName: "name"
        case .createdAt: "creation date"
        case .lastUsedAt: "last use"
        }
    }

    /// The column that shows the sort key, for the header's arrow; nil when no column shows it
    /// (creation date): then no column gets an arrow and the flash says what the order is.
    var column: Int? {
        switch self {
        case .validTo: 4
        case .displayName: 0
        case .createdAt: nil
        case .lastUsedAt: 6
        }
    }
}
