import GatehouseDomain
import TerminalKit

/// Create a group, or rename it and change its description.
struct GroupForm: ConsoleScreen {
    private var form: Form
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

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        [ScreenKey("Tab", "Next field"), ScreenKey("Ctrl-S", form.submitLabel), ScreenKey("Esc", "Cancel")]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch form.handle(key) {
        case .cancel: return [.close]
        case .submit: return submit(environment)
        default: return []
        }
    }

    private mutating func submit(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        form.clearErrors()
        do {
            if let editing {
                let saved = try environment.service.updateGroup(editing.id, name: form["Group name"].text, description: form["Description"].text,
                                                                 expectedVersion: editing.version, by: environment.actor)
                return [.pop, .refreshAll, .flash("Saved \(saved.name)", .success)]
            }
            guard organizations.indices.contains(form["organization"].choiceIndex) else {
                form.formError = "You may not create groups in any organization."
                return []
            }
            let group = try environment.service.createGroup(named: form["Group name"].text, description: form["Description"].text,
                                                            in: organizations[form["organization"].choiceIndex].id, by: environment.actor)
            return [.replace(GroupDetail(group: group, environment)), .refreshAll, .flash("Created \(group.name)", .success)]
        } catch {
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
