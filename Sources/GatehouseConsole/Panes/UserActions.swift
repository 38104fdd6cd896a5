import GatehouseDomain
import TerminalKit

/// Disable, enable and delete, each behind a dialog that names the account and its consequence.
/// The change runs as an effect (a save on a slow database does not freeze keys); its answer
/// comes back to the screen that asked, which hands it to `receive`.
enum UserActions {
    /// What a change answered: the actions that follow it.
    struct Reply: Sendable {
        let outcome: Result<Outcome, GatehouseError>

        enum Outcome: Sendable {
            case statusChanged(login: String, disabled: Bool)
            case deleted(login: String)
        }
    }

    /// The next step for an effect's answer; nil for a value that is not one of these.
    static func receive(_ value: any Sendable) -> [ConsoleAction]? {
        guard let reply = value as? Reply else { return nil }
        switch reply.outcome {
        case let .success(.statusChanged(login, disabled)):
            return [.refreshAll, .flash("\(login) \(disabled ? "disabled: their tokens no longer verify" : "enabled")", .success)]
        case let .success(.deleted(login)):
            return [.pop, .refreshAll, .flash("\(login) deleted", .success)]
        case let .failure(error):
            return [.failure(error)]
        }
    }

    static func toggleStatus(_ user: User, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        let disabling = user.isActive
        if let reason = environment.denial(of: .manageUsers, action: disabling ? "disable users" : "enable users") {
            return [.flash(reason, .error)]
        }
        let message = disabling
            ? "\(user.displayName) will no longer be able to sign in or act, and none of their personal access tokens will verify until the account is enabled again."
            : "\(user.displayName) will be able to act again, and their tokens that are still valid will verify again."
        let dialog = ConfirmDialog(title: disabling ? "Disable account?" : "Enable account?", message: message,
                                   objectName: "\(user.displayName) (\(user.loginName))",
                                   confirmLabel: disabling ? "Disable" : "Enable", isDestructive: disabling)
        return [.confirm(PendingConfirmation(dialog: dialog) { environment in
            let service = environment.service
            let actor = environment.actor
            return [.run(Effect(progress: "\(disabling ? "Disabling" : "Enabling") \(user.loginName)\u{2026}") {
                Reply(outcome: Result { () throws(GatehouseError) in
                    try service.setStatus(disabling ? .disabled : .active, ofUser: user.id, expectedVersion: user.version, by: actor)
                    return .statusChanged(login: user.loginName, disabled: disabling)
                })
            })]
        })]
    }

    static func delete(_ user: User, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if let reason = environment.denial(of: .manageUsers, action: "delete users") { return [.flash(reason, .error)] }
        let dialog = ConfirmDialog(
            title: "Delete account?",
            message: "This deletes the account with its personal access tokens, SSH keys and group memberships. The audit log keeps its history. Disabling is reversible; deleting is not.",
            objectName: "\(user.displayName) (\(user.loginName))", confirmLabel: "Delete", isDestructive: true)
        return [.confirm(PendingConfirmation(dialog: dialog) { environment in
            let service = environment.service
            let actor = environment.actor
            return [.run(Effect(progress: "Deleting \(user.loginName)\u{2026}") {
                Reply(outcome: Result { () throws(GatehouseError) in
                    try service.deleteUser(user.id, by: actor)
                    return .deleted(login: user.loginName)
                })
            })]
        })]
    }
}
