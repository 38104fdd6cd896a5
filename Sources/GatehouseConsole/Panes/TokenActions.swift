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
