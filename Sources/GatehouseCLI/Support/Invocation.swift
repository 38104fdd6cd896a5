import ArgumentParser
import Foundation
import GatehouseDomain

/// `--json`, on every command that reads or changes the directory.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print stable JSON (keys sorted, dates ISO-8601 UTC) instead of a table.")
    var json = false
}

/// A command that opens the directory: it gets `--db`, `--as` and `--json`, and its body runs with
/// the façade and the acting user. A `GatehouseError` becomes a message on stderr and its exit status.
protocol DirectoryCommand: ParsableCommand {
    var directory: DirectoryOptions { get }
    var format: OutputOptions { get }
    func execute(_ invocation: Invocation) throws(GatehouseError)
}

extension DirectoryCommand {
    func run() throws {
        let environment = CLIEnvironment.current
        let outcome = Outcome()
        try GatehouseCommand.run(environment.output) { () throws(GatehouseError) in
            let context = try DirectoryContext.open(directory, output: environment.output)
            try execute(Invocation(service: context.service, actor: context.actor, environment: environment, json: format.json, outcome: outcome))
        }
        try outcome.exit()
    }
}

/// A result that is not an error of the directory but still not a success (a token that does not
/// verify): the command prints what it found, then the process exits with this status.
final class Outcome {
    private(set) var status = ExitStatus.success

    func fail(_ status: ExitStatus) { self.status = status }

    func exit() throws {
        if status != .success { throw status.exitCode }
    }
}

/// One run of a command: the façade, who is acting, where to print, and lookups by the names people type.
struct Invocation {
    let service: AccessService
    let actor: Actor
    let environment: CLIEnvironment
    let json: Bool
    var outcome = Outcome()

    var output: CommandOutput { environment.output }
    var now: Date { service.clock.now }

    // MARK: Printing

    func print(_ value: JSONValue) { output.json(value.encoded()) }

    func print(_ table: TextTable, empty: String) {
        if table.isEmpty {
            output.note(empty)
            return
        }
        for line in table.render(width: environment.width) { output.line(line) }
    }

    func print(_ fields: FieldList) {
        for line in fields.render(width: environment.width) { output.line(line) }
    }

    // MARK: Resolving what people type

    func user(_ login: String) throws(GatehouseError) -> User {
        try service.user(login: login.trimmingCharacters(in: .whitespaces), by: actor)
    }

    /// An organization by name; with none given, the only organization there is (or the only one the
    /// acting user belongs to), else a message listing them.
    func organization(_ name: String?) throws(GatehouseError) -> Organization {
        if let name { return try service.organization(named: name.trimmingCharacters(in: .whitespaces), by: actor) }
        let all = try service.organizations(by: actor)
        if all.count == 1 { return all[0] }
        let mine = try service.organizations(of: actor.user.id, by: actor)
        if mine.count == 1 { return mine[0] }
        throw .invalidInput(field: "Organization", problem: "this directory has several organizations (\(all.map(\.name).sorted().joined(separator: ", "))); choose one with --org NAME.")
    }

    /// A group by "ORG/NAME", or by NAME with `--org`, or by NAME alone when only one organization has it.
    func group(_ rawReference: String, organization organizationName: String?) throws(GatehouseError) -> SecurityGroup {
        let reference = rawReference.trimmingCharacters(in: .whitespaces)
        if let organizationName {
            return try service.group(named: reference, in: try organization(organizationName).id, by: actor)
        }
        let organizations = try service.organizations(by: actor)
        if let slash = reference.firstIndex(of: "/") {
            let orgName = String(reference[..<slash]).trimmingCharacters(in: .whitespaces)
            let groupName = String(reference[reference.index(after: slash)...]).trimmingCharacters(in: .whitespaces)
            if let organization = organizations.first(where: { $0.name.lowercased() == orgName.lowercased() }),
               let group = try? service.group(named: groupName, in: organization.id, by: actor) {
                return group
            }
        }
        var matches: [(Organization, SecurityGroup)] = []
        for organization in organizations {
            if let group = try? service.group(named: reference, in: organization.id, by: actor) { matches.append((organization, group)) }
        }
        switch matches.count {
        case 0: throw .notFound(kind: .group, reference: reference)
        case 1: return matches[0].1
        default:
            let choices = matches.map { "\u{201C}\($0.0.name)/\($0.1.name)\u{201D}" }.joined(separator: ", ")
            throw .invalidInput(field: "Group", problem: "several organizations have a group named \u{201C}\(reference)\u{201D}: \(choices). Write ORG/NAME, or add --org.")
        }
    }

    /// A token by its id or a unique id prefix, among the tokens the acting user may see.
    func token(_ reference: String) throws(GatehouseError) -> PersonalAccessToken {
        try service.token(reference: reference, by: actor)
    }

    // MARK: Paging

    /// Reads a list page by page, up to `limit` items (nil: all).
    /// Prints a list page by page, so a million rows start at once and never sit in memory
    /// together. A table takes its column widths from the first page (later cells that are wider
    /// end in "…"); JSON is the same pretty array as `print(.array(…))`, written an element at a
    /// time. Returns how many items were printed.
    @discardableResult
    func printList<Item: Sendable>(
        limit: Int?, empty: String, table: TextTable, row: (Item) -> [String], json: (Item) -> JSONValue,
        _ fetch: (PageRequest) throws(GatehouseError) -> Page<Item>
    ) throws(GatehouseError) -> Int {
        let limit = limit.map { min(max($0, 1), CountArgument.maximumLimit) }  // parsed in range; never trust that here
        var printed = 0
        var widths: [Int]?
        let cutting = environment.width != TerminalWidth.unlimited
        var pendingElement: String?  // printed once the next one (or the end) says whether a comma follows
        var request = PageRequest.first(min(limit ?? 500, 500))
        while true {
            let page = try fetch(request)
            let items = limit.map { Array(page.items.prefix($0 - printed)) } ?? page.items
            if self.json {
                for item in items {
                    if let pendingElement { output.json(pendingElement + ",") } else { output.json("[") }
                    pendingElement = json(item).encoded().split(separator: "\n", omittingEmptySubsequences: false)
                        .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
                }
            } else if !items.isEmpty {
                var chunk = table
                for item in items { chunk.append(row(item)) }
                let layout = widths ?? chunk.layout(width: environment.width)
                if widths == nil { output.line(chunk.header(widths: layout)) }
                for line in chunk.lines(widths: layout, cutting: cutting) { output.line(line) }
                widths = layout
            }
            printed += items.count
            if let limit, printed >= limit { break }
            guard page.hasMoreAfter, let last = page.lastCursor else { break }
            request = PageRequest(.after(last), limit: min(500, limit.map { $0 - printed } ?? 500))
        }
        if self.json {
            if let pendingElement { output.json(pendingElement + "\n]") } else { print(.array([])) }
        } else if printed == 0 {
            output.note(empty)
        }
        return printed
    }

    func collect<Item: Sendable>(limit: Int?, _ fetch: (PageRequest) throws(GatehouseError) -> Page<Item>) throws(GatehouseError) -> [Item] {
        let limit = limit.map { min(max($0, 1), CountArgument.maximumLimit) }
        var items: [Item] = []
        var request = PageRequest.first(min(limit ?? 500, 500))
        while true {
            let page = try fetch(request)
            items += page.items
            if let limit, items.count >= limit { return Array(items.prefix(limit)) }
            guard page.hasMoreAfter, let last = page.lastCursor else { return items }
            request = PageRequest(.after(last), limit: min(500, limit.map { $0 - items.count } ?? 500))
        }
    }
}

/// Looks up names for ids while printing a list, once each.
final class NameCache {
    private let service: AccessService
    private let actor: Actor
    private var users: [UserID: User?] = [:]
    private(set) lazy var organizations: [OrganizationID: Organization] = {
        Dictionary(((try? service.organizations(by: actor)) ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }()

    init(_ service: AccessService, actor: Actor) {
        self.service = service
        self.actor = actor
    }

    /// Reads the accounts not cached yet in one go (a page's owners), where `user` reads one each.
    func prime(_ ids: some Sequence<UserID>) {
        let missing = Set(ids).filter { users[$0] == nil }
        guard !missing.isEmpty, let found = try? service.users(withIDs: missing, by: actor) else { return }
        for id in missing { users[id] = .some(found[id]) }
    }

    func user(_ id: UserID) -> User? {
        if let cached = users[id] { return cached }
        let user = try? service.user(id, by: actor)
        users[id] = user
        return user
    }

    func login(_ id: UserID) -> String { user(id)?.loginName ?? "(deleted \(id.description.prefix(8)))" }

    func organizationName(_ id: OrganizationID?) -> String? {
        id.map { organizations[$0]?.name ?? $0.description }
    }
}
