import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse audit …`: the append-only log of every change.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read and export the audit log (needs View audit log).",
        subcommands: [List.self, Export.self])

    struct FilterOptions: ParsableArguments {
        @Option(help: ArgumentHelp("Only events by this login (as actor or as the one acting with --as).", valueName: "login")) var actor: String?
        @Option(help: ArgumentHelp("Only this action, e.g. token.revoke (repeatable).", valueName: "action")) var action: [AuditAction] = []
        @Option(help: ArgumentHelp("Only events whose target's name contains this text.", valueName: "text")) var target: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("From this moment: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, or an age such as 7d.", valueName: "when")) var since: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("Before this moment (same forms).", valueName: "when")) var until: String?
        @Option(help: ArgumentHelp("Only events of this organization.", valueName: "name")) var org: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("The console's audit filter, e.g. 'actor:alice action:\"Token revoked\" since:7d' (\(AuditFilterSyntax.accepted)); the options above narrow it further.", valueName: "filter"))
        var filter: String?

        func query(_ invocation: Invocation) throws(GatehouseError) -> AuditQuery {
            var query = AuditQuery()
            if let filter { query = try AuditFilterSyntax.parse(filter, now: invocation.now).get() }
            if let actor { query.actorLogin = actor }
            if !action.isEmpty { query.actions = query.actions.isEmpty ? Set(action) : query.actions.intersection(action) }
            if let target { query.target = TextSearch(target) }
            if let since { query.since = try MomentArgument.parse(since, now: invocation.now) }
            if let until { query.until = try MomentArgument.parse(until, now: invocation.now) }
            if let since = query.since, let until = query.until, since >= until {
                throw .invalidInput(field: "--since", problem: "\(ISODate.string(since)) is not before --until \(ISODate.string(until)), so no event could match; give an earlier --since or a later --until.")
            }
            if let org { query.organizationID = try invocation.organization(org).id }
            return query
        }
    }

    struct List: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List audit events, newest first.",
            discussion: "Actions: \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).")

        @OptionGroup var filter: FilterOptions
        @Option(parsing: .unconditional, help: "At most this many events (default 50; 0 for all; at most 1000000).", transform: { try CountArgument.parse($0, range: 0...CountArgument.maximumLimit, meaning: " (0 for all)") })
        var limit: Int = 50
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let query = try filter.query(invocation)
            let names = NameCache(invocation.service, actor: invocation.actor)
            let table = TextTable([.fixed("WHEN (UTC)"), .flexible("ACTOR"), .flexible("ACTION", minimum: 14), .flexible("TARGET", minimum: 10), .flexible("DETAILS", minimum: 12)])
            let printed = try invocation.printList(
                limit: limit > 0 ? limit : nil, empty: "No audit events match.", table: table,
                row: { event in
                    var actor = event.actorText
                    if let onBehalf = event.onBehalfOf { actor += " for \(onBehalf.login)" }
                    return [ISODate.string(event.occurredAt).prefix(16).replacingOccurrences(of: "T", with: " "), actor, event.action.rawValue, event.target.name,
                            event.details.map { "\($0.key): \($0.value)" }.joined(separator: "; ")]
                },
                json: { JSONShapes.auditEvent($0, names: names) }
            ) { page throws(GatehouseError) in try invocation.service.auditEvents(query, page: page, by: invocation.actor) }
            if invocation.json { return }
            if limit > 0, printed == limit {
                let total = try invocation.service.count(query, by: invocation.actor)
                if total > limit { invocation.output.note("Showing the newest \(limit) of \(total) events; use --limit N (0 for all) or `audit export`.") }
            }
        }
    }

    struct Export: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export audit events as JSON lines, oldest first (one event object per line).",
            discussion: "For a SIEM or an archive: gatehouse audit export --since 1d >> audit.jsonl")

        @OptionGroup var filter: FilterOptions
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let query = try filter.query(invocation)
            let names = NameCache(invocation.service, actor: invocation.actor)
            // The log pages newest first; walk it from its end so lines come out oldest first, page by page.
            var request = PageRequest(.last, limit: 500)
            while true {
                let page = try invocation.service.auditEvents(query, page: request, by: invocation.actor)
                for event in page.items.reversed() { invocation.output.json(JSONShapes.auditEvent(event, names: names).encoded(pretty: false)) }
                guard page.hasMoreBefore, let first = page.firstCursor else { return }
                request = PageRequest(.before(first), limit: 500)
            }
        }
    }
}
