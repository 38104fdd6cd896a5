import Foundation
import GatehouseDomain
import TerminalKit

/// What a `:` command asks the shell to do.
enum ConsoleCommand {
    case showPane(Pane)
    case open(Pane, any ConsoleScreen)
    case scope(OrganizationID?)
    case help
    case quit
    case failed(String)
}

/// The `:` command line, as in vim and k9s: `:tokens`, `:user alice`, `:org Contoso`, `:q`.
/// Tab completes command names, then logins, group names or organization names.
struct CommandLine {
    private(set) var field = TextField(placeholder: "users, groups, tokens, audit, policies, user NAME, group NAME, token NAME, org NAME|all, quit", maxLength: 200)

    enum Outcome {
        case editing
        case cancelled
        case run(ConsoleCommand)
    }

    static let verbs = ["users", "groups", "tokens", "audit", "policies", "user", "group", "token", "org", "help", "quit"]

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> Outcome {
        switch key {
        case .escape, .ctrl("c"):
            return .cancelled
        case .enter:
            return .run(Self.parse(field.text, environment))
        case .tab:
            if let completed = Self.complete(field.text, environment) { field.setText(completed) }
            return .editing
        case .backspace where field.text.isEmpty:
            return .cancelled
        default:
            _ = field.handle(key)
            return .editing
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let row = area.row(0)
        buffer.fill(row, style: theme[.normal])
        let used = buffer.put(":", x: row.x, y: row.y, style: theme[.keyHint])
        field.render(into: &buffer, area: Rect(x: row.x + used, y: row.y, width: row.width - used, height: 1), theme: theme)
    }

    static func parse(_ text: String, _ environment: ConsoleEnvironment) -> ConsoleCommand {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let verb = trimmed.split(separator: " ", maxSplits: 1).first.map(String.init)?.lowercased() ?? ""
        let argument = trimmed.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        switch verb {
        case "users", "u": return .showPane(.users)
        case "groups", "g": return .showPane(.groups)
        case "tokens", "t": return .showPane(.tokens)
        case "audit", "a": return .showPane(.audit)
        case "policies", "policy", "p": return .showPane(.policies)
        case "help", "h": return .help
        case "quit", "q", "q!", "exit": return .quit
        case "user":
            guard !argument.isEmpty else { return .failed("Which user? Type :user and a login, e.g. :user alice.") }
            return openUser(argument, environment)
        case "group":
            guard !argument.isEmpty else { return .failed("Which group? Type :group and a name, e.g. :group Contributors.") }
            return openGroup(argument, environment)
        case "token":
            guard !argument.isEmpty else { return .failed("Which token? Type :token and a name or id.") }
            return openToken(argument, environment)
        case "org", "organization":
            if argument.isEmpty || argument.lowercased() == "all" { return .scope(nil) }
            guard let organization = environment.organizations.first(where: { $0.name.lowercased() == argument.lowercased() }) else {
                return .failed("No organization named \u{201C}\(argument)\u{201D}. Known: \(environment.organizations.map(\.name).joined(separator: ", ")).")
            }
            return .scope(organization.id)
        case "":
            return .failed("Type a command, e.g. :tokens or :user alice. Press ? for help.")
        default:
            return .failed("Unknown command \u{201C}\(verb)\u{201D}. Try \(verbs.joined(separator: ", ")).")
        }
    }

    private static func openUser(_ text: String, _ environment: ConsoleEnvironment) -> ConsoleCommand {
        if let user = try? environment.service.user(login: text, by: environment.actor) {
            return .open(.users, UserDetail(user: user, environment))
        }
        let matches = (try? environment.service.users(UserQuery(search: TextSearch(text)), page: .first(2), by: environment.actor).items) ?? []
        if matches.count == 1 { return .open(.users, UserDetail(user: matches[0], environment)) }
        return .failed(matches.isEmpty ? "No user matches \u{201C}\(text)\u{201D}." : "Several users match \u{201C}\(text)\u{201D}; type more of the login, or use / in the Users pane.")
    }

    private static func openGroup(_ text: String, _ environment: ConsoleEnvironment) -> ConsoleCommand {
        let query = GroupQuery(search: TextSearch(text), organizationID: environment.scope)
        let matches = (try? environment.service.groups(query, page: .first(20), by: environment.actor).items) ?? []
        let exact = matches.filter { $0.name.lowercased() == text.lowercased() }
        if let group = exact.first ?? (matches.count == 1 ? matches.first : nil) {
            return .open(.groups, GroupDetail(group: group, environment))
        }
        return .failed(matches.isEmpty ? "No group matches \u{201C}\(text)\u{201D}." : "Several groups match \u{201C}\(text)\u{201D}; narrow with :org NAME or type the full name.")
    }

    private static func openToken(_ text: String, _ environment: ConsoleEnvironment) -> ConsoleCommand {
        if let id = TokenID(string: text), let token = try? environment.service.token(id, by: environment.actor) {
            return .open(.tokens, TokenDetail(token: token, environment))
        }
        let matches = (try? environment.service.tokens(TokenQuery(search: TextSearch(text)), page: .first(2), by: environment.actor).items) ?? []
        if matches.count == 1 { return .open(.tokens, TokenDetail(token: matches[0], environment)) }
        return .failed(matches.isEmpty ? "No token you can see matches \u{201C}\(text)\u{201D}." : "Several tokens match \u{201C}\(text)\u{201D}; use / in the Tokens pane.")
    }

    /// Completes the verb, or the argument of user/group/org from the directory.
    static func complete(_ text: String, _ environment: ConsoleEnvironment) -> String? {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count <= 1 {
            let candidates = verbs.filter { $0.hasPrefix(text.lowercased()) }
            guard let first = candidates.first else { return nil }
            return candidates.count == 1 ? first + " " : commonPrefix(candidates) ?? first
        }
        let verb = parts[0].lowercased()
        let prefix = parts[1]
        let names: [String]
        switch verb {
        case "user":
            names = (try? environment.service.users(UserQuery(search: TextSearch(prefix, mode: .prefix), sort: .loginName), page: .first(20), by: environment.actor).items.map(\.loginName)) ?? []
        case "group":
            names = (try? environment.service.groups(GroupQuery(search: TextSearch(prefix, mode: .prefix), organizationID: environment.scope), page: .first(20), by: environment.actor).items.map(\.name)) ?? []
        case "org", "organization":
            names = (environment.organizations.map(\.name) + ["all"]).filter { $0.lowercased().hasPrefix(prefix.lowercased()) }
        default:
            return nil
        }
        let matching = names.filter { $0.lowercased().hasPrefix(prefix.lowercased()) }
        guard let first = matching.first else { return nil }
        let completion = matching.count == 1 ? first : (commonPrefix(matching) ?? first)
        return "\(parts[0]) \(completion)"
    }

    static func commonPrefix(_ values: [String]) -> String? {
        guard var prefix = values.first else { return nil }
        for value in values.dropFirst() {
            while !value.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        return prefix
    }
}
