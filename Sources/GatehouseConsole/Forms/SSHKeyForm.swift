import GatehouseDomain
import TerminalKit

/// Register a public key: paste the line from the `.pub` file; the fingerprint is shown as
/// `ssh-keygen -lf` prints it before anything is saved.
struct SSHKeyForm: ConsoleScreen {
    let user: User
    private var field = TextField(placeholder: "ssh-ed25519 AAAAC3Nza… user@host", maxLength: 8_192)
    private var message: (String, Role)?

    init(user: User) { self.user = user }

    var breadcrumb: String { "Add SSH key" }
    var capturesText: Bool { true }
    var hasUnsavedInput: Bool { !field.text.isEmpty }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        [ScreenKey("Enter", "Add key"), ScreenKey("Ctrl-U", "Clear"), ScreenKey("Esc", "Cancel")]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch field.handle(key) {
        case .cancelled:
            return [.close]
        case .submitted:
            do {
                let added = try environment.service.addSSHKey(field.text, to: user.id, by: environment.actor)
                return [.pop, .refreshAll, .flash("Added \(added.key.displayType) key \(added.fingerprint) to \(user.loginName)", .success)]
            } catch {
                message = (error.description, .errorText)
                return []
            }
        case .changed:
            preview()
            return []
        default:
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
