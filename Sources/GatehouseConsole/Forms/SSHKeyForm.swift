import GatehouseDomain
import TerminalKit

/// Register a public key: paste the line from the `.pub` file; the fingerprint is shown as
/// `ssh-keygen -lf` prints it before anything is saved.
struct SSHKeyForm: BindingScreen {
    let user: User
    private var field = TextField(placeholder: "ssh-ed25519 AAAAC3Nza… user@host", maxLength: 8_192)
    private var message: (String, Role)?
    /// The key is being added (an effect): Enter waits for the answer.
    private var saving = false

    init(user: User) { self.user = user }

    var breadcrumb: String { "Add SSH key" }
    var capturesText: Bool { true }
    var hasUnsavedInput: Bool { !field.text.isEmpty }

    /// The form's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<SSHKeyForm>] {
        [
            KeyBinding([.enter], "Enter", "Add key", disabledReason: saving ? "Still adding the key\u{2026}" : nil) { form, _, environment in form.submit(environment) },
            KeyBinding([.ctrl("u")], "Ctrl-U", "Clear", disabledReason: field.text.isEmpty ? "Nothing to clear." : nil) { form, key, _ in form.edit(key) },
            KeyBinding([.escape], "Esc", "Cancel") { _, _, _ in [.close] },
            .typing("type", "Paste the key line") { form, key, _ in form.edit(key) },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    private mutating func edit(_ key: Key) -> [ConsoleAction] {
        if case let .refused(reason) = field.handle(key) {
            message = (reason, .errorText)
        } else {
            preview()
        }
        return []
    }

    /// What adding answered (an effect's result).
    struct AddReply: Sendable {
        let outcome: Result<RegisteredSSHKey, GatehouseError>
    }

    private mutating func submit(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        let service = environment.service
        let actor = environment.actor
        let line = field.text
        let userID = user.id
        saving = true
        return [.run(Effect(progress: "Adding the key\u{2026}") {
            AddReply(outcome: Result { () throws(GatehouseError) in try service.addSSHKey(line, to: userID, by: actor) })
        })]
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .effect(value) = result, let reply = value as? AddReply else { return [] }
        saving = false
        switch reply.outcome {
        case let .success(added):
            return [.pop, .refreshAll, .flash("Added \(added.key.displayType) key \(added.fingerprint) to \(user.loginName)", .success)]
        case let .failure(error):
            message = (error.description, .errorText)
            return []
        }
    }

    /// Parses as you paste, so the fingerprint (or the problem) shows before Enter.
    private mutating func preview() {
        guard !field.text.isEmpty else {
            message = nil
            return
        }
        do {
            let key = try SSHPublicKey.parse(field.text)
            message = ("\(key.displayType) \(key.bitLength) bits  \(key.fingerprint)  \(key.comment)", .success)
        } catch {
            message = (error.description, .errorText)
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let box = Rect(x: area.x, y: area.y, width: area.width, height: min(area.height, 9))
        let inner = Block(title: "Add an SSH key for \(user.displayName)", isFocused: true, clearsBackground: true).render(into: &buffer, area: box, theme: theme)
        buffer.put("Paste one public key line (the .pub file, not the private key):", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 2)
        field.render(into: &buffer, area: Rect(x: inner.x + 1, y: inner.y + 2, width: inner.width - 2, height: 1), theme: theme)
        if let message {
            let lines = TextWrap.wrap(message.0, width: max(1, inner.width - 2))
            for (index, line) in lines.prefix(3).enumerated() {
                buffer.put(line, x: inner.x + 1, y: inner.y + 4 + index, style: theme[message.1])
            }
        }
    }
}
