import Foundation
import GatehouseDomain
import TerminalKit

/// What a `:` command asks the shell to do.
enum ConsoleCommand {
    case showPane(Pane)
    /// A pane's list filtered by a text, with a note saying why (a name matching several).
    case filteredList(Pane, String, String)
    case open(Pane, any ConsoleScreen)
    case scope(OrganizationID?)
    case help
    case quit
    case failed(String)
}

/// The `:` command line, as in vim and k9s: `:tokens`, `:user alice`, `:org Contoso`, `:q`.
/// Tab completes command names, then logins, group names or organization names: it shows the
/// candidates, completes what they share, and the next Tab (Shift-Tab) cycles through them.
struct CommandLine {
    private(set) var field = TextField(placeholder: "users, groups, tokens, audit, policies, user NAME, group NAME, token NAME, org NAME|all, quit", maxLength: 200)
    /// What Tab offered, and which one is in the field (nil: none chosen yet).
    private(set) var candidates: [String] = []
    private var candidateIndex: Int?
    /// The text before the candidate (the verb and a space, or nothing).
    private var candidateStem = ""

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
        case .tab, .backTab:
            if !candidates.isEmpty, candidates.count > 1 {
                let count = candidates.count
                let next = candidateIndex.map { ($0 + (key == .tab ? 1 : count - 1)) % count } ?? (key == .tab ? 0 : count - 1)
                candidateIndex = next
                field.setText(candidateStem + candidates[next])
                return .editing
            }
            let (stem, found) = Self.candidates(field.text, environment)
            candidates = found
            candidateStem = stem
            candidateIndex = nil
            if found.count == 1 {
                field.setText(stem + found[0] + (stem.isEmpty ? " " : ""))
                candidates = []
            } else if let shared = Self.commonPrefix(found), shared.count > field.text.count - stem.count {
                field.setText(stem + shared)
            }
            return .editing
        case .backspace where field.text.isEmpty:
            return .cancelled
        default:
            candidates = []
            candidateIndex = nil
            _ = field.handle(key)
            return .editing
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let row = area.row(0)
        // The candidates on the row above, the chosen one highlighted (as zsh and vim's wildmenu).
        if candidates.count > 1, row.y > 0 {
            let above = Rect(x: row.x, y: row.y - 1, width: row.width, height: 1)
            buffer.fill(above, style: theme[.normal])
            var x = above.x + 1
            for (index, candidate) in candidates.enumerated() {
                let text = index == 0 ? candidate : "  " + candidate
                guard x + TextWidth.width(text) < above.maxX - 1 else {
                    buffer.put(" \u{2026}", x: x, y: above.y, style: theme[.muted])
                    break
                }
                if index > 0 { x += buffer.put("  ", x: x, y: above.y) }
                x += buffer.put(candidate, x: x, y: above.y, style: theme[index == candidateIndex ? .selection : .muted])
            }
        }
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
        if matches.isEmpty { return .failed("No user matches \u{201C}\(text)\u{201D}.") }
        return .filteredList(.users, text, "Several users match \u{201C}\(text)\u{201D}: choose one (Esc clears the filter).")
    }

    private static func openGroup(_ text: String, _ environment: ConsoleEnvironment) -> ConsoleCommand {
        let query = GroupQuery(search: TextSearch(text), organizationID: environment.scope)
        let matches = (try? environment.service.groups(query, page: .first(20), by: environment.actor).items) ?? []
        let exact = matches.filter { $0.name.lowercased() == text.lowercased() }
        // One group of that name (or one match): open it. Several, e.g. a default group in each
        // organization: the list of them, never a guess.
        if let group = exact.count == 1 ? exact.first : (exact.isEmpty && matches.count == 1 ? matches.first : nil) {
            return .open(.groups, GroupDetail(group: group, environment))
        }
        if matches.isEmpty { return .failed("No group matches \u{201C}\(text)\u{201D}.") }
        let organizations = Set(exact.map(\.organizationID)).count
        let note = exact.count > 1 ? "\(exact.count) groups are named \u{201C}\(text)\u{201D}, in \(organizations) organizations: choose one (or :org NAME first)."
            : "Several groups match \u{201C}\(text)\u{201D}: choose one (Esc clears the filter)."
        return .filteredList(.groups, text, note)
    }

    private static func openToken(_ text: String, _ environment: ConsoleEnvironment) -> ConsoleCommand {
        if let id = TokenID(string: text), let token = try? environment.service.token(id, by: environment.actor) {
            return .open(.tokens, TokenDetail(token: token, environment))
        }
        let matches = (try? environment.service.tokens(TokenQuery(search: TextSearch(text)), page: .first(2), by: environment.actor).items) ?? []
        if matches.count == 1 { return .open(.tokens, TokenDetail(token: matches[0], environment)) }
        if matches.isEmpty { return .failed("No token you can see matches \u{201C}\(text)\u{201D}.") }
        return .filteredList(.tokens, text, "Several tokens match \u{201C}\(text)\u{201D}: choose one (Esc clears the filter).")
    }

    /// What Tab offers for the text: the stem kept before the candidate ("group " or nothing),
    /// and the candidates (verbs, or logins, group names, organization names), without repeats.
    static func candidates(_ text: String, _ environment: ConsoleEnvironment) -> (stem: String, candidates: [String]) {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count <= 1 {
            return ("", verbs.filter { $0.hasPrefix(text.lowercased()) })
        }
        let verb = parts[0].lowercased()
        let prefix = parts[1]
        let names: [String]
        switch verb {
        case "user":
            names = (try? environment.service.users(UserQuery(search: TextSearch(prefix, mode: .prefix), sort: .loginName), page: .first(20), by: environment.actor).items.map(\.loginName)) ?? []
        case "group":
            names = (try? environment.service.groups(GroupQuery(search: TextSearch(prefix, mode: .prefix), organizationID: environment.scope), page: .first(40), by: environment.actor).items.map(\.name)) ?? []
        case "org", "organization":
            names = environment.organizations.map(\.name) + ["all"]
        default:
            return ("", [])
        }
        var seen = Set<String>()
        let matching = names.filter { $0.lowercased().hasPrefix(prefix.lowercased()) && seen.insert($0.lowercased()).inserted }
        return ("\(parts[0]) ", matching)
    }

    static func commonPrefix(_ values: [String]) -> String? {
        guard var prefix = values.first else { return nil }
        for value in values.dropFirst() {
            while !value.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        return prefix
    }
}
