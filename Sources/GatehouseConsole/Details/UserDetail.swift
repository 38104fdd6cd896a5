import GatehouseDomain
import TerminalKit

/// One account: its attributes, groups, effective permissions with the reason for each, and SSH
/// keys. Loaded by an effect; until the answer the account from the list is shown, with "Loading…".
struct UserDetail: BindingScreen {
    private var user: User
    private var organizations: [Organization] = []
    private var groups: [SecurityGroup] = []
    private var permissionsOrganization = 0
    private var permissions: [PermissionDecision] = []
    private var keys: [RegisteredSSHKey] = []
    /// Another account's keys are shown only to those who may manage it.
    private var keysHidden = false
    private var keyList = ListState()
    /// The first group shown when the account's groups take more lines than fit (`g` pages on).
    private var groupsOffset = 0
    /// nil when the acting user may not see this account's tokens (only their own, without
    /// "Manage others' tokens"): the façade would count the actor's tokens instead.
    private var activeTokens: Int?
    private var loadError: String?
    private var hasLoaded = false
    /// The load asked last: an older answer is dropped.
    private var request: Int?

    init(user: User, _ environment: ConsoleEnvironment) {
        self.user = user
    }

    var breadcrumb: String { user.loginName }
    var helpSummary: String { "Effective permissions: Deny in any group wins, else Allow, else not allowed; the reason names the deciding group and how the account reaches it. o shows another organization." }
    var isLoading: Bool { request != nil }

    /// What one load read.
    struct Loaded: Sendable {
        let request: Int
        let outcome: Result<Content, GatehouseError>

        struct Content: Sendable {
            let user: User
            let organizations: [Organization]
            let groups: [SecurityGroup]
            let keys: [RegisteredSSHKey]?
            let activeTokens: Int?
            let permissionsOrganization: Int
            let permissions: [PermissionDecision]
        }
    }

    mutating func load(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        let id = environment.nextRequestID()
        request = id
        let service = environment.service
        let actor = environment.actor
        let userID = user.id
        let wantedOrganization = permissionsOrganization
        let names = environment.organizationNames
        return [.run(Effect {
            Loaded(request: id, outcome: Result { () throws(GatehouseError) in
                let user = try service.user(userID, by: actor)
                let organizations = try service.organizations(of: userID, by: actor)
                // By organization, then name: "Contoso/Contributors" before "Fabrikam/Contributors".
                let name = { (id: OrganizationID) in names[id] ?? organizations.first { $0.id == id }?.name ?? "" }
                let groups = try service.groups(of: userID, by: actor).sorted { a, b in
                    let (left, right) = (name(a.organizationID), name(b.organizationID))
                    return left != right ? left < right : a.name.localizedCaseInsensitiveCompare(b.name) == .orderedAscending
                }
                let keys = try? service.sshKeys(of: userID, by: actor)
                let seesTokens = try service.managesOthersTokens(actor) || userID == actor.user.id
                let activeTokens = seesTokens ? try service.count(TokenQuery(ownerID: userID, statuses: [.active]), by: actor) : nil
                let shown = min(wantedOrganization, max(0, organizations.count - 1))
                let permissions = organizations.isEmpty ? [] : try service.effectivePermissions(of: userID, in: organizations[shown].id, by: actor)
                return Loaded.Content(user: user, organizations: organizations, groups: groups, keys: keys, activeTokens: activeTokens,
                                      permissionsOrganization: shown, permissions: permissions)
            })
        })]
    }

    mutating func refreshing(_ environment: ConsoleEnvironment) -> [ConsoleAction] { load(environment) }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .effect(value) = result else { return [] }
        if let done = UserActions.receive(value) { return done }
        if let removal = value as? SSHKeyRemoval {
            switch removal.outcome {
            case .success: return [.refreshAll, .flash("Removed key \(removal.fingerprint)", .success)]
            case let .failure(error): return [.failure(error)]
            }
        }
        guard let loaded = value as? Loaded, loaded.request == request else { return [] }
        request = nil
        hasLoaded = true
        switch loaded.outcome {
        case let .success(content):
            user = content.user
            organizations = content.organizations
            groups = content.groups
            keys = content.keys ?? []
            keysHidden = content.keys == nil
            activeTokens = content.activeTokens
            permissionsOrganization = content.permissionsOrganization
            permissions = content.permissions
            keyList.clamp(rowCount: keys.count, pageHeight: 3)
            loadError = nil
        case let .failure(error):
            loadError = error.description
        }
        return []
    }

    /// A key removal's answer.
    struct SSHKeyRemoval: Sendable {
        let fingerprint: String
        let outcome: Result<Void, GatehouseError>
    }

    private func othersTokensDenial(_ environment: ConsoleEnvironment) -> String {
        environment.denial(of: .manageOthersTokens, action: "see other people's tokens")
            ?? "You may not see \(user.loginName)'s tokens."
    }

    /// The detail's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<UserDetail>] {
        let isSelf = user.id == environment.actor.user.id
        // One wording of the refusal per screen, the same in the footer, in help and when pressed.
        let manage = environment.denial(of: .manageUsers, action: "manage users")
        let removal = keysHidden ? manage
            : keys.isEmpty ? (hasLoaded ? "This account has no SSH keys." : "The account's SSH keys are still loading.")
            : isSelf ? nil : manage
        return [
            KeyBinding([.character("e")], "e", "Edit", disabledReason: manage) { detail, _, environment in
                [.push(UserForm(editing: detail.user, environment))]
            },
            KeyBinding([.character("x")], "x", user.isActive ? "Disable" : "Enable", disabledReason: manage) { detail, _, environment in
                UserActions.toggleStatus(detail.user, environment)
            },
            KeyBinding([.character("a")], "a", "Add SSH key", disabledReason: isSelf ? nil : manage) { detail, _, _ in
                [.push(SSHKeyForm(user: detail.user))]
            },
            KeyBinding([.character("r")], "r", "Remove key", disabledReason: removal) { detail, _, _ in
                detail.confirmKeyRemoval()
            },
            KeyBinding([.character("o")], "o", "Next org") { detail, _, environment in
                guard detail.organizations.count > 1 else { return [] }
                detail.permissionsOrganization = (detail.permissionsOrganization + 1) % detail.organizations.count
                return detail.load(environment)
            },
            KeyBinding([.character("g")], "g", "More groups",
                       disabledReason: groupsOverflow(environment) ? nil : "Every group of \(user.loginName) is on screen.") { detail, _, environment in
                let shown = detail.groupLines(environment).shown
                detail.groupsOffset = detail.groupsOffset + shown >= detail.groups.count ? 0 : detail.groupsOffset + shown
                return []
            },
            KeyBinding([.character("t")], "t", "Tokens",
                       disabledReason: !hasLoaded ? "Still loading what you may see of \(user.loginName)\u{2026}" : activeTokens == nil ? othersTokensDenial(environment) : nil) { detail, _, environment in
                [.push(TokensPane(environment, owner: detail.user))]
            },
            KeyBinding([.character("d"), .delete], "d", "Delete", disabledReason: manage) { detail, _, environment in
                UserActions.delete(detail.user, environment)
            },
            KeyBinding([.up, .down, .character("j"), .character("k"), .home, .end], "\u{2191}/\u{2193}", "SSH keys", inFooter: false) { detail, key, _ in
                _ = detail.keyList.handle(key, rowCount: detail.keys.count, pageHeight: 3)
                return []
            },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    /// The dialog for removing the selected key; the removal runs as an effect.
    private func confirmKeyRemoval() -> [ConsoleAction] {
        guard keyList.selectedIndex < keys.count else { return [.flash("This account has no SSH keys.", .info)] }
        let key = keys[keyList.selectedIndex]
        let dialog = ConfirmDialog(title: "Remove SSH key?", message: "\(user.loginName) will no longer be able to sign in with this key.",
                                   objectName: "\(key.key.displayType) \(key.fingerprint) \(key.key.comment)", confirmLabel: "Remove", isDestructive: true)
        return [.confirm(PendingConfirmation(dialog: dialog) { environment in
            let service = environment.service
            let actor = environment.actor
            return [.run(Effect(progress: "Removing key \(key.fingerprint)\u{2026}") {
                SSHKeyRemoval(fingerprint: key.fingerprint, outcome: Result { () throws(GatehouseError) in try service.removeSSHKey(key.id, by: actor) })
            })]
        })]
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        if let loadError {
            buffer.put(loadError, x: area.x + 1, y: area.y + 1, style: theme[.errorText], maxWidth: area.width - 2)
            return
        }
        let groupRows = groupLines(environment)
        let sections = area.split(rows: [.fixed(7 + groupRows.lines.count), .fixed(Permission.allCases.count + 2), .fill])
        renderProfile(into: &buffer, area: sections[0], theme: theme, groupLines: groupRows.lines)
        renderPermissions(into: &buffer, area: sections[1], theme: theme)
        renderKeys(into: &buffer, area: sections[2], theme: theme)
    }

    /// "Contoso/Contributors": a group's name with its organization, when there is more than one.
    private func groupName(_ group: SecurityGroup, _ environment: ConsoleEnvironment) -> String {
        environment.organizations.count > 1 ? "\(environment.organizationName(group.organizationID))/\(group.name)" : group.name
    }

    /// Rows the profile may give the Groups lines: what is left once permissions and a key row fit.
    private func groupRowBudget(_ environment: ConsoleEnvironment) -> Int {
        max(1, environment.contentArea.height - 7 - (Permission.allCases.count + 2) - 3)
    }

    /// The account's groups from `groupsOffset`, packed into lines of whole names (", " between
    /// them) at the profile's width, as many lines as fit; the last one says how many more there are.
    private func groupLines(_ environment: ConsoleEnvironment) -> (lines: [String], shown: Int) {
        let width = max(10, environment.contentArea.width - 4 - 8)
        let budget = groupRowBudget(environment)
        guard !groups.isEmpty else { return (["\u{2014}"], 0) }
        let names = groups.dropFirst(min(groupsOffset, groups.count - 1)).map { groupName($0, environment) }
        let start = min(groupsOffset, groups.count - 1)
        var lines: [String] = []
        var current = ""
        var shown = 0
        for (index, name) in names.enumerated() {
            let remaining = names.count - index - 1
            let piece = remaining > 0 ? name + "," : name
            let room = lines.count == budget - 1 && remaining > 0 ? width - 24 : width  // the last line keeps room for "+N more"
            if current.isEmpty || TextWidth.width(current) + 1 + TextWidth.width(piece) <= room {
                current += (current.isEmpty ? "" : " ") + piece
                shown += 1
                continue
            }
            if lines.count == budget - 1 { break }
            lines.append(current)
            current = piece
            shown += 1
        }
        let more = groups.count - start - shown
        if more > 0 || start > 0 {
            let page = more > 0 ? "+\(more) more (g)" : "(g: from the start)"
            current += (current.isEmpty ? "" : " ") + page
        }
        lines.append(current)
        return (lines, shown)
    }

    private func groupsOverflow(_ environment: ConsoleEnvironment) -> Bool {
        groupsOffset > 0 || groupLines(environment).shown < groups.count
    }

    private func renderProfile(into buffer: inout Buffer, area: Rect, theme: Theme, groupLines: [String]) {
        let inner = Block(title: "\(user.displayName)", isFocused: false).render(into: &buffer, area: area, theme: theme)
        let halves = Rect(x: inner.x, y: inner.y, width: inner.width, height: 5).split(columns: [.fill, .fill])
        let left: [(String, String, Role)] = [
            ("Login", user.loginName, .normal), ("Email", user.email.isEmpty ? "\u{2014}" : user.email, .normal),
            ("Kind", user.kind.title, .normal), ("Source", user.identitySource.title, .normal), ("Access", user.accessLevel.title, .normal),
        ]
        let right: [(String, String, Role)] = [
            ("Status", user.isActive ? "Active" : "Disabled: tokens do not verify", user.isActive ? .success : .danger),
            ("Orgs", organizations.map(\.name).joined(separator: ", "), .normal),
            ("Tokens", activeTokens.map { "\($0) active (t lists them)" } ?? (hasLoaded ? "only holders of \u{201C}Manage others' tokens\u{201D} see them" : "\u{2026}"), activeTokens == nil ? .muted : .normal),
            ("Added", TextFormat.date(user.createdAt), .muted),
        ]
        for (column, rows) in [(halves[0], left), (halves[1], right)] {
            for (index, row) in rows.enumerated() where index < column.height {
                buffer.put(row.0, x: column.x + 1, y: column.y + index, style: theme[.muted])
                buffer.put(row.1, x: column.x + 8, y: column.y + index, style: theme[row.2], maxWidth: max(0, column.width - 9))
            }
        }
        for (index, line) in groupLines.enumerated() where 5 + index < inner.height {
            let y = inner.y + 5 + index
            if index == 0 { buffer.put("Groups", x: inner.x + 1, y: y, style: theme[.muted]) }
            buffer.put(line, x: inner.x + 8, y: y, style: theme[.normal], maxWidth: max(0, inner.width - 9))
        }
    }

    private func renderPermissions(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let organizationName = organizations.indices.contains(permissionsOrganization) ? organizations[permissionsOrganization].name : "no organization"
        let more = organizations.count > 1 ? " (o: next of \(organizations.count))" : ""
        let inner = Block(title: "Effective permissions in \(organizationName)\(more)").render(into: &buffer, area: area, theme: theme)
        for (index, decision) in permissions.enumerated() where index < inner.height {
            let y = inner.y + index
            buffer.put(decision.permission.title, x: inner.x + 1, y: y, style: theme[.normal], maxWidth: 22)
            let mark = decision.isAllowed ? "\u{2713} Allowed" : "\u{2717} Denied "
            buffer.put(mark, x: inner.x + 24, y: y, style: theme[decision.isAllowed ? .success : .danger])
            buffer.put(decision.reasonText, x: inner.x + 35, y: y, style: theme[.muted], maxWidth: max(0, inner.maxX - inner.x - 36))
        }
    }

    private func renderKeys(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let inner = Block(title: keysHidden ? "SSH keys" : "SSH keys (\(keys.count))").render(into: &buffer, area: area, theme: theme)
        if keysHidden {
            buffer.put("Shown to those who may manage this account (Manage users).", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 2)
            return
        }
        guard !keys.isEmpty else {
            buffer.put("No SSH keys. Press a and paste a public key line (the .pub file).", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 2)
            return
        }
        let range = keyList.visibleRange(rowCount: keys.count, pageHeight: inner.height)
        for (row, index) in range.enumerated() {
            let key = keys[index]
            let style = index == keyList.selectedIndex ? theme[.selection] : theme[.normal]
            let line = Rect(x: inner.x, y: inner.y + row, width: inner.width, height: 1)
            if index == keyList.selectedIndex { buffer.fill(line, style: style) }
            let text = "\(key.key.displayType) \(key.key.bitLength)  \(key.fingerprint)  \(key.key.comment)  added \(TextFormat.date(key.addedAt))"
            buffer.put(text, x: inner.x + 1, y: line.y, style: style, maxWidth: inner.width - 2)
        }
    }
}
