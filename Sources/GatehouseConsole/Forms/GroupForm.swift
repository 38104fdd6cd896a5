import GatehouseDomain
import TerminalKit

/// Create a group, or rename it and change its description.
struct GroupForm: BindingScreen {
    private var form: Form
    /// A save is running (an effect): Ctrl-S waits for its answer.
    private var saving = false
    private let editing: SecurityGroup?
    private let organizations: [Organization]

    init(creating environment: ConsoleEnvironment) {
        editing = nil
        organizations = environment.organizations.filter { environment.denial(of: .manageGroups, in: $0.id, action: "create groups") == nil }
        let start = organizations.firstIndex { $0.id == environment.scope } ?? 0
        form = Form(fields: [
            FormField(id: "Group name", label: "Name", input: .text(TextField(placeholder: "Release Managers", maxLength: 64)), hint: "Unique in its organization; 1–64 characters"),
            FormField(id: "Description", label: "Description", input: .text(TextField(placeholder: "What members of this group do", maxLength: 500))),
            FormField(id: "organization", label: "Organization", input: .choice(options: organizations.map(\.name), index: start), hint: "←/→ to change"),
        ], submitLabel: "Create group")
    }

    init(editing group: SecurityGroup, _ environment: ConsoleEnvironment) {
        editing = group
        organizations = []
        form = Form(fields: [
            FormField(id: "Group name", label: "Name", input: .text(TextField(text: group.name, maxLength: 64)),
                      hint: group.isDefault ? "Default groups keep their names" : "Unique in its organization"),
            FormField(id: "Description", label: "Description", input: .text(TextField(text: group.description, maxLength: 500))),
        ], submitLabel: "Save")
    }

    var breadcrumb: String { editing.map { "Edit \($0.name)" } ?? "New group" }
    var capturesText: Bool { true }
    var hasUnsavedInput: Bool { form.isDirty }

    /// The form's keys for the focused field, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<GroupForm>] {
        form.bindings(\.form, saving: saving ? "Still saving\u{2026}" : nil) { screen, environment in screen.submit(environment) }
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    /// What saving answered (an effect's result).
    struct SaveReply: Sendable {
        let created: Bool
        let outcome: Result<SecurityGroup, GatehouseError>
    }

    /// The write runs as an effect; `receive` closes the form or puts the message on its field.
    private mutating func submit(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard !saving else { return [.flash("Still saving\u{2026}", .info)] }
        form.clearErrors()
        let service = environment.service
        let actor = environment.actor
        let name = form["Group name"].text
        let description = form["Description"].text
        if let editing {
            saving = true
            return [.run(Effect(progress: "Saving \(editing.name)\u{2026}") {
                SaveReply(created: false, outcome: Result { () throws(GatehouseError) in
                    try service.updateGroup(editing.id, name: name, description: description, expectedVersion: editing.version, by: actor)
                })
            })]
        }
        guard organizations.indices.contains(form["organization"].choiceIndex) else {
            form.formError = "You may not create groups in any organization."
            return []
        }
        saving = true
        let organization = organizations[form["organization"].choiceIndex].id
        return [.run(Effect(progress: "Creating \(name)\u{2026}") {
            SaveReply(created: true, outcome: Result { () throws(GatehouseError) in
                try service.createGroup(named: name, description: description, in: organization, by: actor)
            })
        })]
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .effect(value) = result, let reply = value as? SaveReply else { return [] }
        saving = false
        switch reply.outcome {
        case let .success(group) where reply.created:
            return [.replace(GroupDetail(group: group, environment)), .refreshAll, .flash("Created \(group.name)", .success)]
        case let .success(group):
            return [.pop, .refreshAll, .flash("Saved \(group.name)", .success)]
        case let .failure(error):
            switch error {
            case let .invalidInput(field, problem): form.setError(problem, on: field)
            case .alreadyExists, .notAllowed: form.setError(error.description, on: "Group name")
            default: form.formError = error.description
            }
            return []
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        form.render(into: &buffer, area: area, theme: theme, title: editing.map { "Edit \($0.name)" } ?? "New group")
    }
}
