import GatehouseDomain
import TerminalKit

/// Disable, enable and delete, each behind a dialog that names the account and its consequence.
enum UserActions {
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
            do {
                try environment.service.setStatus(disabling ? .disabled : .active, ofUser: user.id, expectedVersion: user.version, by: environment.actor)
                return [.refreshAll, .flash("\(user.loginName) \(disabling ? "disabled: their tokens no longer verify" : "enabled")", .success)]
            } catch {
                return [.failure(error)]
            }
        })]
    }

    static func delete(_ user: User, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if let reason = environment.denial(of: .manageUsers, action: "delete users") { return [.flash(reason, .error)] }
        let dialog = ConfirmDialog(
            title: "Delete account?",
            message: "This deletes the account with its personal access tokens, SSH keys and group memberships. The audit log keeps its history. Disabling is reversible; deleting is not.",
            objectName: "\(user.displayName) (\(user.loginName))", confirmLabel: "Delete", isDestructive: true)
        return [.confirm(PendingConfirmation(dialog: dialog) { environment in
            do {
                try environment.service.deleteUser(user.id, by: environment.actor)
                return [.pop, .refreshAll, .flash("\(user.loginName) deleted", .success)]
            } catch {
                return [.failure(error)]
            }
        })]
    }
}
