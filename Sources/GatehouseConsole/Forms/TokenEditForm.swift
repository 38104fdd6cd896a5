import Foundation
import GatehouseDomain
import TerminalKit

/// Rename a token, change its expiration (an extension is checked against the lifespan policy),
/// or change its scopes (Ctrl-O). The secret does not change.
struct TokenEditForm: BindingScreen {
    private let token: PersonalAccessToken
    private var form: Form
    /// A save is running (an effect): Ctrl-S waits for its answer.
    private var saving = false
    private var scopes: ScopeSelection
    private let catalog: ScopeCatalog

    private static let expirationOptions = ["Keep the current date", "30 days from today", "60 days from today", "90 days from today", "Custom date"]

    init(token: PersonalAccessToken, _ environment: ConsoleEnvironment) {
        self.token = token
        scopes = token.scopes
        catalog = environment.catalog
        form = Form(fields: [
            FormField(id: "Name", label: "Name", input: .text(TextField(text: token.displayName, maxLength: 100)), hint: "Unique among the owner's active tokens"),
            FormField(id: "expiration", label: "Expiration", input: .choice(options: Self.expirationOptions, index: 0),
                      hint: "Now \(TextFormat.dateTime(token.validTo)); ←/→ to change"),
            FormField(id: "Expiration", label: "Custom date", input: .text(TextField(placeholder: "YYYY-MM-DD", maxLength: 10)),
                      hint: "Used when Expiration is \u{201C}Custom date\u{201D}; valid through that day (UTC)"),
        ], submitLabel: "Save token")
    }

    var breadcrumb: String { "Edit \(token.displayName)" }
    var capturesText: Bool { true }
    var hasUnsavedInput: Bool { form.isDirty || scopes != token.scopes }

    /// The form's keys for the focused field, and Ctrl-O for the scopes: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<TokenEditForm>] {
        var table: [KeyBinding<TokenEditForm>] = form.bindings(\TokenEditForm.form, saving: saving ? "Still saving\u{2026}" : nil) { screen, environment in screen.save(environment) }
        table.insert(KeyBinding([.ctrl("o")], "Ctrl-O", "Change scopes") { screen, _, environment in
            [.push(ScopeEditScreen(catalog: environment.catalog, selection: screen.scopes))]
        }, at: min(table.count, 1))
        return table
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        switch result {
        case let .scopes(selection):
            scopes = selection
        case let .effect(value):
            guard let reply = value as? SaveReply else { return [] }
            saving = false
            switch reply.outcome {
            case let .success(saved):
                return [.pop, .refreshAll, .flash("Saved \u{201C}\(saved.displayName)\u{201D}", .success)]
            case let .failure(error):
                switch error {
                case let .invalidInput(field, problem): form.setError(problem, on: field)
                default: form.formError = error.description
                }
            }
        default:
            break
        }
        return []
    }

    /// What saving answered (an effect's result).
    struct SaveReply: Sendable {
        let outcome: Result<PersonalAccessToken, GatehouseError>
    }

    private mutating func save(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard !saving else { return [.flash("Still saving\u{2026}", .info)] }
        form.clearErrors()
        var changes = TokenChanges(displayName: form["Name"].text)
        switch form["expiration"].choiceIndex {
        case 1: changes.expiration = .days(30)
        case 2: changes.expiration = .days(60)
        case 3: changes.expiration = .days(90)
        case 4:
            guard let day = TextFormat.parseDay(form["Expiration"].text) else {
                form.setError("type a real date as YYYY-MM-DD, e.g. \(TextFormat.date(environment.now.addingTimeInterval(30 * 86_400)))", on: "Expiration")
                return []
            }
            changes.expiration = .endOfDay(day)
        default: break
        }
        if scopes != token.scopes { changes.scopes = scopes }
        // The write (and its policy checks) runs as an effect; `receive` closes or marks the field.
        saving = true
        let service = environment.service
        let actor = environment.actor
        let id = token.id
        let version = token.version
        let finalChanges = changes
        return [.run(Effect(progress: "Saving \u{201C}\(token.displayName)\u{201D}\u{2026}") {
            SaveReply(outcome: Result { () throws(GatehouseError) in try service.updateToken(id, finalChanges, expectedVersion: version, by: actor) })
        })]
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        form.render(into: &buffer, area: area, theme: theme, title: "Edit token \u{201C}\(token.displayName)\u{201D}",
                    footnote: "Scopes: \(scopes.summary(in: catalog))\(scopes != token.scopes ? " (changed)" : "")  \u{2014} Ctrl-O to change")
    }
}

/// The scope selector on its own screen, for editing an existing token.
struct ScopeEditScreen: BindingScreen {
    private var selector: ScopeSelector
    private var message: String?

    init(catalog: ScopeCatalog, selection: ScopeSelection) {
        selector = ScopeSelector(catalog: catalog, selection: selection)
    }

    var breadcrumb: String { "Scopes" }
    var capturesText: Bool { true }

    /// The selector's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<ScopeEditScreen>] {
        selector.bindings(\.selector, pageHeight: max(1, environment.contentArea.height - 6)) { screen in screen.message = nil } + [
            KeyBinding([.enter], "Enter", "Use these") { screen, _, _ in
                if let problem = screen.selector.validationMessage { screen.message = problem; return [] }
                guard let selection = screen.selector.selection else { return [] }
                return [.popWith(.scopes(selection))]
            },
            KeyBinding([.escape], "Esc", "Cancel") { _, _, _ in [.pop] },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let inner = Block(title: "Scopes", isFocused: true, clearsBackground: true).render(into: &buffer, area: area, theme: theme)
        selector.render(into: &buffer, area: Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1), theme: theme)
        if let message {
            buffer.put(message, x: inner.x + 1, y: inner.maxY - 1, style: theme[.errorText], maxWidth: inner.width - 2)
        }
    }
}
