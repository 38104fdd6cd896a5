import GatehouseDomain
import TerminalKit

/// Add or edit an account. Validation is the façade's: its message lands beside the field it names.
struct UserForm: BindingScreen {
    private var form: Form
    /// A save is running (an effect): Ctrl-S waits for its answer.
    private var saving = false
    private let editing: User?
    private let organizations: [Organization]

    init(creating environment: ConsoleEnvironment) {
        editing = nil
        organizations = environment.organizations.filter { environment.denial(of: .manageUsers, in: $0.id, action: "add users") == nil }
        let defaultOrganization = organizations.firstIndex { $0.id == environment.scope } ?? 0
        form = Form(fields: Self.fields(for: UserDraft(displayName: "", loginName: "")) + [
            FormField(id: "organizations", label: "Organizations",
                      input: .checklist(options: organizations.map(\.name), checked: organizations.isEmpty ? [] : [defaultOrganization], cursor: defaultOrganization),
                      hint: "←/→ choose, Space ticks; the account joins each ticked organization"),
        ], submitLabel: "Add user")
    }

    init(editing user: User, _ environment: ConsoleEnvironment) {
        editing = user
        organizations = []
        form = Form(fields: Self.fields(for: UserDraft(user)), submitLabel: "Save")
    }

    private static func fields(for draft: UserDraft) -> [FormField] {
        [
            FormField(id: "Display name", label: "Display name", input: .text(TextField(text: draft.displayName, placeholder: "Alice Andersen", maxLength: 100)),
                      hint: "As people know them; 1–100 characters"),
            FormField(id: "Login", label: "Login", input: .text(TextField(text: draft.loginName, placeholder: "aandersen", maxLength: 64)),
                      hint: "The OS/SSH login that maps to this account: letters, digits, . _ -"),
            FormField(id: "Email", label: "Email / UPN", input: .text(TextField(text: draft.email, placeholder: "alice@example.com (optional)", maxLength: 254))),
            FormField(id: "kind", label: "Kind", input: .choice(options: AccountKind.allCases.map(\.title), index: AccountKind.allCases.firstIndex(of: draft.kind) ?? 0),
                      hint: "←/→ to change"),
            FormField(id: "source", label: "Identity source", input: .choice(options: IdentitySource.allCases.map(\.title), index: IdentitySource.allCases.firstIndex(of: draft.identitySource) ?? 0),
                      hint: "←/→ to change"),
            FormField(id: "access", label: "Access level", input: .choice(options: AccessLevel.allCases.map(\.title), index: AccessLevel.allCases.firstIndex(of: draft.accessLevel) ?? 0),
                      hint: "←/→ to change"),
        ]
    }

    var breadcrumb: String { editing.map { "Edit \($0.loginName)" } ?? "New user" }
    var capturesText: Bool { true }
    var hasUnsavedInput: Bool { form.isDirty }
    var helpSummary: String { "Tab or ↑/↓ moves between fields; ←/→ changes a choice; Ctrl-S saves from anywhere." }

    /// The form's keys for the focused field, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<UserForm>] {
        form.bindings(\.form, saving: saving ? "Still saving\u{2026}" : nil) { screen, environment in screen.submit(environment) }
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    private var draft: UserDraft {
        UserDraft(displayName: form["Display name"].text, loginName: form["Login"].text, email: form["Email"].text,
                  kind: AccountKind.allCases[form["kind"].choiceIndex], identitySource: IdentitySource.allCases[form["source"].choiceIndex],
                  accessLevel: AccessLevel.allCases[form["access"].choiceIndex])
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    /// What saving answered (an effect's result): the account saved, or why not.
    struct SaveReply: Sendable {
        let created: Bool
        let outcome: Result<User, GatehouseError>
    }

    /// Validation and the write are the façade's, run as an effect so a network database never
    /// holds the key: the answer comes back to `receive`, which closes the form or marks the field.
    private mutating func submit(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard !saving else { return [.flash("Still saving\u{2026}", .info)] }
        form.clearErrors()
        saving = true
        let service = environment.service
        let actor = environment.actor
        let draft = draft
        if let editing {
            return [.run(Effect(progress: "Saving \(editing.loginName)\u{2026}") {
                SaveReply(created: false, outcome: Result { () throws(GatehouseError) in
                    try service.updateUser(editing.id, to: draft, expectedVersion: editing.version, by: actor)
                })
            })]
        }
        let chosen = form["organizations"].checked.sorted().map { organizations[$0].id }
        return [.run(Effect(progress: "Adding \(draft.loginName)\u{2026}") {
            SaveReply(created: true, outcome: Result { () throws(GatehouseError) in try service.createUser(draft, in: chosen, by: actor) })
        })]
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .effect(value) = result, let reply = value as? SaveReply else { return [] }
        saving = false
        switch reply.outcome {
        case let .success(user) where reply.created:
            return [.replace(UserDetail(user: user, environment)), .refreshAll, .flash("Added \(user.loginName)", .success)]
        case let .success(user):
            return [.pop, .refreshAll, .flash("Saved \(user.loginName)", .success)]
        case let .failure(error):
            place(error)
            return []
        }
    }

    private mutating func place(_ error: GatehouseError) {
        switch error {
        case let .invalidInput(field, problem):
            let id = field == "Organization" ? "organizations" : field
            form.setError(problem, on: id)
            if form.fields.contains(where: { $0.id == id }) == false { form.formError = error.description }
        case .alreadyExists:
            form.setError(error.description, on: "Login")
        default:
            form.formError = error.description
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        form.render(into: &buffer, area: area, theme: theme, title: editing.map { "Edit \($0.displayName)" } ?? "New user")
    }
}
