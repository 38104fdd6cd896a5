import GatehouseDomain
import TerminalKit

/// One policy of one organization: on/off, its parameter, and its exemptions (users or groups,
/// nested members included). Saved in one change, audited with the full new setting.
struct PolicyEditor: BindingScreen {
    private var policy: TokenPolicy
    private let organization: Organization
    private let version: Int
    private var form: Form
    private var exemptions: [(PolicyExemption, String)] = []
    private var exemptionList = ListState()
    private var exemptionsFocused = false
    /// A save is running (an effect): Ctrl-S waits for its answer.
    private var saving = false

    init(policy: TokenPolicy, organization: Organization, version: Int, _ environment: ConsoleEnvironment) {
        self.policy = policy
        self.organization = organization
        self.version = version
        var fields = [FormField(id: "enabled", label: "Enabled", input: .toggle(policy.isEnabled), hint: "Space toggles")]
        if policy.kind == .maximumLifespan {
            fields.append(FormField(id: "Maximum lifespan", label: "Maximum days", input: .text(TextField(text: String(policy.maximumLifespanDays), maxLength: 3)),
                                    hint: "1 to \(TokenPolicy.absoluteMaximumLifespanDays)"))
        }
        if policy.kind == .restrictCreation {
            fields.append(FormField(id: "packaging", label: "Packaging only", input: .toggle(policy.packagingOnly),
                                    hint: "On: users who are not exempt may still create packaging-only tokens"))
        }
        form = Form(fields: fields, submitLabel: "Save policy")
        exemptions = policy.exemptions.map { ($0, Self.name(of: $0, environment)) }.sorted { $0.1 < $1.1 }
    }

    static func name(of exemption: PolicyExemption, _ environment: ConsoleEnvironment) -> String {
        switch exemption {
        case let .user(id): "user  " + (environment.user(id)?.loginName ?? "(deleted)")
        case let .group(id): "group " + ((try? environment.service.group(id, by: environment.actor).name) ?? "(deleted)")
        }
    }

    var breadcrumb: String { policy.kind.title }
    var capturesText: Bool { !exemptionsFocused && form.focusedFieldIsText }
    var hasUnsavedInput: Bool { form.isDirty || Set(exemptions.map(\.0)) != policy.exemptions }

    /// The editor's keys, once: footer, help and handling read this table. The settings are a
    /// form (its focused field's keys); Tab from its last field moves to the exemptions.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<PolicyEditor>] {
        let waiting = saving ? "Still saving\u{2026}" : nil
        guard exemptionsFocused else {
            return form.bindings(\.form, saving: waiting, tabFromLast: ("Exemptions", { $0.exemptionsFocused = true })) { editor, environment in
                editor.save(environment)
            }
        }
        return [
            KeyBinding([.tab, .backTab], "Tab", "Settings") { editor, _, _ in
                editor.exemptionsFocused = false
                return []
            },
            KeyBinding([.character("a")], "a", "Add exemption") { editor, _, environment in
                [.push(MemberPicker(exemptionIn: editor.organization.id, title: "Exempt a user or group from \u{201C}\(editor.policy.kind.title)\u{201D}",
                                    existing: Set(editor.exemptions.map { Self.member($0.0) }), environment))]
            },
            KeyBinding([.character("r"), .delete], "r", "Remove", disabledReason: exemptions.isEmpty ? "Nobody is exempt." : nil) { editor, _, _ in
                if editor.exemptionList.selectedIndex < editor.exemptions.count { editor.exemptions.remove(at: editor.exemptionList.selectedIndex) }
                editor.exemptionList.clamp(rowCount: editor.exemptions.count, pageHeight: 5)
                return []
            },
            KeyBinding([.ctrl("s")], "Ctrl-S", "Save", disabledReason: waiting) { editor, _, environment in editor.save(environment) },
            KeyBinding([.escape], "Esc", "Cancel") { _, _, _ in [.close] },
            .moving(disabledReason: exemptions.isEmpty ? "Nobody is exempt." : nil) { editor, key, _ in
                _ = editor.exemptionList.handle(key, rowCount: editor.exemptions.count, pageHeight: 5)
                return []
            },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    static func member(_ exemption: PolicyExemption) -> GroupMember {
        switch exemption {
        case let .user(id): .user(id)
        case let .group(id): .group(id)
        }
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if case let .effect(value) = result {
            if let reply = value as? SaveReply {
                saving = false
                switch reply.outcome {
                case .success:
                    return [.pop, .refresh([.policies, .tokens, .audit]), .flash("Saved \u{201C}\(policy.kind.title)\u{201D} for \(organization.name)", .success)]
                case let .failure(error):
                    if case let .invalidInput(field, problem) = error { form.setError(problem, on: field) } else { form.formError = error.description }
                    return []
                }
            }
            return PolicyActions.confirm(value) ?? []
        }
        guard case let .member(member) = result else { return [] }
        let exemption: PolicyExemption = switch member {
        case let .user(id): .user(id)
        case let .group(id): .group(id)
        }
        if !exemptions.contains(where: { $0.0 == exemption }) {
            exemptions.append((exemption, Self.name(of: exemption, environment)))
            exemptions.sort { $0.1 < $1.1 }
        }
        return []
    }

    private mutating func save(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard !saving else { return [.flash("Still saving\u{2026}", .info)] }
        form.clearErrors()
        var updated = policy
        updated.isEnabled = form["enabled"].isOn
        if policy.kind == .maximumLifespan {
            guard let days = Int(form["Maximum lifespan"].text.trimmingCharacters(in: .whitespaces)) else {
                form.setError("type a number of days, 1 to \(TokenPolicy.absoluteMaximumLifespanDays)", on: "Maximum lifespan")
                return []
            }
            guard (1...TokenPolicy.absoluteMaximumLifespanDays).contains(days) else {
                form.setError("\(days) days is out of range; choose 1 to \(TokenPolicy.absoluteMaximumLifespanDays) days", on: "Maximum lifespan")
                return []
            }
            updated.maximumLifespanDays = days
        }
        if policy.kind == .restrictCreation { updated.packagingOnly = form["packaging"].isOn }
        updated.exemptions = Set(exemptions.map(\.0))
        if updated != policy, PolicyActions.needsConfirmation(updated) {
            return PolicyActions.save(updated, in: organization, expectedVersion: version, environment, turningOn: !policy.isEnabled, closes: true,
                                      success: "Saved \u{201C}\(policy.kind.title)\u{201D} for \(organization.name)")
        }
        // The write runs as an effect; `receive` closes the editor or marks the field.
        saving = true
        let service = environment.service
        let actor = environment.actor
        let organizationID = organization.id
        let version = version
        let saved = updated
        return [.run(Effect(progress: "Saving \u{201C}\(policy.kind.title)\u{201D}\u{2026}") {
            SaveReply(outcome: Result { () throws(GatehouseError) in
                _ = try service.updatePolicy(saved, in: organizationID, expectedVersion: version, by: actor)
            })
        })]
    }

    /// What saving answered (an effect's result).
    struct SaveReply: Sendable {
        let outcome: Result<Void, GatehouseError>
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let split = area.split(rows: [.fixed(form.fields.count * 2 + 5), .fill])
        form.render(into: &buffer, area: split[0], theme: theme, title: "\(policy.kind.title) \u{2014} \(organization.name)")
        let inner = Block(title: "Exempt (\(exemptions.count)) \u{2014} a: add, r: remove", isFocused: exemptionsFocused).render(into: &buffer, area: split[1], theme: theme)
        buffer.put(policy.kind.summary, x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 2)
        if exemptions.isEmpty {
            buffer.put("Nobody is exempt. Tab here, then a to add a user or group.", x: inner.x + 1, y: inner.y + 1, style: theme[.muted], maxWidth: inner.width - 2)
        }
        let listArea = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: max(0, inner.height - 1))
        for (row, index) in exemptionList.visibleRange(rowCount: exemptions.count, pageHeight: listArea.height).enumerated() {
            let line = listArea.row(row)
            let selected = exemptionsFocused && index == exemptionList.selectedIndex
            if selected { buffer.fill(line, style: theme[.selection]) }
            buffer.put(exemptions[index].1, x: line.x + 1, y: line.y, style: theme[selected ? .selection : .normal], maxWidth: line.width - 2)
        }
    }
}
