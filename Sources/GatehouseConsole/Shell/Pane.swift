/// The five panes, in tab order; `1`–`5` select them.
enum Pane: Int, CaseIterable, Sendable {
    case users, groups, tokens, audit, policies

    var title: String {
        switch self {
        case .users: "Users"
        case .groups: "Groups"
        case .tokens: "Tokens"
        case .audit: "Audit"
        case .policies: "Policies"
        }
    }
}
