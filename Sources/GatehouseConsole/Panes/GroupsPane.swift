import GatehouseDomain
import TerminalKit

struct GroupRow: Sendable {
    let group: SecurityGroup
    let memberCount: Int
}

/// The Groups pane: security groups of every organization (or the one chosen with `:org`).
struct GroupsPane: ListPane, BindingScreen {
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

    /// Reads nothing: the shell asks for the first page (`load`) once the pane is on screen.
    init(_ environment: ConsoleEnvironment) {}

    var breadcrumb: String { "Groups" }
    var helpSummary: String { "Security groups hold users and other groups. Permissions set on a group apply to every member, directly or through nesting; Deny anywhere wins." }

    private func query(_ environment: ConsoleEnvironment) -> GroupQuery {
        GroupQuery(search: core.filter.text.isEmpty ? nil : TextSearch(core.filter.text), organizationID: environment.scope)
    }

    func source(_ environment: ConsoleEnvironment) -> ListSource<GroupRow> {
        let query = query(environment)
        let service = environment.service
        let actor = environment.actor
        return ListSource(fetch: { request throws(GatehouseError) in
            try service.groupsWithMemberCounts(query, page: request, by: actor).map { GroupRow(group: $0.group, memberCount: $0.memberCount) }
        }, count: { _ throws(GatehouseError) in
            // A few hundred groups at most: always exact.
            .exact(try service.count(query, by: actor))
        })
    }

    func open(_ item: GroupRow, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        [.push(GroupDetail(group: item.group, environment))]
    }

    /// The Groups list's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<GroupsPane>] {
        let manage = environment.denial(of: .manageGroups, action: "manage groups")
        let selected = core.list.selected?.group
        let isDefault = selected?.isDefault == true
        return [
            KeyBinding([.enter], "Enter", "Open"),
            KeyBinding([.character("/")], "/", "Filter"),
            KeyBinding([.character("n")], "n", "New", disabledReason: manage) { _, _, environment in
                [.push(GroupForm(creating: environment))]
            },
            KeyBinding([.character("e")], "e", "Edit", disabledReason: manage) { pane, _, environment in
                guard let selected = pane.core.list.selected?.group else { return [] }
                if let reason = environment.denial(of: .manageGroups, in: selected.organizationID, action: "edit groups") { return [.flash(reason, .error)] }
                return [.push(GroupForm(editing: selected, environment))]
            },
            KeyBinding([.character("d"), .delete], "d", "Delete",
                       disabledReason: manage ?? (isDefault ? "\(selected?.name ?? "This") is a default group and cannot be deleted." : nil)) { pane, _, environment in
                guard let selected = pane.core.list.selected?.group else { return [] }
                return GroupActions.delete(selected, environment)
            },
            KeyBinding([.character("s"), .character("S")], "s", "Sort",
                       disabledReason: "Groups are listed by name, A to Z, the only order they have: / finds one by any part of its name."),
            KeyBinding([.character("f")], "f", "Quick filters", disabledReason: "Groups have no quick filters: / filters by name, and :org NAME shows one organization.",
                       inFooter: false),
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
        if case let .effect(value) = result { return GroupActions.receive(value) ?? [] }
        return []
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
            let service = environment.service
            let actor = environment.actor
            return [.run(Effect(progress: "Deleting group \(group.name)\u{2026}") {
                Deleted(name: group.name, outcome: Result { () throws(GatehouseError) in try service.deleteGroup(group.id, by: actor) })
            })]
        })]
    }

    /// A deletion's answer (an effect's result).
    struct Deleted: Sendable {
        let name: String
        let outcome: Result<Void, GatehouseError>
    }

    /// The next step for an effect's answer; nil for a value that is not a deletion's.
    static func receive(_ value: any Sendable) -> [ConsoleAction]? {
        guard let deleted = value as? Deleted else { return nil }
        switch deleted.outcome {
        case .success: return [.pop, .refreshAll, .flash("Deleted group \(deleted.name)", .success)]
        case let .failure(error): return [.failure(error)]
        }
    }
}
