import GatehouseDomain
import TerminalKit

/// A group: its members (users and nested groups) and its permission grid.
/// Tab moves between the two; in the grid ←/→ or Space sets Allow / Deny / Not set.
struct GroupDetail: ConsoleScreen {
    private enum Focus { case members, permissions }

    private var group: SecurityGroup
    /// Members a page at a time, users read with the page: a group of 13,500 opens at once.
    private var members = PagedList<ResolvedMember>()
    private var settings: [Permission: PermissionSetting] = [:]
    private var permissionList = ListState()
    private var focus = Focus.members
    private var loadError: String?

    init(group: SecurityGroup, _ environment: ConsoleEnvironment) {
        self.group = group
        refresh(environment)
    }

    var breadcrumb: String { group.name }
    var helpSummary: String { "Members inherit this group's permissions, also through nested groups. Deny anywhere wins over Allow; Not set grants nothing." }

    mutating func refresh(_ environment: ConsoleEnvironment) {
        do {
            group = try environment.service.group(group.id, by: environment.actor)
            let count = try environment.service.memberCount(of: group.id, by: environment.actor)
            // The first load reads the top; later ones reload the window in place (one page).
            if members.entries.isEmpty {
                try members.reload(count: .exact(count), pageHeight: memberHeight(environment.contentArea), fetch: fetchMembers(environment))
            } else {
                try members.refresh(count: .exact(count), pageHeight: memberHeight(environment.contentArea), fetch: fetchMembers(environment))
            }
            settings = try environment.service.permissionSettings(of: group.id, by: environment.actor)
            loadError = nil
        } catch {
            loadError = error.description
        }
    }

    private func layout(_ area: Rect) -> (header: Rect, members: Rect, permissions: Rect) {
        let rows = area.split(rows: [.fixed(2), .fill, .fixed(Permission.allCases.count + 2)])
        return (rows[0], rows[1], rows[2])
    }

    private func memberHeight(_ area: Rect) -> Int { max(1, layout(area).members.height - 2) }

    private func fetchMembers(_ environment: ConsoleEnvironment) -> PagedList<ResolvedMember>.Fetch {
        let id = group.id
        return { request throws(GatehouseError) in try environment.service.memberPage(of: id, page: request, by: environment.actor) }
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        let manage = environment.denial(of: .manageGroups, in: group.organizationID, action: "change this group")
        var keys = [ScreenKey("Tab", focus == .members ? "Permissions" : "Members")]
        if focus == .members {
            keys += [ScreenKey("a", "Add member", disabledReason: manage),
                     ScreenKey("r", "Remove member", disabledReason: manage ?? (members.count == 0 ? "The group has no members." : nil))]
        } else {
            let locked = group.defaultRole == .projectCollectionAdministrators ? "Project Collection Administrators always hold every permission." : nil
            keys += [ScreenKey("←/→", "Allow/Deny/Not set", disabledReason: manage ?? locked)]
        }
        keys += [ScreenKey("e", "Edit", disabledReason: manage),
                 ScreenKey("d", "Delete", disabledReason: manage ?? (group.isDefault ? "Default groups cannot be deleted." : nil))]
        return keys
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch key {
        case .tab, .backTab:
            focus = focus == .members ? .permissions : .members
            return []
        case .character("e"):
            if let reason = environment.denial(of: .manageGroups, in: group.organizationID, action: "edit groups") { return [.flash(reason, .error)] }
            return [.push(GroupForm(editing: group, environment))]
        case .character("d"):
            return GroupActions.delete(group, environment)
        default:
            break
        }
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
            return [.confirm(PendingConfirmation(dialog: dialog) { environment in
                do {
                    try environment.service.removeMember(member.member, from: groupID, by: environment.actor)
                    return [.refreshAll, .flash("Removed \(member.name)", .success)]
                } catch {
                    return [.failure(error)]
                }
            })]
        case .enter:
            guard let member = members.selected else { return [] }
            switch member {
            case let .user(user): return [.push(UserDetail(user: user, environment))]
            case let .group(nested): return [.push(GroupDetail(group: nested, environment))]
            }
        default:
            do {
                let outcome = try members.handle(key, pageHeight: memberHeight(environment.contentArea), fetch: fetchMembers(environment))
                return outcome == .ignored ? nil : []
            } catch {
                loadError = error.description
                return []
            }
        }
    }

    private mutating func handlePermissions(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        let permissions = Permission.allCases
        switch key {
        case .left, .right, .character(" "), .enter, .character("h"), .character("l"):
            let permission = permissions[permissionList.selectedIndex]
            let order: [PermissionSetting] = [.notSet, .allow, .deny]
            let current = order.firstIndex(of: settings[permission] ?? .notSet) ?? 0
            let next = order[(current + (key == .left || key == .character("h") ? order.count - 1 : 1)) % order.count]
            do {
                try environment.service.setPermission(permission, to: next, for: group.id, by: environment.actor)
                return [.refreshAll, .flash("\(permission.title): \(next.title) for \(group.name)", .success)]
            } catch {
                return [.failure(error)]
            }
        default:
            let outcome = permissionList.handle(key, rowCount: permissions.count, pageHeight: permissions.count)
            return outcome == .ignored ? nil : []
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        if let loadError {
            buffer.put(loadError, x: area.x + 1, y: area.y + 1, style: theme[.errorText], maxWidth: area.width - 2)
            return
        }
        let parts = layout(area)
        let kind = group.isDefault ? "default group" : "custom group"
        buffer.put("\(group.name)", x: parts.header.x + 1, y: parts.header.y, style: theme[.title], maxWidth: parts.header.width - 2)
        buffer.put("\(kind) of \(environment.organizationName(group.organizationID)) \u{00B7} \(group.description)", x: parts.header.x + 1, y: parts.header.y + 1,
                   style: theme[.muted], maxWidth: parts.header.width - 2)

        let memberInner = Block(title: "Members (\(Format.count(members.count)))", isFocused: focus == .members).render(into: &buffer, area: parts.members, theme: theme)
        if members.count == 0 {
            buffer.put("No members. Press a to add users or groups.", x: memberInner.x + 1, y: memberInner.y, style: theme[.muted], maxWidth: memberInner.width - 2)
        }
        for (row, entry) in members.visibleItems(pageHeight: memberInner.height).enumerated() {
            guard let member = entry.item else { continue }
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

        let permissionInner = Block(title: "Permissions", isFocused: focus == .permissions).render(into: &buffer, area: parts.permissions, theme: theme)
        for (index, permission) in Permission.allCases.enumerated() where index < permissionInner.height {
            let line = permissionInner.row(index)
            let selected = focus == .permissions && index == permissionList.selectedIndex
            if selected { buffer.fill(line, style: theme[.selection]) }
            let setting = settings[permission] ?? .notSet
            buffer.put(permission.title, x: line.x + 1, y: line.y, style: selected ? theme[.selection] : theme[.normal], maxWidth: 24)
            var x = line.x + 26
            for option in [PermissionSetting.allow, .deny, .notSet] {
                let chosen = option == setting
                let role: Role = selected ? .selection : (chosen ? (option == .allow ? .success : option == .deny ? .danger : .normal) : .muted)
                x += buffer.put(chosen ? "(\u{2022}) \(option.title)" : "( ) \(option.title)", x: x, y: line.y, style: theme[role]) + 3
            }
        }
    }
}
