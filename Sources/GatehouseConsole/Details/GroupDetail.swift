import GatehouseDomain
import TerminalKit

/// A group: its members (users and nested groups) and its permission grid.
/// Tab moves between the two. In the grid ←/→ (or Space) stage a new value, Not set · Allow ·
/// Deny; nothing is written until Ctrl-S saves every staged change in one façade call.
struct GroupDetail: BindingScreen {
    private enum Focus { case members, permissions }

    private var group: SecurityGroup
    /// Members a page at a time, users read with the page: a group of 13,500 opens at once.
    /// Pages are effects, as the group and its grid are (`Loaded`).
    private var memberLoader = LiveList<ResolvedMember>()
    private var members: PagedList<ResolvedMember> { memberLoader.list }
    /// The group and grid load asked last: an older answer is dropped.
    private var request: Int?
    private var settings: [Permission: PermissionSetting] = [:]
    /// Values chosen in the grid and not saved yet (only those that differ from `settings`).
    private var staged: [Permission: PermissionSetting] = [:]
    /// A save is running (an effect): Ctrl-S waits for it.
    private var saving = false
    private var permissionList = ListState()
    private var focus = Focus.members
    private var loadError: String?

    init(group: SecurityGroup, _ environment: ConsoleEnvironment) {
        self.group = group
    }

    var breadcrumb: String { group.name }
    var helpSummary: String { "Members inherit this group's permissions, also through nested groups. Deny anywhere wins over Allow; Not set grants nothing. Permission changes are staged: Ctrl-S saves them all at once, Esc discards them." }
    var hasUnsavedInput: Bool { !staged.isEmpty }
    var isLoading: Bool { request != nil || memberLoader.isLoading }

    /// The grid's values in order: → goes one step right, ← one step left (no wrap-around).
    static let settingOrder: [PermissionSetting] = [.notSet, .allow, .deny]

    private func shown(_ permission: Permission) -> PermissionSetting {
        staged[permission] ?? settings[permission] ?? .notSet
    }

    private func permissionDenial(_ environment: ConsoleEnvironment) -> String? {
        environment.denial(of: .manageGroups, in: group.organizationID, action: "change this group")
            ?? (group.defaultRole == .projectCollectionAdministrators ? "Project Collection Administrators always hold every permission." : nil)
    }

    /// What one load of the group and its grid read.
    struct Loaded: Sendable {
        let request: Int
        let outcome: Result<(group: SecurityGroup, settings: [Permission: PermissionSetting]), GatehouseError>
    }

    mutating func load(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        memberLoader.reload()
        return loadGroup(environment) + memberLoader.nextLoad(pageHeight: memberHeight(environment.contentArea), source: memberSource(environment), environment)
    }

    /// After a change: the group and grid again, the members' window in place.
    mutating func refreshing(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if memberLoader.hasLoaded { memberLoader.refresh() } else { memberLoader.reload() }
        return loadGroup(environment) + memberLoader.nextLoad(pageHeight: memberHeight(environment.contentArea), source: memberSource(environment), environment)
    }

    private mutating func loadGroup(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        let id = environment.nextRequestID()
        request = id
        let service = environment.service
        let actor = environment.actor
        let groupID = group.id
        return [.run(Effect {
            Loaded(request: id, outcome: Result { () throws(GatehouseError) in
                (try service.group(groupID, by: actor), try service.permissionSettings(of: groupID, by: actor))
            })
        })]
    }

    private func memberSource(_ environment: ConsoleEnvironment) -> ListSource<ResolvedMember> {
        let id = group.id
        let service = environment.service
        let actor = environment.actor
        return ListSource(fetch: { request throws(GatehouseError) in try service.memberPage(of: id, page: request, by: actor) },
                          count: { _ throws(GatehouseError) in .exact(try service.memberCount(of: id, by: actor)) })
    }

    private func layout(_ area: Rect) -> (header: Rect, members: Rect, permissions: Rect) {
        let rows = area.split(rows: [.fixed(2), .fill, .fixed(Permission.allCases.count + 2)])
        return (rows[0], rows[1], rows[2])
    }

    private func memberHeight(_ area: Rect) -> Int { max(1, layout(area).members.height - 2) }


    /// The detail's keys, once: footer, help and handling read this table. Which ones apply
    /// depends on the focus (members or the permission grid) and on what is staged.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<GroupDetail>] {
        let manage = environment.denial(of: .manageGroups, in: group.organizationID, action: "change this group")
        var table: [KeyBinding<GroupDetail>] = []
        // What is staged comes first, so a narrow footer still shows how to save it.
        if !staged.isEmpty {
            table.append(KeyBinding([.ctrl("s")], "Ctrl-S", "Save \(TextFormat.plural(staged.count, "change"))") { detail, _, environment in detail.saveStaged(environment) })
            // Esc is the shell's (back, asking first since something is staged): listed, not handled here.
            table.append(KeyBinding([], "Esc", "Discard"))
        } else {
            table.append(KeyBinding([.ctrl("s")], "Ctrl-S", "Save", disabledReason: "No permission change to save: \u{2190}/\u{2192} in the grid stages one.", inFooter: false))
        }
        table += [
            KeyBinding([.tab, .backTab], "Tab", focus == .members ? "Permissions" : "Members") { detail, _, _ in
                detail.focus = detail.focus == .members ? .permissions : .members
                return []
            },
        ]
        if focus == .members {
            table += [
                KeyBinding([.enter], "Enter", "Open member", disabledReason: members.count == 0 ? "The group has no members." : nil, inFooter: false) { detail, key, environment in
                    detail.handleMembers(key, environment) ?? []
                },
                KeyBinding([.character("a")], "a", "Add member", disabledReason: manage) { detail, key, environment in detail.handleMembers(key, environment) ?? [] },
                KeyBinding([.character("r"), .delete], "r", "Remove member", disabledReason: manage ?? (members.count == 0 ? "The group has no members." : nil)) { detail, key, environment in
                    detail.handleMembers(key, environment) ?? []
                },
            ]
        } else {
            table.append(KeyBinding([.left, .right, .character(" "), .enter, .character("h"), .character("l")], "\u{2190}/\u{2192}", "Not set/Allow/Deny",
                                    disabledReason: permissionDenial(environment)) { detail, key, environment in detail.handlePermissions(key, environment) ?? [] })
        }
        table += [
            KeyBinding([.character("e")], "e", "Edit", disabledReason: manage) { detail, _, environment in
                if let reason = environment.denial(of: .manageGroups, in: detail.group.organizationID, action: "edit groups") { return [.flash(reason, .error)] }
                return [.push(GroupForm(editing: detail.group, environment))]
            },
            KeyBinding([.character("d")], "d", "Delete",
                       disabledReason: manage ?? (group.isDefault ? "\(group.name) is a default group and cannot be deleted." : nil)) { detail, _, environment in
                GroupActions.delete(detail.group, environment)
            },
        ]
        return table
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if let actions = handleBinding(key, environment) { return actions }
        return focus == .members ? handleMembers(key, environment) : handlePermissions(key, environment)
    }

    private mutating func handleMembers(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch key {
        case .character("a"):
            if let reason = environment.denial(of: .manageGroups, in: group.organizationID, action: "change group members") { return [.flash(reason, .error)] }
            return [.push(MemberPicker(group: group, environment))]
        case .character("r"), .delete:
            guard let member = members.selected else { return [] }
            let groupID = group.id
            let dialog = ConfirmDialog(title: "Remove member?", message: "They lose what \(group.name) gives them (unless another group gives it too).",
                                       objectName: "\(member.name) from \(group.name)", confirmLabel: "Remove", isDestructive: true)
            let name = member.name
            let removed = member.member
            return [.confirm(PendingConfirmation(dialog: dialog) { environment in
                let service = environment.service
                let actor = environment.actor
                return [.run(Effect(progress: "Removing \(name)\u{2026}") {
                    MemberRemoval(name: name, outcome: Result { () throws(GatehouseError) in try service.removeMember(removed, from: groupID, by: actor) })
                })]
            })]
        case .enter:
            guard let member = members.selected else { return [] }
            switch member {
            case let .user(user): return [.push(UserDetail(user: user, environment))]
            case let .group(nested): return [.push(GroupDetail(group: nested, environment))]
            }
        default:
            let outcome = memberLoader.move(key, pageHeight: memberHeight(environment.contentArea))
            guard outcome != .ignored else { return nil }
            return memberLoader.nextLoad(pageHeight: memberHeight(environment.contentArea), source: memberSource(environment), environment)
        }
    }

    private mutating func handlePermissions(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        let permissions = Permission.allCases
        switch key {
        case .left, .right, .character(" "), .enter, .character("h"), .character("l"):
            if let reason = permissionDenial(environment) { return [.flash(reason, .error)] }
            let permission = permissions[permissionList.selectedIndex]
            let order = Self.settingOrder
            let current = order.firstIndex(of: shown(permission)) ?? 0
            let next: PermissionSetting = switch key {
            case .left, .character("h"): order[max(0, current - 1)]
            case .right, .character("l"): order[min(order.count - 1, current + 1)]
            default: order[(current + 1) % order.count]  // Space, Enter: round the three
            }
            staged[permission] = next == (settings[permission] ?? .notSet) ? nil : next
            return []
        default:
            let outcome = permissionList.handle(key, rowCount: permissions.count, pageHeight: permissions.count)
            return outcome == .ignored ? nil : []
        }
    }

    /// What saving the staged changes answered (an effect's result).
    struct SaveReply: Sendable {
        let changes: [Permission: PermissionSetting]
        let outcome: Result<Void, GatehouseError>
    }

    /// Every staged change in one façade call (one transaction, one audit event per permission),
    /// run as an effect: on a network database the key press does not wait for it.
    private mutating func saveStaged(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard !saving else { return [.flash("Still saving the last changes\u{2026}", .info)] }
        saving = true
        let changes = staged
        let service = environment.service
        let actor = environment.actor
        let groupID = group.id
        return [.run(Effect(progress: "Saving \(TextFormat.plural(changes.count, "permission change"))\u{2026}") {
            SaveReply(changes: changes, outcome: Result { () throws(GatehouseError) in try service.setPermissions(changes, for: groupID, by: actor) })
        })]
    }

    /// A member removal's answer.
    struct MemberRemoval: Sendable {
        let name: String
        let outcome: Result<Void, GatehouseError>
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .effect(value) = result else { return [] }
        if let loads = memberLoader.accept(value, pageHeight: memberHeight(environment.contentArea), source: memberSource(environment), environment) {
            return loads
        }
        if let loaded = value as? Loaded {
            guard loaded.request == request else { return [] }
            request = nil
            switch loaded.outcome {
            case let .success(content):
                group = content.group
                settings = content.settings
                staged = staged.filter { $0.value != (settings[$0.key] ?? .notSet) }
                loadError = nil
            case let .failure(error):
                loadError = error.description
            }
            return []
        }
        if let done = GroupActions.receive(value) { return done }
        if let removal = value as? MemberRemoval {
            switch removal.outcome {
            case .success: return [.refreshAll, .flash("Removed \(removal.name)", .success)]
            case let .failure(error): return [.failure(error)]
            }
        }
        guard let reply = value as? SaveReply else { return [] }
        saving = false
        switch reply.outcome {
        case let .failure(error):
            return [.failure(error)]
        case .success:
            staged = staged.filter { reply.changes[$0.key] != $0.value }
            let summary = Permission.allCases.compactMap { permission in reply.changes[permission].map { "\(permission.title) \($0.title)" } }
            // Permissions move what members may do (users' effective permissions, every footer's
            // enabled keys) and are audited: those panes reload, Tokens and Policies keep their pages.
            return [.refresh([.groups, .users, .audit]), .flash("Saved for \(group.name): \(summary.joined(separator: ", "))", .success)]
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        if let loadError = loadError ?? memberLoader.loadError {
            buffer.put(loadError, x: area.x + 1, y: area.y + 1, style: theme[.errorText], maxWidth: area.width - 2)
            return
        }
        let parts = layout(area)
        let kind = group.isDefault ? "default group" : "custom group"
        buffer.put("\(group.name)", x: parts.header.x + 1, y: parts.header.y, style: theme[.title], maxWidth: parts.header.width - 2)
        buffer.put("\(kind) of \(environment.organizationName(group.organizationID)) \u{00B7} \(group.description)", x: parts.header.x + 1, y: parts.header.y + 1,
                   style: theme[.muted], maxWidth: parts.header.width - 2)

        let memberInner = Block(title: "Members (\(Format.count(members.count)))", isFocused: focus == .members).render(into: &buffer, area: parts.members, theme: theme)
        if !memberLoader.hasLoaded {
            buffer.put("Loading\u{2026}", x: memberInner.x + 1, y: memberInner.y, style: theme[.muted], maxWidth: memberInner.width - 2)
        } else if members.count == 0 {
            buffer.put("No members. Press a to add users or groups.", x: memberInner.x + 1, y: memberInner.y, style: theme[.muted], maxWidth: memberInner.width - 2)
        }
        for (row, entry) in members.visibleItems(pageHeight: memberInner.height).enumerated() {
            guard let member = entry.item else {
                // Not loaded yet: a dim placeholder until its page arrives.
                buffer.put("\u{2026}", x: memberInner.x + 1, y: memberInner.row(row).y, style: theme[.muted])
                continue
            }
            let selected = entry.index == members.selectedIndex
            let style = selected ? theme[focus == .members ? .selection : .inactiveSelection] : theme[.normal]
            let line = memberInner.row(row)
            if selected { buffer.fill(line, style: style) }
            let (kindText, detail): (String, String) = switch member {
            case let .user(user): ("user ", "\(user.loginName)\(user.isActive ? "" : " (disabled)")")
            case .group: ("group", "nested group: its members are members here")
            }
            var x = line.x + 1
            x += buffer.put(kindText, x: x, y: line.y, style: selected ? style : theme[.muted]) + 1
            x += buffer.put(member.name, x: x, y: line.y, style: style, maxWidth: max(0, line.maxX - x)) + 2
            buffer.put(detail, x: x, y: line.y, style: selected ? style : theme[.muted], maxWidth: max(0, line.maxX - x - 1))
        }

        let gridTitle = staged.isEmpty ? "Permissions"
            : "Permissions \u{2014} \(TextFormat.plural(staged.count, "unsaved change")): Ctrl-S saves, Esc discards"
        let permissionInner = Block(title: gridTitle, isFocused: focus == .permissions).render(into: &buffer, area: parts.permissions, theme: theme)
        for (index, permission) in Permission.allCases.enumerated() where index < permissionInner.height {
            let line = permissionInner.row(index)
            let selected = focus == .permissions && index == permissionList.selectedIndex
            if selected { buffer.fill(line, style: theme[.selection]) }
            let setting = shown(permission)
            let pending = staged[permission] != nil
            buffer.put((pending ? "* " : "") + permission.title, x: line.x + 1, y: line.y, style: selected ? theme[.selection] : theme[pending ? .warning : .normal], maxWidth: 24)
            var x = line.x + 26
            for option in Self.settingOrder {
                let chosen = option == setting
                let role: Role = selected ? .selection : (chosen ? (option == .allow ? .success : option == .deny ? .danger : .normal) : .muted)
                x += buffer.put(chosen ? "(\u{2022}) \(option.title)" : "( ) \(option.title)", x: x, y: line.y, style: theme[role]) + 3
            }
            if pending {
                buffer.put("was \(settings[permission]?.title ?? PermissionSetting.notSet.title)", x: x, y: line.y, style: theme[selected ? .selection : .warning],
                           maxWidth: max(0, line.maxX - x - 1))
            }
        }
    }
}
