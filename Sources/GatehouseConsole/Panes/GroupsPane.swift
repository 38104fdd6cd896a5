import GatehouseDomain
import TerminalKit

struct GroupRow: Sendable {
    let group: SecurityGroup
    let memberCount: Int
}

/// The Groups pane: security groups of every organization (or the one chosen with `:org`).
struct GroupsPane: ListPane {
    var core = ListPaneCore<GroupRow>(
        columns: [
            TableColumn("Name", minWidth: 16, weight: 2, priority: 9),
            TableColumn("Organization", minWidth: 12, maxWidth: 20, weight: 1, priority: 7),
            TableColumn("Members", minWidth: 7, maxWidth: 7, weight: 0, alignment: .right, priority: 8),
            TableColumn("Type", minWidth: 7, maxWidth: 7, weight: 0, priority: 5),
            TableColumn("Description", minWidth: 12, weight: 3, priority: 3),
        ],
        sort: TableSort(column: 0),
        emptyMessage: "No groups. Press n to create one.")

    init(_ environment: ConsoleEnvironment) {
        reload(environment)
    }

    var breadcrumb: String { "Groups" }
    var helpSummary: String { "Security groups hold users and other groups. Permissions set on a group apply to every member, directly or through nesting; Deny anywhere wins." }

    private func query(_ environment: ConsoleEnvironment) -> GroupQuery {
        GroupQuery(search: core.filter.text.isEmpty ? nil : TextSearch(core.filter.text), organizationID: environment.scope)
    }

    func fetch(_ environment: ConsoleEnvironment) -> PagedList<GroupRow>.Fetch {
        let query = query(environment)
        let service = environment.service
        let actor = environment.actor
        return { request throws(GatehouseError) in
            try service.groups(query, page: request, by: actor).map { group in
                GroupRow(group: group, memberCount: (try? service.memberCount(of: group.id, by: actor)) ?? 0)
            }
        }
    }

    func counter(_ environment: ConsoleEnvironment) -> ListCounter {
        let query = query(environment)
        // A few hundred groups at most: always exact.
        return { _ throws(GatehouseError) in .exact(try environment.service.count(query, by: environment.actor)) }
    }

    func open(_ item: GroupRow, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        [.push(GroupDetail(group: item.group, environment))]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        if let filterEditingKeys { return filterEditingKeys }
        let manage = environment.denial(of: .manageGroups, action: "manage groups")
        let isDefault = core.list.selected?.group.isDefault == true
        return [
            ScreenKey("Enter", "Open"), ScreenKey("/", "Filter"), ScreenKey("n", "New", disabledReason: manage),
            ScreenKey("e", "Edit", disabledReason: manage),
            ScreenKey("d", "Delete", disabledReason: manage ?? (isDefault ? "Default groups cannot be deleted." : nil)),
        ]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if let listActions = handleListKey(key, environment) { return listActions }
        let selected = core.list.selected?.group
        switch key {
        case .character("n"):
            if let reason = environment.denial(of: .manageGroups, action: "create groups") { return [.flash(reason, .error)] }
            return [.push(GroupForm(creating: environment))]
        case .character("e"):
            guard let selected else { return [] }
            if let reason = environment.denial(of: .manageGroups, in: selected.organizationID, action: "edit groups") { return [.flash(reason, .error)] }
            return [.push(GroupForm(editing: selected, environment))]
        case .character("d"), .delete:
            guard let selected else { return [] }
            return GroupActions.delete(selected, environment)
        default:
            return nil
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        core.render(into: &buffer, area: area, theme: theme, title: "Groups") { row in
            [
                CellText(row.group.name), CellText(environment.organizationName(row.group.organizationID), .muted),
                CellText(String(row.memberCount)), row.group.isDefault ? CellText("Default", .muted) : CellText("Custom", .accent),
                CellText(row.group.description, .muted),
            ]
        }
    }
}

enum GroupActions {
    static func delete(_ group: SecurityGroup, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if group.isDefault { return [.flash("\(group.name) is a default group and cannot be deleted.", .error)] }
        if let reason = environment.denial(of: .manageGroups, in: group.organizationID, action: "delete groups") { return [.flash(reason, .error)] }
        let dialog = ConfirmDialog(
            title: "Delete group?",
            message: "Members lose the permissions this group gives them; its memberships and policy exemptions go with it.",
            objectName: "\(group.name) (\(environment.organizationName(group.organizationID)))", confirmLabel: "Delete", isDestructive: true)
        return [.confirm(PendingConfirmation(dialog: dialog) { environment in
            do {
                try environment.service.deleteGroup(group.id, by: environment.actor)
                return [.pop, .refreshAll, .flash("Deleted group \(group.name)", .success)]
            } catch {
                return [.failure(error)]
            }
        })]
    }
}
