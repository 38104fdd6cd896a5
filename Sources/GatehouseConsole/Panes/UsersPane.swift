import GatehouseDomain
import TerminalKit

/// A user with the counts the list shows.
struct UserRow: Sendable {
    let user: User
    let groupCount: Int
    /// Active tokens; nil when the acting user may not see this account's tokens (the façade
    /// would count the actor's own instead).
    let tokenCount: Int?

    init(_ counted: CountedUser) {
        user = counted.user
        groupCount = counted.groupCount
        tokenCount = counted.activeTokenCount
    }
}

/// The Users pane: every account, filtered as you type, with quick filters by kind, status and source.
struct UsersPane: ListPane, BindingScreen {
    var core = ListPaneCore<UserRow>(
        columns: [
            TableColumn("Name", minWidth: 14, weight: 3, priority: 9),
            TableColumn("Login", minWidth: 10, weight: 2, priority: 8),
            TableColumn("Kind", minWidth: 11, maxWidth: 17, weight: 1, priority: 6),
            TableColumn("Source", minWidth: 8, maxWidth: 9, weight: 0, priority: 3),
            TableColumn("Access", minWidth: 11, maxWidth: 18, weight: 0, priority: 2),
            TableColumn("Status", minWidth: 8, maxWidth: 8, weight: 0, priority: 7),
            TableColumn("Groups", minWidth: 6, maxWidth: 6, weight: 0, alignment: .right, priority: 1),
            TableColumn("Tokens", minWidth: 6, maxWidth: 6, weight: 0, alignment: .right, priority: 4),
        ],
        sort: TableSort(column: 0),
        emptyMessage: "No users yet. Press n to add one.")
    private var filters = UserFilters()
    private var sort: UserQuery.Sort = .displayName
    private var descending = false

    /// Reads nothing: the shell asks for the first page (`load`) once the pane is on screen.
    init(_ environment: ConsoleEnvironment) {}

    var breadcrumb: String { "Users" }
    var helpSummary: String { "Every account in the directory: people, service accounts, service principals, job agents and third-party apps. / filters by name, login or email (any part from three characters; one or two characters match the start); f narrows by kind, status and identity source." }

    private var query: UserQuery {
        UserQuery(search: core.filter.text.isEmpty ? nil : TextSearch(core.filter.text), kinds: filters.kinds,
                  statuses: filters.statuses, identitySources: filters.sources, organizationID: nil, sort: sort, descending: descending)
    }

    func source(_ environment: ConsoleEnvironment) -> ListSource<UserRow> {
        var scoped = query
        scoped.organizationID = environment.scope
        let query = scoped
        let service = environment.service
        let actor = environment.actor
        // Each page comes with its rows' counts (two queries for the page, not two per row).
        return ListSource(fetch: { request throws(GatehouseError) in
            try service.userList(query, page: request, by: actor).map(UserRow.init)
        }, count: { cap throws(GatehouseError) in
            if let cap { return try service.count(query, cap: cap, by: actor) }
            return .exact(try service.count(query, by: actor))
        }, fetchCounted: { request, cap throws(GatehouseError) in
            let list = try service.userList(query, page: request, countCap: cap, by: actor)
            return (list.page.map(UserRow.init), list.count)
        })
    }

    func open(_ item: UserRow, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        [.push(UserDetail(user: item.user, environment))]
    }

    /// The Users list's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<UsersPane>] {
        // Each key's own wording of the refusal ("You may not add users: …"), the same in the footer's help and when pressed.
        let manage = { (action: String) in environment.denial(of: .manageUsers, action: action) }
        let disabling = core.list.selected?.user.isActive != false
        return [
            KeyBinding([.enter], "Enter", "Open"),
            KeyBinding([.character("/")], "/", "Filter"),
            KeyBinding([.character("f")], "f", "Quick filters") { pane, _, _ in
                [.push(QuickFilterScreen(title: "Filter users", options: UserFilters.options, chosen: pane.filters.chosen))]
            },
            KeyBinding([.character("s")], "s", "Sort") { pane, _, environment in
                let all = UserQuery.Sort.allCases
                pane.sort = all[(all.firstIndex(of: pane.sort).map { $0 + 1 } ?? 0) % all.count]
                pane.core.sort = Self.column(of: pane.sort).map { TableSort(column: $0, ascending: !pane.descending) }
                return pane.restart(environment) + [.flash("Sorted by \(pane.sort.title)\(Self.column(of: pane.sort) == nil ? " (no column shows it; S reverses)" : "")", .info)]
            },
            KeyBinding([.character("S")], "S", "Reverse", inFooter: false) { pane, _, environment in
                pane.descending.toggle()
                pane.core.sort = Self.column(of: pane.sort).map { TableSort(column: $0, ascending: !pane.descending) }
                return pane.restart(environment) + [.flash("Sorted by \(pane.sort.title), \(pane.descending ? "reversed" : "in its usual order")", .info)]
            },
            KeyBinding([.character("n")], "n", "New", disabledReason: manage("add users")) { _, _, environment in
                [.push(UserForm(creating: environment))]
            },
            KeyBinding([.character("e")], "e", "Edit", disabledReason: manage("edit users")) { pane, _, environment in
                guard let selected = pane.core.list.selected?.user else { return [] }
                return [.push(UserForm(editing: selected, environment))]
            },
            KeyBinding([.character("x")], "x", disabling ? "Disable" : "Enable", disabledReason: manage(disabling ? "disable users" : "enable users")) { pane, _, environment in
                guard let selected = pane.core.list.selected?.user else { return [] }
                return UserActions.toggleStatus(selected, environment)
            },
            KeyBinding([.character("d"), .delete], "d", "Delete", disabledReason: manage("delete users")) { pane, _, environment in
                guard let selected = pane.core.list.selected?.user else { return [] }
                return UserActions.delete(selected, environment)
            },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        filterEditingKeys ?? boundKeys(environment)
    }

    /// The column whose header gets the sort arrow; nil when no column shows the key (date added).
    static func column(of sort: UserQuery.Sort) -> Int? {
        switch sort {
        case .displayName: 0
        case .loginName: 1
        case .createdAt: nil
        }
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if let listActions = handleListKey(key, environment) { return listActions }
        return handleBinding(key, environment)
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if let loads = acceptListReply(result, environment) { return loads }
        if case let .effect(value) = result { return UserActions.receive(value) ?? [] }
        guard case let .quickFilters(chosen) = result else { return [] }
        filters = UserFilters(chosen: chosen)
        return restart(environment)
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        core.render(into: &buffer, area: area, theme: theme, title: "Users", summaryExtra: filters.summary) { row in
            let user = row.user
            return [
                // Color marks the exception (a disabled account), not every row: each colored
                // cell costs the terminal SGR sequences whenever the selection repaints the row.
                CellText(user.displayName), CellText(user.loginName), CellText(user.kind.shortTitle),
                CellText(user.identitySource.shortTitle), CellText(user.accessLevel.shortTitle),
                user.isActive ? CellText("Active") : CellText("Disabled", .danger),
                CellText(String(row.groupCount)), row.tokenCount.map { CellText(String($0)) } ?? CellText("\u{2014}", .muted),
            ]
        }
    }
}

extension AccountKind {
    /// Fits a narrow column: "Service acct", "Job agent".
    var shortTitle: String {
        switch self {
        case .user: "User"
        case .serviceAccount: "Service acct"
        case .servicePrincipal: "Principal"
        case .jobAgent: "Job agent"
        case .thirdPartyApp: "3rd-party app"
        }
    }
}

extension AccessLevel {
    var shortTitle: String {
        switch self {
        case .stakeholder: "Stakeholder"
        case .basic: "Basic"
        case .basicPlusTestPlans: "Basic+Tests"
        }
    }
}

extension UserQuery.Sort {
    var title: String {
        switch self {
        case .displayName: "name"
        case .loginName: "login"
        case .createdAt: "date added"
        }
    }
}

/// The Users pane's quick filters: kinds, statuses, identity sources (any of each group).
struct UserFilters {
    var kinds: Set<AccountKind> = []
    var statuses: Set<AccountStatus> = []
    var sources: Set<IdentitySource> = []

    static let options: [QuickFilterOption] =
        AccountStatus.allCases.map { QuickFilterOption(id: "status:\($0.rawValue)", label: $0.title, group: "Status") }
        + AccountKind.allCases.map { QuickFilterOption(id: "kind:\($0.rawValue)", label: $0.title, group: "Kind") }
        + IdentitySource.allCases.map { QuickFilterOption(id: "source:\($0.rawValue)", label: $0.title, group: "Identity source") }

    init() {}

    init(chosen: Set<String>) {
        for id in chosen {
            let parts = id.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "status": AccountStatus(rawValue: parts[1]).map { statuses.insert($0) }
            case "kind": AccountKind(rawValue: parts[1]).map { kinds.insert($0) }
            case "source": IdentitySource(rawValue: parts[1]).map { sources.insert($0) }
            default: break
            }
        }
    }

    var chosen: Set<String> {
        Set(statuses.map { "status:\($0.rawValue)" } + kinds.map { "kind:\($0.rawValue)" } + sources.map { "source:\($0.rawValue)" })
    }

    var summary: [String] {
        var parts: [String] = []
        if !statuses.isEmpty { parts.append(statuses.map(\.title).sorted().joined(separator: "/")) }
        if !kinds.isEmpty { parts.append(kinds.map(\.title).sorted().joined(separator: "/")) }
        if !sources.isEmpty { parts.append(sources.map(\.shortTitle).sorted().joined(separator: "/")) }
        return parts
    }
}
