import Foundation
import GatehouseDomain
import TerminalKit

/// The audit log, newest first. The `/` filter takes words for the target and `key:value`
/// terms: `actor:alice action:token.revoke since:2026-11-01 until:2026-11-30`.
struct AuditPane: ListPane {
    var core = ListPaneCore<AuditEvent>(
        columns: [
            TableColumn("When (UTC)", minWidth: 16, maxWidth: 16, weight: 0, priority: 8),
            TableColumn("Actor", minWidth: 10, maxWidth: 24, weight: 1, priority: 7),
            TableColumn("Action", minWidth: 14, maxWidth: 24, weight: 1, priority: 9),
            TableColumn("Target", minWidth: 12, weight: 2, priority: 6),
            TableColumn("Details", minWidth: 10, weight: 3, priority: 3),
        ],
        sort: TableSort(column: 0, ascending: false),
        emptyMessage: "No audit events.")
    private var filterProblem: String?

    init(_ environment: ConsoleEnvironment) {
        reload(environment)
    }

    var breadcrumb: String { "Audit" }
    var helpSummary: String { "Every change, newest first, written in the same transaction as the change. Filter with / : words match the target; actor:LOGIN, action:token.revoke (or a prefix like action:token), since:YYYY-MM-DD and until:YYYY-MM-DD narrow further." }

    /// Parses the filter text into a query; unknown terms are reported, not ignored.
    static func query(from text: String, scope: OrganizationID?) -> (AuditQuery, String?) {
        var query = AuditQuery(organizationID: scope)
        var words: [String] = []
        var problem: String?
        for term in text.split(separator: " ").map(String.init) {
            let parts = term.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                words.append(term)
                continue
            }
            switch parts[0].lowercased() {
            case "actor": query.actorLogin = parts[1]
            case "action":
                let matching = AuditAction.allCases.filter { $0.rawValue.hasPrefix(parts[1].lowercased()) }
                if matching.isEmpty { problem = "No action starts with \u{201C}\(parts[1])\u{201D} (e.g. token.revoke, user, group.member)." }
                query.actions = Set(matching)
            case "since":
                if let day = TextFormat.parseDay(parts[1]) { query.since = day } else { problem = "since: wants YYYY-MM-DD." }
            case "until":
                if let day = TextFormat.parseDay(parts[1]) { query.until = day.addingTimeInterval(86_400) } else { problem = "until: wants YYYY-MM-DD." }
            default:
                words.append(term)
            }
        }
        if !words.isEmpty { query.target = TextSearch(words.joined(separator: " ")) }
        return (query, problem)
    }

    func fetch(_ environment: ConsoleEnvironment) -> PagedList<AuditEvent>.Fetch {
        let query = Self.query(from: core.filter.text, scope: environment.scope).0
        return { request throws(GatehouseError) in try environment.service.auditEvents(query, page: request, by: environment.actor) }
    }

    func counter(_ environment: ConsoleEnvironment) -> ListCounter {
        let query = Self.query(from: core.filter.text, scope: environment.scope).0
        return { cap throws(GatehouseError) in
            if let cap { return try environment.service.count(query, cap: cap, by: environment.actor) }
            return .exact(try environment.service.count(query, by: environment.actor))
        }
    }

    mutating func willLoad(_ environment: ConsoleEnvironment) {
        filterProblem = Self.query(from: core.filter.text, scope: environment.scope).1
    }

    func open(_ item: AuditEvent, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        [.push(AuditDetail(event: item))]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        if core.filter.isEditing { return [ScreenKey("Enter", "Keep filter"), ScreenKey("Esc", "Clear"), ScreenKey("actor: action: since: until:", "terms")] }
        return [ScreenKey("Enter", "Details"), ScreenKey("/", "Filter (actor: action: since: until:)")]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleListKey(key, environment)
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        core.render(into: &buffer, area: area, theme: theme, title: "Audit", summaryExtra: filterProblem.map { [$0] } ?? ["newest first"]) { event in
            [
                // Plain time and details, color only for actions that warn or destroy: every
                // color or dim run costs SGR sequences each time the selection repaints a row.
                CellText(Self.shortTime(event.occurredAt)), CellText(event.actorText),
                CellText(event.action.title, Self.role(of: event.action)), CellText(event.target.name),
                CellText(event.details.map { "\($0.key): \($0.value)" }.joined(separator: "; ")),
            ]
        }
    }

    static func shortTime(_ date: Date) -> String {
        String(TextFormat.dateTime(date).dropLast(4))
    }

    static func role(of action: AuditAction) -> Role? {
        switch action {
        case .tokenRevoked, .userDeleted, .groupDeleted, .userDisabled, .sshKeyRemoved: .danger
        case .replacedSecretPresented, .tokenLeakReported, .policyUpdated, .tokenSecretNotAcknowledged: .warning
        default: nil
        }
    }
}

/// One audit event, every field and detail.
struct AuditDetail: ConsoleScreen {
    let event: AuditEvent

    var breadcrumb: String { "Event #\(event.id)" }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { [] }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? { nil }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let inner = Block(title: "\(event.action.title) \u{2014} event #\(event.id)", isFocused: true).render(into: &buffer, area: area, theme: theme)
        var rows: [(String, String)] = [
            ("When", TextFormat.dateTime(event.occurredAt)),
            ("Actor", event.actorText + (event.impersonator != nil ? "  (\(event.impersonator?.login ?? "") acting as \(event.actor.login))" : "")),
            ("Action", "\(event.action.title) (\(event.action.rawValue))"),
            ("Target", "\(event.target.kind.noun): \(event.target.name)"),
            ("Target id", event.target.id),
            ("Organization", event.organizationID.map { environment.organizationName($0) } ?? "\u{2014}"),
        ]
        if let onBehalf = event.onBehalfOf { rows.append(("On behalf of", onBehalf.login)) }
        for detail in event.details { rows.append((detail.key, detail.value)) }
        var y = inner.y
        for row in rows where y < inner.maxY {
            buffer.put(row.0, x: inner.x + 1, y: y, style: theme[.muted], maxWidth: 16)
            let lines = TextWrap.wrap(row.1, width: max(1, inner.width - 19))
            for line in lines where y < inner.maxY {
                buffer.put(line, x: inner.x + 18, y: y, style: theme[.normal])
                y += 1
            }
        }
    }
}
