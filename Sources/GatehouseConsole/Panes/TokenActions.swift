import GatehouseDomain
import TerminalKit

/// New, edit, regenerate and revoke: shared by the Tokens pane and the token detail.
enum TokenActions {
    static func newToken(_ environment: ConsoleEnvironment, owner: User? = nil) -> [ConsoleAction] {
        if let reason = environment.denial(of: .createTokens, action: "create tokens") { return [.flash(reason, .error)] }
        return [.push(NewTokenWizard(environment, owner: owner))]
    }

    static func edit(_ token: PersonalAccessToken, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if token.revocation != nil { return [.flash("\u{201C}\(token.displayName)\u{201D} is revoked and can no longer be edited.", .error)] }
        return [.push(TokenEditForm(token: token, environment))]
    }

    static func regenerate(_ token: PersonalAccessToken, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if token.revocation != nil { return [.flash("\u{201C}\(token.displayName)\u{201D} is revoked; revoked tokens stay revoked. Create a new one with n.", .error)] }
        let owner = environment.user(token.ownerID)?.loginName ?? "its owner"
        let days = Int((token.lifespan / 86_400).rounded())
        let dialog = ConfirmDialog(
            title: "Regenerate token?",
            message: "A new secret replaces the current one at once: anything still using the old secret stops working (and its use is reported in the audit log). The new secret is valid for \(TextFormat.plural(days, "day")) from now, with the same scopes and organization.",
            objectName: "\(token.displayName) (\(token.handle)) of \(owner)", confirmLabel: "Regenerate", isDestructive: true)
        return [.confirm(PendingConfirmation(dialog: dialog) { environment in
            do {
                let issued = try environment.service.regenerateToken(token.id, expectedVersion: token.version, by: environment.actor)
                return [.refreshAll, .push(ShowOnceScreen(issued: issued, environment, regenerated: true))]
            } catch {
                return [.failure(error)]
            }
        })]
    }

    static func revoke(_ token: PersonalAccessToken, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if token.revocation != nil { return [.flash("\u{201C}\(token.displayName)\u{201D} is already revoked.", .info)] }
        let owner = environment.user(token.ownerID)
        let dialog = ConfirmDialog(
            title: "Revoke token?",
            message: "The token stops working immediately, everywhere it is used. This cannot be undone.",
            objectName: "\(token.displayName) (\(token.handle)) owned by \(owner.map { "\($0.displayName) (\($0.loginName))" } ?? "a deleted account")",
            confirmLabel: "Revoke", isDestructive: true)
        return [.confirm(PendingConfirmation(dialog: dialog) { environment in
            do {
                let revoked = try environment.service.revokeToken(token.id, reason: "revoked in the console by \(environment.actor.displayText)",
                                                                  expectedVersion: token.version, by: environment.actor)
                return [.refreshAll, .flash("Revoked \u{201C}\(revoked.displayName)\u{201D}", .success)]
            } catch {
                return [.failure(error)]
            }
        })]
    }
}

/// Bulk revocation of the current filtered set: first the dry run (exactly what would be
/// revoked), then one confirmation, then one transaction.
struct BulkRevokeScreen: ConsoleScreen {
    private let query: TokenQuery
    private let description: String
    private var preview: [PersonalAccessToken] = []
    private var list = ListState()
    private var loadError: String?

    init(query: TokenQuery, description: String, _ environment: ConsoleEnvironment) {
        self.query = query
        self.description = description
        do {
            preview = try environment.service.revokeTokens(matching: query, dryRun: true, by: environment.actor).tokens
        } catch {
            loadError = error.description
        }
    }

    var breadcrumb: String { "Bulk revoke (dry run)" }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        [ScreenKey("R", "Revoke all \(preview.count)", disabledReason: preview.isEmpty ? "Nothing to revoke." : nil), ScreenKey("Esc", "Cancel")]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch key {
        case .character("R"), .enter:
            guard !preview.isEmpty else { return [.flash("Nothing to revoke: no active token matches.", .info)] }
            let query = query
            let count = preview.count
            let dialog = ConfirmDialog(title: "Revoke \(count) tokens?", message: "Every token listed stops working immediately. One audit event is written per token.",
                                       objectName: "\(TextFormat.plural(count, "active token")) matching: \(description)", confirmLabel: "Revoke \(count)", isDestructive: true)
            return [.confirm(PendingConfirmation(dialog: dialog) { environment in
                do {
                    let result = try environment.service.revokeTokens(matching: query, reason: "bulk revocation in the console by \(environment.actor.displayText)",
                                                                      dryRun: false, by: environment.actor)
                    return [.pop, .refreshAll, .flash("Revoked \(TextFormat.plural(result.tokens.count, "token"))", .success)]
                } catch {
                    return [.failure(error)]
                }
            })]
        default:
            let outcome = list.handle(key, rowCount: preview.count, pageHeight: max(1, environment.contentArea.height - 4))
            return outcome == .ignored ? nil : []
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let inner = Block(title: "Dry run: these \(preview.count) active tokens would be revoked", isFocused: true, borderRole: .danger)
            .render(into: &buffer, area: area, theme: theme)
        if let loadError {
            buffer.put(loadError, x: inner.x + 1, y: inner.y, style: theme[.errorText], maxWidth: inner.width - 2)
            return
        }
        buffer.put("Filter: \(description). Nothing has changed yet. R revokes them all; Esc goes back.", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 2)
        let table = Table(columns: [
            TableColumn("Name", minWidth: 14, weight: 3), TableColumn("Owner", minWidth: 10, weight: 1),
            TableColumn("Handle", minWidth: 12, maxWidth: 14, weight: 0), TableColumn("Expires", minWidth: 12, weight: 0),
        ], emptyMessage: "No active token matches the filter: nothing would be revoked.")
        let rows = preview.map { token in
            [token.displayName, environment.user(token.ownerID)?.loginName ?? "(deleted)", token.handle, TokenPresentation.expiry(token, now: environment.now).text]
        }
        table.render(into: &buffer, area: Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: max(0, inner.height - 2)), theme: theme,
                     state: list, source: TablePage(allRows: rows))
    }
}
