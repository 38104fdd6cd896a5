import GatehouseDomain
import TerminalKit

/// Pick a user or a group, filtering as you type: to add to a group (done here, through the
/// façade), or to hand back to the screen below (a policy exemption). Only accounts of the
/// organization and its groups are offered; those already chosen are marked.
struct MemberPicker: ConsoleScreen {
    enum Purpose {
        case addTo(SecurityGroup)
        case exemption(organization: OrganizationID, title: String, existing: Set<GroupMember>)
    }

    private let purpose: Purpose
    private let organizationID: OrganizationID
    private let excludedGroup: GroupID?
    private var field = TextField(placeholder: "type a name or login", maxLength: 100)
    private var candidates: [ResolvedMember] = []
    private var existing: Set<GroupMember> = []
    private var list = ListState()

    init(group: SecurityGroup, _ environment: ConsoleEnvironment) {
        purpose = .addTo(group)
        organizationID = group.organizationID
        excludedGroup = group.id
        existing = Set(((try? environment.service.members(of: group.id, by: environment.actor)) ?? []).map(\.member))
        search(environment)
    }

    init(exemptionIn organization: OrganizationID, title: String, existing: Set<GroupMember>, _ environment: ConsoleEnvironment) {
        purpose = .exemption(organization: organization, title: title, existing: existing)
        organizationID = organization
        excludedGroup = nil
        self.existing = existing
        search(environment)
    }

    private var title: String {
        switch purpose {
        case let .addTo(group): "Add a member to \(group.name)"
        case let .exemption(_, title, _): title
        }
    }

    var breadcrumb: String { "Choose" }
    var capturesText: Bool { true }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        [ScreenKey("type", "Filter"), ScreenKey("↑/↓", "Choose"), ScreenKey("Enter", "Add"), ScreenKey("Esc", "Cancel")]
    }

    private mutating func search(_ environment: ConsoleEnvironment) {
        let text = field.text.isEmpty ? nil : TextSearch(field.text)
        let groups = (try? environment.service.groups(GroupQuery(search: text, organizationID: organizationID), page: .first(10), by: environment.actor).items) ?? []
        let users = (try? environment.service.users(UserQuery(search: text, organizationID: organizationID), page: .first(40), by: environment.actor).items) ?? []
        candidates = groups.filter { $0.id != excludedGroup }.map(ResolvedMember.group) + users.map(ResolvedMember.user)
        list.clamp(rowCount: candidates.count, pageHeight: 10)
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch key {
        case .escape: return [.pop]
        case .up, .down, .pageUp, .pageDown:
            _ = list.handle(key, rowCount: candidates.count, pageHeight: max(1, environment.contentArea.height - 6))
            return []
        case .enter:
            guard list.selectedIndex < candidates.count else { return [] }
            let choice = candidates[list.selectedIndex]
            guard case let .addTo(group) = purpose else { return [.popWith(.member(choice.member))] }
            do {
                try environment.service.addMember(choice.member, to: group.id, by: environment.actor)
                return [.pop, .refreshAll, .flash("Added \(choice.name) to \(group.name)", .success)]
            } catch {
                return [.failure(error)]
            }
        default:
            let before = field.text
            _ = field.handle(key)
            if field.text != before {
                list = ListState()
                search(environment)
            }
            return []
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let inner = Block(title: title, isFocused: true, clearsBackground: true).render(into: &buffer, area: area, theme: theme)
        field.render(into: &buffer, area: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: 1), theme: theme)
        let listArea = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: max(0, inner.height - 2))
        if candidates.isEmpty {
            buffer.put("Nobody in \(environment.organizationName(organizationID)) matches. Accounts must belong to the organization first.",
                       x: listArea.x + 1, y: listArea.y, style: theme[.muted], maxWidth: listArea.width - 2)
        }
        let range = list.visibleRange(rowCount: candidates.count, pageHeight: listArea.height)
        for (row, index) in range.enumerated() {
            let candidate = candidates[index]
            let line = listArea.row(row)
            let selected = index == list.selectedIndex
            if selected { buffer.fill(line, style: theme[.selection]) }
            let style = selected ? theme[.selection] : theme[.normal]
            let already = existing.contains(candidate.member) ? "  (already chosen)" : ""
            let detail: String = switch candidate {
            case let .user(user): "user   \(user.displayName)  \(user.loginName)\(already)"
            case let .group(nested): "group  \(nested.name)\(already)"
            }
            buffer.put(detail, x: line.x + 1, y: line.y, style: already.isEmpty ? style : (selected ? style : theme[.muted]), maxWidth: line.width - 2)
        }
    }
}
