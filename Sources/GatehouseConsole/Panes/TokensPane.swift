import GatehouseDomain
import TerminalKit

/// The Tokens pane: your tokens, and everyone's where you may manage others' tokens. Quick filters
/// (`f`) combine into the admin risk view; `B` revokes everything the filters match, after a dry run.
struct TokensPane: ListPane {
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
    /// Whose tokens the list holds: "yours only", "everyone's", or "everyone's in Contoso" behind the walls.
    private var scopeNote = "yours only"

    /// Opens on the active tokens, soonest to expire first: what needs attention. `f` widens it.
    init(_ environment: ConsoleEnvironment, owner: User? = nil, organization: Organization? = nil, risks: Set<TokenRisk> = [.active]) {
        self.owner = owner
        self.organization = organization
        self.risks = risks
        reload(environment)
    }

    var breadcrumb: String { owner.map { "Tokens of \($0.loginName)" } ?? organization.map { "Tokens in \($0.name)" } ?? "Tokens" }
    var helpSummary: String { "Personal access tokens. Everyone sees their own; holders of \u{201C}Manage others' tokens\u{201D} also see the tokens that work in the organizations where they hold it. \u{2020} marks high-privilege scopes. f opens the quick filters that make up the risk view." }

    private func query(_ environment: ConsoleEnvironment) -> TokenQuery {
        var query = TokenQuery(search: core.filter.text.isEmpty ? nil : TextSearch(core.filter.text), ownerID: owner?.id,
                               organizationID: organization?.id ?? environment.scope, sort: sort, descending: descending)
        let only = organization?.id
        TokenRisk.apply(risks, to: &query) {
            let rules = (try? environment.service.nonComplianceRules(by: environment.actor)) ?? []
            return only.map { id in rules.filter { $0.organizationID == id } } ?? rules
        }
        return query
    }

    /// Pages come with their owners' logins: drawing a row asks the façade nothing.
    func fetch(_ environment: ConsoleEnvironment) -> PagedList<OwnedToken>.Fetch {
        let query = query(environment)
        return { request throws(GatehouseError) in try environment.service.tokensWithOwners(query, page: request, by: environment.actor) }
    }

    func counter(_ environment: ConsoleEnvironment) -> ListCounter {
        let query = query(environment)
        return { cap throws(GatehouseError) in
            if let cap { return try environment.service.count(query, cap: cap, by: environment.actor) }
            return .exact(try environment.service.count(query, by: environment.actor))
        }
    }

    mutating func willLoad(_ environment: ConsoleEnvironment) {
        let managed = (try? environment.service.organizations(holding: .manageOthersTokens, by: environment.actor)) ?? []
        let total = (try? environment.service.organizationCount()) ?? 0
        let names = managed.map { environment.organizationName($0) }.sorted()
        scopeNote = managed.isEmpty ? "yours only"
            : managed.count >= total ? "everyone's"
            : names.count <= 2 ? "everyone's in \(names.joined(separator: " and "))" : "everyone's in \(names.count) organizations"
    }

    func open(_ item: OwnedToken, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        [.push(TokenDetail(token: item.token, environment))]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        if let filterEditingKeys { return filterEditingKeys }
        let create = environment.denial(of: .createTokens, action: "create tokens")
        let selected = core.list.selected?.token
        let revoked = selected?.revocation != nil ? "This token is already revoked." : nil
        return [
            ScreenKey("Enter", "Open"), ScreenKey("/", "Filter"), ScreenKey("f", "Risk filters"), ScreenKey("n", "New token", disabledReason: create),
            ScreenKey("e", "Edit", disabledReason: revoked), ScreenKey("r", "Regenerate", disabledReason: revoked),
            ScreenKey("d", "Revoke", disabledReason: revoked), ScreenKey("B", "Bulk revoke"), ScreenKey("s", "Sort"),
        ]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if let listActions = handleListKey(key, environment) { return listActions }
        let selected = core.list.selected?.token
        switch key {
        case .character("f"):
            return [.push(QuickFilterScreen(title: "Risk filters", options: TokenRisk.options, chosen: Set(risks.map(\.rawValue))))]
        case .character("s"):
            let order: [TokenQuery.Sort] = [.validTo, .displayName, .createdAt, .lastUsedAt]
            sort = order[((order.firstIndex(of: sort) ?? 0) + 1) % order.count]
            core.sort = sort.column.map { TableSort(column: $0, ascending: !descending) }
            reload(environment)
            return [.flash("Sorted by \(sort.title)\(sort.column == nil ? " (no column shows it; S reverses)" : "")", .info)]
        case .character("S"):
            descending.toggle()
            core.sort = sort.column.map { TableSort(column: $0, ascending: !descending) }
            reload(environment)
            return [.flash("Sorted by \(sort.title), \(descending ? "reversed" : "in its usual order")", .info)]
        case .character("n"):
            return TokenActions.newToken(environment, owner: owner)
        case .character("e"):
            guard let selected else { return [] }
            return TokenActions.edit(selected, environment)
        case .character("r"):
            guard let selected else { return [] }
            return TokenActions.regenerate(selected, environment)
        case .character("d"), .delete:
            guard let selected else { return [] }
            return TokenActions.revoke(selected, environment)
        case .character("B"):
            guard isNarrowed(environment) else {
                return [.flash("Bulk revoke needs a filter, as the CLI's tokens revoke --filter does: / for a name or owner, f for a risk (e.g. unused 90 days), or :org NAME.", .error)]
            }
            return [.push(BulkRevokeScreen(query: query(environment), description: summary(environment).joined(separator: " \u{00B7} "), environment))]
        default:
            return nil
        }
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .quickFilters(chosen) = result else { return [] }
        risks = Set(chosen.compactMap(TokenRisk.init(rawValue:)))
        reload(environment)
        return []
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
                    summaryExtra: [scopeNote] + (risks.isEmpty ? [] : [TokenRisk.allCases.filter(risks.contains).map(\.shortLabel).joined(separator: ", ")])) { row in
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
