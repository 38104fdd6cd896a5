import GatehouseDomain
import TerminalKit

/// The five token policies of one organization (←/→ changes organization), who is exempt,
/// and how many existing tokens break them today.
struct PoliciesPane: ConsoleScreen {
    private var organizationIndex = 0
    private var policies: OrganizationPolicies?
    private var exemptionNames: [PolicyKind: [String]] = [:]
    private var nonCompliant = 0
    private var list = ListState()
    private var loadError: String?

    init(_ environment: ConsoleEnvironment) {
        refresh(environment)
    }

    var breadcrumb: String { "Policies" }
    var helpSummary: String { "Policies apply to tokens created, regenerated or extended after a change; existing tokens that break a new policy are listed as non-compliant, not revoked. v lists them." }

    private func organization(_ environment: ConsoleEnvironment) -> Organization? {
        let organizations = environment.organizations
        if let scope = environment.scope, let scoped = organizations.first(where: { $0.id == scope }) { return scoped }
        return organizations.indices.contains(organizationIndex) ? organizations[organizationIndex] : organizations.first
    }

    mutating func refresh(_ environment: ConsoleEnvironment) {
        guard let organization = organization(environment) else {
            loadError = "No organization."
            return
        }
        do {
            let loaded = try environment.service.policies(of: organization.id, by: environment.actor)
            policies = loaded
            exemptionNames = [:]
            for policy in loaded.policies {
                exemptionNames[policy.kind] = policy.exemptions.map { exemption in
                    switch exemption {
                    case let .user(id): environment.user(id)?.loginName ?? "(deleted user)"
                    case let .group(id): (try? environment.service.group(id, by: environment.actor).name) ?? "(deleted group)"
                    }
                }.sorted()
            }
            var query = TokenQuery(organizationID: organization.id)
            query.nonCompliantWith = try environment.service.nonComplianceRules(by: environment.actor).filter { $0.organizationID == organization.id }
            nonCompliant = try environment.service.count(query, by: environment.actor)
            loadError = nil
        } catch {
            loadError = error.description
        }
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        let edit = organization(environment).flatMap { environment.denial(of: .editPolicies, in: $0.id, action: "change policies") }
        return [ScreenKey("Enter", "Edit", disabledReason: edit), ScreenKey("Space", "On/off", disabledReason: edit),
                ScreenKey("←/→", "Organization"), ScreenKey("v", "Non-compliant tokens")]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        guard let policies, let organization = organization(environment) else { return nil }
        let kinds = PolicyKind.allCases
        switch key {
        case .left, .right, .character("h"), .character("l"):
            guard environment.scope == nil, !environment.organizations.isEmpty else {
                return [.flash("Showing \(organization.name) only (:org all shows every organization).", .info)]
            }
            let count = environment.organizations.count
            organizationIndex = (organizationIndex + (key == .left || key == .character("h") ? count - 1 : 1)) % count
            refresh(environment)
            return []
        case .enter:
            if let reason = environment.denial(of: .editPolicies, in: organization.id, action: "change policies") { return [.flash(reason, .error)] }
            return [.push(PolicyEditor(policy: policies[kinds[list.selectedIndex]], organization: organization, version: policies.version, environment))]
        case .character(" "):
            if let reason = environment.denial(of: .editPolicies, in: organization.id, action: "change policies") { return [.flash(reason, .error)] }
            var policy = policies[kinds[list.selectedIndex]]
            policy.isEnabled.toggle()
            do {
                try environment.service.updatePolicy(policy, in: organization.id, expectedVersion: policies.version, by: environment.actor)
                return [.refreshAll, .flash("\(policy.kind.title) is now \(policy.isEnabled ? "on" : "off") in \(organization.name)", .success)]
            } catch {
                return [.failure(error)]
            }
        case .character("v"):
            return [.push(TokensPane(environment, risks: [.nonCompliant]))]
        default:
            let outcome = list.handle(key, rowCount: kinds.count, pageHeight: kinds.count)
            return outcome == .ignored ? nil : []
        }
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        guard let policies, let organization = organization(environment) else {
            buffer.put(loadError ?? "No organization.", x: area.x + 1, y: area.y + 1, style: theme[.errorText], maxWidth: area.width - 2)
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
