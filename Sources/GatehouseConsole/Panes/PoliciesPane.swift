import GatehouseDomain
import TerminalKit

/// The five token policies of one organization (←/→ changes organization), who is exempt,
/// and how many existing tokens break them today.
struct PoliciesPane: BindingScreen {
    private var organizationIndex = 0
    private var policies: OrganizationPolicies?
    private var exemptionNames: [PolicyKind: [String]] = [:]
    private var nonCompliant = 0
    private var list = ListState()
    private var loadError: String?
    /// The load asked last: an older answer is dropped.
    private var request: Int?

    /// Reads nothing: the shell asks for the policies (`load`) once the pane is on screen.
    init(_ environment: ConsoleEnvironment) {}

    var isLoading: Bool { request != nil }

    var breadcrumb: String { "Policies" }
    var helpSummary: String { "Policies apply to tokens created, regenerated or extended after a change; existing tokens that break a new policy are listed as non-compliant, not revoked. v lists them." }

    private func organization(_ environment: ConsoleEnvironment) -> Organization? {
        let organizations = environment.organizations
        if let scope = environment.scope, let scoped = organizations.first(where: { $0.id == scope }) { return scoped }
        return organizations.indices.contains(organizationIndex) ? organizations[organizationIndex] : organizations.first
    }

    /// What one load read: the policies, the exempt names, the non-compliant count.
    struct Loaded: Sendable {
        let request: Int
        let outcome: Result<(policies: OrganizationPolicies, exemptionNames: [PolicyKind: [String]], nonCompliant: Int), GatehouseError>
    }

    mutating func load(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard let organization = organization(environment) else {
            // The organizations come with the permission answers: asked again once they are in.
            if environment.overview != nil { loadError = "No organization." }
            return []
        }
        let id = environment.nextRequestID()
        request = id
        let service = environment.service
        let actor = environment.actor
        let rules = environment.overview?.nonComplianceRules
        return [.run(Effect {
            Loaded(request: id, outcome: Result { () throws(GatehouseError) in
                let loaded = try service.policies(of: organization.id, by: actor)
                var names: [PolicyKind: [String]] = [:]
                for policy in loaded.policies {
                    names[policy.kind] = policy.exemptions.map { exemption in
                        switch exemption {
                        case let .user(id): (try? service.user(id, by: actor).loginName) ?? "(deleted user)"
                        case let .group(id): (try? service.group(id, by: actor).name) ?? "(deleted group)"
                        }
                    }.sorted()
                }
                var query = TokenQuery(organizationID: organization.id)
                var judging = rules ?? []
                if rules == nil { judging = try service.nonComplianceRules(by: actor) }
                query.nonCompliantWith = judging.filter { $0.organizationID == organization.id }
                return (loaded, names, try service.count(query, by: actor))
            })
        })]
    }

    mutating func refreshing(_ environment: ConsoleEnvironment) -> [ConsoleAction] { load(environment) }

    /// The pane's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<PoliciesPane>] {
        let edit = organization(environment).flatMap { environment.denial(of: .editPolicies, in: $0.id, action: "change policies") }
        let scoped = environment.scope != nil ? "Showing \(environment.organizationName(environment.scope)) only (:org all shows every organization)." : nil
        return [
            KeyBinding([.enter], "Enter", "Edit", disabledReason: edit) { pane, _, environment in
                guard let policies = pane.policies, let organization = pane.organization(environment) else { return [] }
                return [.push(PolicyEditor(policy: policies[PolicyKind.allCases[pane.list.selectedIndex]], organization: organization, version: policies.version, environment))]
            },
            KeyBinding([.character(" ")], "Space", "On/off", disabledReason: edit) { pane, _, environment in
                guard let policies = pane.policies, let organization = pane.organization(environment) else { return [] }
                var policy = policies[PolicyKind.allCases[pane.list.selectedIndex]]
                policy.isEnabled.toggle()
                return PolicyActions.save(policy, in: organization, expectedVersion: policies.version, environment,
                                          success: "\(policy.kind.title) is now \(policy.isEnabled ? "on" : "off") in \(organization.name)")
            },
            KeyBinding([.left, .right, .character("h"), .character("l")], "\u{2190}/\u{2192}", "Organization", disabledReason: scoped) { pane, key, environment in
                let count = environment.organizations.count
                guard count > 0 else { return [] }
                pane.organizationIndex = (pane.organizationIndex + (key == .left || key == .character("h") ? count - 1 : 1)) % count
                return pane.load(environment)
            },
            KeyBinding([.character("v")], "v", "Non-compliant tokens") { pane, _, environment in
                guard let organization = pane.organization(environment) else { return [] }
                return [.push(TokensPane(environment, organization: organization, risks: [.nonCompliant]))]
            },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        guard policies != nil, organization(environment) != nil else { return nil }
        if let actions = handleBinding(key, environment) { return actions }
        let outcome = list.handle(key, rowCount: PolicyKind.allCases.count, pageHeight: PolicyKind.allCases.count)
        return outcome == .ignored ? nil : []
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .effect(value) = result else { return [] }
        if let loaded = value as? Loaded {
            guard loaded.request == request else { return [] }
            request = nil
            switch loaded.outcome {
            case let .success(content):
                policies = content.policies
                exemptionNames = content.exemptionNames
                nonCompliant = content.nonCompliant
                loadError = nil
            case let .failure(error):
                loadError = error.description
            }
            return []
        }
        return PolicyActions.confirm(value) ?? []
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        guard let policies, let organization = organization(environment) else {
            if let loadError {
                buffer.put(loadError, x: area.x + 1, y: area.y + 1, style: theme[.errorText], maxWidth: area.width - 2)
            } else {
                buffer.put("Loading\u{2026}", x: area.x + 1, y: area.y + 1, style: theme[.muted], maxWidth: area.width - 2)
            }
            return
        }
        var x = area.x
        x += buffer.put("Policies of ", x: x, y: area.y, style: theme[.title])
        x += buffer.put("\u{2039} \(organization.name) \u{203A}", x: x, y: area.y, style: theme[.accent])
        buffer.put("  \u{2190}/\u{2192} other organization", x: x, y: area.y, style: theme[.muted], maxWidth: max(0, area.maxX - x))
        var y = area.y + 1
        for (index, kind) in PolicyKind.allCases.enumerated() where y < area.maxY - 3 {
            let policy = policies[kind]
            let selected = index == list.selectedIndex
            let line = Rect(x: area.x, y: y, width: area.width, height: 1)
            if selected { buffer.fill(line, style: theme[.selection]) }
            let style = selected ? theme[.selection] : theme[.normal]
            var column = area.x + 1
            column += buffer.put(policy.isEnabled ? "[On] " : "[Off]", x: column, y: y, style: selected ? style : theme[policy.isEnabled ? .success : .muted]) + 1
            var title = kind.title
            if kind == .maximumLifespan { title += ": \(policy.maximumLifespanDays) days" }
            if kind == .restrictCreation && policy.packagingOnly { title += " (packaging scopes still allowed)" }
            buffer.put(title, x: column, y: y, style: style, maxWidth: max(0, area.maxX - column - 1))
            let exempt = exemptionNames[kind] ?? []
            buffer.put("Exempt: \(exempt.isEmpty ? "nobody" : exempt.joined(separator: ", "))", x: area.x + 8, y: y + 1, style: theme[.muted], maxWidth: max(0, area.width - 9))
            y += 3
        }
        let kinds = PolicyKind.allCases
        if list.selectedIndex < kinds.count {
            buffer.put(kinds[list.selectedIndex].summary, x: area.x + 1, y: area.maxY - 2, style: theme[.normal], maxWidth: area.width - 2)
        }
        let text = nonCompliant == 0
            ? "No active token in \(organization.name) breaks the current policies."
            : "\(TextFormat.plural(nonCompliant, "active token")) in \(organization.name) \(nonCompliant == 1 ? "breaks" : "break") the current policies (made before a policy changed) \u{2014} v lists them."
        buffer.put(text, x: area.x + 1, y: area.maxY - 1, style: theme[nonCompliant == 0 ? .success : .warning], maxWidth: area.width - 2)
    }
}

/// Saving a policy: a change that narrows who may create tokens, or what they may create, is
/// confirmed first with its impact as the façade computes it today. The impact reads every member
/// of the organization, so it is an effect: the screen that asked gets a `PolicyImpactReply`
/// back and turns it into the confirmation (`PolicyActions.confirm`).
enum PolicyActions {
    /// What a screen needs to confirm and save once the impact is known.
    struct Pending: Sendable {
        let policy: TokenPolicy
        let organization: Organization
        let expectedVersion: Int
        let turningOn: Bool
        let closes: Bool
        let success: String
    }

    /// An effect's answer: the impact, or why it could not be worked out.
    struct ImpactReply: Sendable {
        let pending: Pending
        let impact: Result<PolicyImpact, GatehouseError>
    }

    static func save(_ policy: TokenPolicy, in organization: Organization, expectedVersion: Int, _ environment: ConsoleEnvironment,
                     turningOn: Bool = true, closes: Bool = false, success: String) -> [ConsoleAction] {
        let pending = Pending(policy: policy, organization: organization, expectedVersion: expectedVersion, turningOn: turningOn, closes: closes, success: success)
        guard needsConfirmation(policy) else { return apply(pending, environment) }
        let service = environment.service
        let actor = environment.actor
        return [.run(Effect(progress: "Working out who \u{201C}\(policy.kind.title)\u{201D} would affect in \(organization.name)\u{2026}") {
            ImpactReply(pending: pending, impact: Result { () throws(GatehouseError) in try service.policyImpact(of: policy, in: organization.id, by: actor) })
        })]
    }

    /// The confirmation for an impact that came back, or what a save's answer does (the policy
    /// editor hands every effect answer here); nil for a value that is neither.
    static func confirm(_ value: any Sendable) -> [ConsoleAction]? {
        if let done = finish(value) { return done }
        guard let reply = value as? ImpactReply else { return nil }
        let pending = reply.pending
        let impact: PolicyImpact
        switch reply.impact {
        case let .success(value): impact = value
        case let .failure(error): return [.failure(error)]
        }
        let dialog = ConfirmDialog(title: "\(pending.turningOn ? "Turn on" : "Save") \u{201C}\(pending.policy.kind.title)\u{201D} in \(pending.organization.name)?",
                                   message: impactText(impact, pending.policy, pending.organization), confirmLabel: pending.turningOn ? "Turn on" : "Save", isDestructive: true)
        return [.confirm(PendingConfirmation(dialog: dialog) { environment in apply(pending, environment) })]
    }

    /// A save's answer, as an effect's result.
    struct Saved: Sendable {
        let pending: Pending
        let outcome: Result<Void, GatehouseError>
    }

    /// Saves as an effect: the key press does not wait for the database.
    static func apply(_ pending: Pending, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        let service = environment.service
        let actor = environment.actor
        return [.run(Effect(progress: "Saving \u{201C}\(pending.policy.kind.title)\u{201D}\u{2026}") {
            Saved(pending: pending, outcome: Result { () throws(GatehouseError) in
                _ = try service.updatePolicy(pending.policy, in: pending.organization.id, expectedVersion: pending.expectedVersion, by: actor)
            })
        })]
    }

    /// What a save's answer does; nil for a value that is not one.
    static func finish(_ value: any Sendable) -> [ConsoleAction]? {
        guard let saved = value as? Saved else { return nil }
        switch saved.outcome {
        case .success:
            // A policy judges tokens (the non-compliant counts) and is audited: those panes reload.
            return (saved.pending.closes ? [.pop] : []) + [.refresh([.policies, .tokens, .audit]), .flash(saved.pending.success, .success)]
        case let .failure(error):
            return [.failure(error)]
        }
    }

    /// Restrict token creation, on: saving it can stop people (the admin too) creating tokens at
    /// all. The other policies narrow what a new token may be, never whether one can be made.
    static func needsConfirmation(_ policy: TokenPolicy) -> Bool {
        policy.isEnabled && policy.kind == .restrictCreation
    }

    static func impactText(_ impact: PolicyImpact, _ policy: TokenPolicy, _ organization: Organization) -> String {
        var sentences: [String] = []
        if policy.kind == .restrictCreation {
            // Counts stop at PolicyImpact.countCap: past it they read "1,000+".
            let people = impact.usersLosingCreation == 1 && impact.usersLosingCreationIsExact ? "1 person"
                : "\(Format.count(impact.usersLosingCreation))\(impact.usersLosingCreationIsExact ? "" : "+") people"
            let who = impact.usersLosingCreation == 0 ? "Nobody who may create tokens today loses it"
                : "\(people) who may create tokens today\(impact.includesActor ? ", including you," : "")"
                    + (policy.packagingOnly ? " will be limited to packaging-only tokens" : " will no longer be able to create tokens")
            let exempt = policy.exemptions.isEmpty ? " (nobody is exempt)" : ""
            sentences.append(who + exempt + ".")
        } else if impact.includesActor || policy.exemptions.isEmpty {
            sentences.append("It applies to every token created, regenerated or extended in \(organization.name)\(policy.exemptions.isEmpty ? " (nobody is exempt)" : "").")
        }
        sentences.append(impact.tokensBecomingNonCompliant == 0
            ? "No existing active token breaks it."
            : impact.tokensBecomingNonCompliantIsExact
                ? "\(TextFormat.plural(impact.tokensBecomingNonCompliant, "existing active token")) \(impact.tokensBecomingNonCompliant == 1 ? "becomes" : "become") non-compliant (they keep working; v lists them)."
                : "\(Format.count(impact.tokensBecomingNonCompliant))+ existing active tokens become non-compliant (they keep working; v lists them).")
        return sentences.joined(separator: " ")
    }
}
