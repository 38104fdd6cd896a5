import Foundation
import GatehouseDomain
import TerminalKit

/// Rename a token, change its expiration (an extension is checked against the lifespan policy),
/// or change its scopes (Ctrl-O). The secret does not change.
struct TokenEditForm: ConsoleScreen {
    private let token: PersonalAccessToken
    private var form: Form
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

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        [ScreenKey("Tab", "Next field"), ScreenKey("Ctrl-O", "Change scopes"), ScreenKey("Ctrl-S", "Save"), ScreenKey("Esc", "Cancel")]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if key == .ctrl("o") { return [.push(ScopeEditScreen(catalog: environment.catalog, selection: scopes))] }
        switch form.handle(key) {
        case .cancel: return [.close]
        case .submit: return save(environment)
        default: return []
        }
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if case let .scopes(selection) = result { scopes = selection }
        return []
    }

    private mutating func save(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
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
        do {
            let saved = try environment.service.updateToken(token.id, changes, expectedVersion: token.version, by: environment.actor)
            return [.pop, .refreshAll, .flash("Saved \u{201C}\(saved.displayName)\u{201D}", .success)]
        } catch {
            switch error {
            case let .invalidInput(field, problem): form.setError(problem, on: field)
            default: form.formError = error.description
            }
            return []
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        form.render(into: &buffer, area: area, theme: theme, title: "Edit token \u{201C}\(token.displayName)\u{201D}",
                    footnote: "Scopes: \(scopes.summary(in: catalog))\(scopes != token.scopes ? " (changed)" : "")  \u{2014} Ctrl-O to change")
    }
}

/// The scope selector on its own screen, for editing an existing token.
struct ScopeEditScreen: ConsoleScreen {
    private var selector: ScopeSelector
    private var message: String?

    init(catalog: ScopeCatalog, selection: ScopeSelection) {
        selector = ScopeSelector(catalog: catalog, selection: selection)
    }

    var breadcrumb: String { "Scopes" }
    var capturesText: Bool { true }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        [ScreenKey("↑/↓", "Area"), ScreenKey("←/→", "Level"), ScreenKey("Space", "On/off"), ScreenKey("F", "Full access"), ScreenKey("Enter", "Use these"), ScreenKey("Esc", "Cancel")]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch key {
        case .escape: return [.pop]
        case .enter:
            if let problem = selector.validationMessage { message = problem; return [] }
            guard let selection = selector.selection else { return [] }
            return [.popWith(.scopes(selection))]
        default:
            message = nil
            _ = selector.handle(key, pageHeight: max(1, environment.contentArea.height - 6))
            return []
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let inner = Block(title: "Scopes", isFocused: true, clearsBackground: true).render(into: &buffer, area: area, theme: theme)
        selector.render(into: &buffer, area: Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1), theme: theme)
        if let message {
            buffer.put(message, x: inner.x + 1, y: inner.maxY - 1, style: theme[.errorText], maxWidth: inner.width - 2)
        }
    }
}
