import Foundation
import GatehouseDomain
import TerminalKit

/// The audit log, newest first. The `/` filter is `AuditFilterSyntax`, the CLI's too: words for
/// the target and `key:value` terms: `actor:alice action:"Token revoked" since:7d until:2026-11-30`.
/// A filter that does not parse is refused with the accepted forms, and the list stays as it was.
struct AuditPane: ListPane, BindingScreen {
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
    /// Why the text being typed is not a filter (the list keeps the last one that was).
    private var filterProblem: String?
    /// The last filter that parsed: what the list shows.
    private var applied = AuditQuery()
    private var appliedText = ""

    /// Reads nothing: the shell asks for the first page (`load`) once the pane is on screen.
    init(_ environment: ConsoleEnvironment) {}

    var breadcrumb: String { "Audit" }
    var helpSummary: String { "Every change, newest first, written in the same transaction as the change. Filter with / (the same syntax as gatehouse audit --filter): \(AuditFilterSyntax.accepted)." }

    private func query(_ environment: ConsoleEnvironment) -> AuditQuery {
        var query = applied
        query.organizationID = environment.scope
        return query
    }

    func source(_ environment: ConsoleEnvironment) -> ListSource<AuditEvent> {
        let query = query(environment)
        let service = environment.service
        let actor = environment.actor
        return ListSource(fetch: { request throws(GatehouseError) in try service.auditEvents(query, page: request, by: actor) },
                          count: { cap throws(GatehouseError) in
                              if let cap { return try service.count(query, cap: cap, by: actor) }
                              return .exact(try service.count(query, by: actor))
                          })
    }

    mutating func willLoad(_ environment: ConsoleEnvironment) {
        let text = core.filter.text
        guard text != appliedText || filterProblem != nil else { return }
        switch AuditFilterSyntax.parse(text, now: environment.now) {
        case let .success(query):
            applied = query
            appliedText = text
            filterProblem = nil
        case let .failure(error):
            filterProblem = error.description
        }
        core.appliedFilterText = appliedText == text ? nil : appliedText
    }

    func open(_ item: AuditEvent, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        [.push(AuditDetail(event: item))]
    }

    /// The pane's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<AuditPane>] {
        [
            KeyBinding([.enter], "Enter", "Details"),
            KeyBinding([.character("/")], "/", "Filter (actor: action: since: until:)"),
            KeyBinding([.character("s"), .character("S")], "s", "Sort",
                       disabledReason: "The audit log is always newest first, the order it was written: since: and until: in / narrow it to a time."),
            KeyBinding([.character("f")], "f", "Quick filters", disabledReason: "The audit log filters with /: \(AuditFilterSyntax.accepted).", inFooter: false),
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        // While the filter is typed, the table in force is the filter's, with the terms (`FilterTermsHinting`).
        boundKeys(environment)
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        // A filter that does not parse cannot be kept: say what is accepted, keep typing.
        if core.filter.isEditing, let filterProblem, [.enter, .up, .down, .tab].contains(key) {
            return [.flash(filterProblem, .error)]
        }
        if let actions = handleListKey(key, environment) { return actions }
        return handleBinding(key, environment)
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        acceptListReply(result, environment) ?? []
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let extra = filterProblem != nil ? ["not a filter yet: the list shows \(appliedText.isEmpty ? "every event" : "\u{201C}\(appliedText)\u{201D}") (Enter says why)"] : ["newest first"]
        core.render(into: &buffer, area: area, theme: theme, title: "Audit", summaryExtra: extra) { event in
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

extension AuditPane: FilterTermsHinting {
    var filterTerms: String { "actor: action: since: until:" }
}
