import GatehouseDomain
import TerminalKit

/// Pick a user or a group, filtering as you type: to add to a group (done here, through the
/// façade), or to hand back to the screen below (a policy exemption). Only accounts of the
/// organization and its groups are offered; those already chosen are marked.
struct MemberPicker: BindingScreen {
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
    /// The member is being added (an effect): Enter waits for the answer.
    private var saving = false

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

    /// The picker's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<MemberPicker>] {
        let verb = if case .addTo = purpose { "Add" } else { "Choose" }
        let nobody = candidates.isEmpty ? "Nobody matches the filter: change what you typed." : nil
        return [
            KeyBinding([.up, .down, .pageUp, .pageDown], "\u{2191}/\u{2193}", "Move", disabledReason: nobody) { picker, key, environment in
                _ = picker.list.handle(key, rowCount: picker.candidates.count, pageHeight: max(1, environment.contentArea.height - 6))
                return []
            },
            KeyBinding([.enter], "Enter", verb, disabledReason: saving ? "Still adding the last one\u{2026}" : nobody) { picker, _, environment in
                picker.choose(environment)
            },
            KeyBinding([.escape], "Esc", "Cancel") { _, _, _ in [.pop] },
            .typing("type", "Filter by name or login") { picker, key, environment in
                let before = picker.field.text
                _ = picker.field.handle(key)
                if picker.field.text != before {
                    picker.list = ListState()
                    picker.search(environment)
                }
                return []
            },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    private mutating func search(_ environment: ConsoleEnvironment) {
        let text = field.text.isEmpty ? nil : TextSearch(field.text)
        let groups = (try? environment.service.groups(GroupQuery(search: text, organizationID: organizationID), page: .first(10), by: environment.actor).items) ?? []
        let users = (try? environment.service.users(UserQuery(search: text, organizationID: organizationID), page: .first(40), by: environment.actor).items) ?? []
        candidates = groups.filter { $0.id != excludedGroup }.map(ResolvedMember.group) + users.map(ResolvedMember.user)
        list.clamp(rowCount: candidates.count, pageHeight: 10)
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    /// What adding answered (an effect's result).
    struct AddReply: Sendable {
        let name: String
        let outcome: Result<Void, GatehouseError>
    }

    /// An exemption goes back to the editor (saved with it); a member is added through the
    /// façade as an effect, so a network database never holds the key.
    private mutating func choose(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard list.selectedIndex < candidates.count else { return [] }
        let choice = candidates[list.selectedIndex]
        guard case let .addTo(group) = purpose else { return [.popWith(.member(choice.member))] }
        saving = true
        let service = environment.service
        let actor = environment.actor
        let name = choice.name
        return [.run(Effect(progress: "Adding \(name) to \(group.name)\u{2026}") {
            AddReply(name: name, outcome: Result { () throws(GatehouseError) in try service.addMember(choice.member, to: group.id, by: actor) })
        })]
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .effect(value) = result, let reply = value as? AddReply, case let .addTo(group) = purpose else { return [] }
        saving = false
        switch reply.outcome {
        case .success: return [.pop, .refreshAll, .flash("Added \(reply.name) to \(group.name)", .success)]
        case let .failure(error): return [.failure(error)]
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
