import GatehouseDomain
import TerminalKit

/// New, edit, regenerate and revoke: shared by the Tokens pane and the token detail. Every read
/// (the owner the dialog names) and every change runs as an effect; its answer comes back to the
/// screen that asked, which hands it to `receive`.
enum TokenActions {
    /// Whose token it is, for the dialog: known (a detail loaded it) or to be read first.
    enum Owner {
        case unknown
        case known(User?)
    }

    enum Purpose: Sendable { case revoke, regenerate }

    /// What a token action's effect answered.
    enum Reply: Sendable {
        case owner(Purpose, PersonalAccessToken, User?)
        case revoked(Result<PersonalAccessToken, GatehouseError>)
        case regenerated(Result<IssuedToken, GatehouseError>)
    }

    static func newToken(_ environment: ConsoleEnvironment, owner: User? = nil) -> [ConsoleAction] {
        if let reason = environment.denial(of: .createTokens, action: "create tokens") { return [.flash(reason, .error)] }
        return [.push(NewTokenWizard(environment, owner: owner))]
    }

    static func edit(_ token: PersonalAccessToken, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if let reason = editRefusal(token) { return [.flash(reason, .error)] }
        return [.push(TokenEditForm(token: token, environment))]
    }

    static func editRefusal(_ token: PersonalAccessToken) -> String? {
        token.revocation != nil ? "\u{201C}\(token.displayName)\u{201D} is revoked and can no longer be edited." : nil
    }

    static func regenerateRefusal(_ token: PersonalAccessToken) -> String? {
        token.revocation != nil ? "\u{201C}\(token.displayName)\u{201D} is revoked; revoked tokens stay revoked. Create a new one with n." : nil
    }

    static func revokeRefusal(_ token: PersonalAccessToken) -> String? {
        token.revocation != nil ? "\u{201C}\(token.displayName)\u{201D} is already revoked." : nil
    }

    static func regenerate(_ token: PersonalAccessToken, owner: Owner, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if let reason = regenerateRefusal(token) { return [.flash(reason, .error)] }
        guard case let .known(user) = owner else { return [lookUpOwner(of: token, for: .regenerate, environment)] }
        return [regenerateDialog(token, owner: user)]
    }

    static func revoke(_ token: PersonalAccessToken, owner: Owner, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if let reason = revokeRefusal(token) { return [.flash(reason, .info)] }
        guard case let .known(user) = owner else { return [lookUpOwner(of: token, for: .revoke, environment)] }
        return [revokeDialog(token, owner: user)]
    }

    private static func lookUpOwner(of token: PersonalAccessToken, for purpose: Purpose, _ environment: ConsoleEnvironment) -> ConsoleAction {
        let service = environment.service
        let actor = environment.actor
        return .run(Effect { Reply.owner(purpose, token, try? service.user(token.ownerID, by: actor)) })
    }

    private static func regenerateDialog(_ token: PersonalAccessToken, owner: User?) -> ConsoleAction {
        let days = Int((token.lifespan / 86_400).rounded())
        let dialog = ConfirmDialog(
            title: "Regenerate token?",
            message: "A new secret replaces the current one at once: anything still using the old secret stops working (and its use is reported in the audit log). The new secret is valid for \(TextFormat.plural(days, "day")) from now, with the same scopes and organization.",
            objectName: "\(token.displayName) (\(token.handle)) of \(owner?.loginName ?? "its owner")", confirmLabel: "Regenerate", isDestructive: true)
        return .confirm(PendingConfirmation(dialog: dialog) { environment in
            let service = environment.service
            let actor = environment.actor
            return [.run(Effect(progress: "Regenerating \u{201C}\(token.displayName)\u{201D}\u{2026}") {
                Reply.regenerated(Result { () throws(GatehouseError) in try service.regenerateToken(token.id, expectedVersion: token.version, by: actor) })
            })]
        })
    }

    private static func revokeDialog(_ token: PersonalAccessToken, owner: User?) -> ConsoleAction {
        let dialog = ConfirmDialog(
            title: "Revoke token?",
            message: "The token stops working immediately, everywhere it is used. This cannot be undone.",
            objectName: "\(token.displayName) (\(token.handle)) owned by \(owner.map { "\($0.displayName) (\($0.loginName))" } ?? "a deleted account")",
            confirmLabel: "Revoke", isDestructive: true)
        return .confirm(PendingConfirmation(dialog: dialog) { environment in
            let service = environment.service
            let actor = environment.actor
            let reason = "revoked in the console by \(actor.displayText)"
            return [.run(Effect(progress: "Revoking \u{201C}\(token.displayName)\u{201D}\u{2026}") {
                Reply.revoked(Result { () throws(GatehouseError) in
                    try service.revokeToken(token.id, reason: reason, expectedVersion: token.version, by: actor)
                })
            })]
        })
    }

    /// The next step for an effect's answer; nil for a value that is not one of these.
    static func receive(_ value: any Sendable, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        guard let reply = value as? Reply else { return nil }
        switch reply {
        case let .owner(.regenerate, token, owner): return [regenerateDialog(token, owner: owner)]
        case let .owner(.revoke, token, owner): return [revokeDialog(token, owner: owner)]
        case let .revoked(.success(revoked)): return [.refreshAll, .flash("Revoked \u{201C}\(revoked.displayName)\u{201D}", .success)]
        case let .regenerated(.success(issued)): return [.refreshAll, .push(ShowOnceScreen(issued: issued, environment, regenerated: true))]
        case let .revoked(.failure(error)), let .regenerated(.failure(error)): return [.failure(error)]
        }
    }
}
