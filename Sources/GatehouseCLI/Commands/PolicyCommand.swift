import ArgumentParser
import Foundation
import GatehouseDomain

/// `gatehouse policy …`: an organization's five token policies.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show and change an organization's token policies and their exemptions.",
        discussion: "Policies: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")). They apply to tokens created, regenerated or extended afterwards; existing tokens that break them are listed by `tokens list --non-compliant`.",
        subcommands: [Show.self, SetPolicy.self])

    static func names(of policies: OrganizationPolicies, _ invocation: Invocation) -> [PolicyExemption: String] {
        var names: [PolicyExemption: String] = [:]
        for policy in policies.policies {
            for exemption in policy.exemptions where names[exemption] == nil {
                switch exemption {
                case let .user(id): names[exemption] = (try? invocation.service.user(id, by: invocation.actor))?.loginName
                case let .group(id): names[exemption] = (try? invocation.service.group(id, by: invocation.actor))?.name
                }
            }
        }
        return names
    }

    /// `{"organization": {org}, "version", "policies": [policy, …]}`
    static func json(_ policies: OrganizationPolicies, _ organization: Organization, _ invocation: Invocation) -> JSONValue {
        let exemptionNames = names(of: policies, invocation)
        return .object(["organization": JSONShapes.organization(organization), "version": .int(policies.version),
                        "policies": .array(policies.policies.map { JSONShapes.policy($0, exemptionNames: exemptionNames) })])
    }

    static func table(_ policies: OrganizationPolicies, _ organization: Organization, _ invocation: Invocation) {
        let exemptionNames = names(of: policies, invocation)
        invocation.output.line("Policies of \(organization.name)")
        var table = TextTable([.fixed("POLICY"), .fixed("STATE"), .flexible("SETTING", minimum: 10), .flexible("EXEMPT", minimum: 10)])
        for policy in policies.policies {
            var setting = ""
            if policy.kind == .maximumLifespan { setting = "\(policy.maximumLifespanDays) days" }
            if policy.kind == .restrictCreation { setting = policy.packagingOnly ? "others: packaging-only tokens" : "exempt users and groups only" }
            let exempt = policy.exemptions.map { exemption -> String in
                switch exemption {
                case .user: "user " + (exemptionNames[exemption] ?? "?")
                case .group: "group " + (exemptionNames[exemption] ?? "?")
                }
            }.sorted()
            table.append([policy.kind.rawValue, policy.isEnabled ? "on" : "off", setting.isEmpty ? "-" : setting, exempt.isEmpty ? "-" : exempt.joined(separator: ", ")])
        }
        invocation.print(table, empty: "")
    }

    struct Show: DirectoryCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the policies of one organization, or of every organization.")

        @Option(help: ArgumentHelp("The organization (default: every one).", valueName: "name")) var org: String?
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let organizations = if let org { [try invocation.organization(org)] } else { try invocation.service.organizations(by: invocation.actor) }
            var documents: [JSONValue] = []
            for (index, organization) in organizations.enumerated() {
                let policies = try invocation.service.policies(of: organization.id, by: invocation.actor)
                if invocation.json {
                    documents.append(PolicyCommand.json(policies, organization, invocation))
                } else {
                    if index > 0 { invocation.output.line("") }
                    PolicyCommand.table(policies, organization, invocation)
                }
            }
            // An array of {"organization", "version", "policies"}, one per organization.
            if invocation.json { invocation.print(.array(documents)) }
        }
    }

    struct SetPolicy: DirectoryCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change one policy of an organization (needs Edit policies).",
            discussion: """
                Examples:
                  gatehouse policy set maximum-lifespan --org Fabrikam --enable --max-days 90
                  gatehouse policy set restrict-full-scoped-tokens --org Fabrikam --enable --exempt-group "Build Administrators"
                  gatehouse policy set restrict-creation --org Fabrikam --enable --packaging-only
                """)

        @Argument(help: "The policy.") var policy: PolicyKind
        @Option(help: ArgumentHelp("The organization (default: the only one).", valueName: "name")) var org: String?
        @Flag(help: "Turn the policy on (--enable) or off (--disable).") var state: State?
        @Option(name: .customLong("max-days"), parsing: .unconditional, help: "maximum-lifespan: the longest a token may live, 1–365 days.",
                transform: CountArgument.unbounded)
        var maxDays: Int?
        @Flag(name: .customLong("packaging-only"), inversion: .prefixedNo, help: "restrict-creation: others may still create packaging-only tokens.")
        var packagingOnly: Bool?
        @Option(name: .customLong("exempt-user"), help: ArgumentHelp("Exempt this login (repeatable).", valueName: "login")) var exemptUsers: [String] = []
        @Option(name: .customLong("exempt-group"), help: ArgumentHelp("Exempt this group of the organization (repeatable).", valueName: "name")) var exemptGroups: [String] = []
        @Option(name: .customLong("unexempt-user"), help: ArgumentHelp("Remove this login's exemption (repeatable).", valueName: "login")) var unexemptUsers: [String] = []
        @Option(name: .customLong("unexempt-group"), help: ArgumentHelp("Remove this group's exemption (repeatable).", valueName: "name")) var unexemptGroups: [String] = []
        @Flag(name: .customLong("clear-exemptions"), help: "Remove every exemption first.") var clearExemptions = false
        @OptionGroup var directory: DirectoryOptions
        @OptionGroup var format: OutputOptions

        enum State: String, EnumerableFlag {
            case enable, disable
        }

        var enabled: Bool? { state.map { $0 == .enable } }

        func validate() throws {
            let changes = enabled != nil || maxDays != nil || packagingOnly != nil || clearExemptions
                || !(exemptUsers.isEmpty && exemptGroups.isEmpty && unexemptUsers.isEmpty && unexemptGroups.isEmpty)
            guard changes else {
                throw ValidationError("Nothing to change: give --enable/--disable, --max-days, --[no-]packaging-only or exemption options.")
            }
            if maxDays != nil && policy != .maximumLifespan { throw ValidationError("--max-days applies to maximum-lifespan only.") }
            if packagingOnly != nil && policy != .restrictCreation { throw ValidationError("--packaging-only applies to restrict-creation only.") }
        }

        func execute(_ invocation: Invocation) throws(GatehouseError) {
            let organization = try invocation.organization(org)
            let current = try invocation.service.policies(of: organization.id, by: invocation.actor)
            var updated = current[policy]
            if let enabled { updated.isEnabled = enabled }
            if let maxDays { updated.maximumLifespanDays = maxDays }
            if let packagingOnly { updated.packagingOnly = packagingOnly }
            if clearExemptions { updated.exemptions = [] }
            for login in exemptUsers { updated.exemptions.insert(.user(try invocation.user(login).id)) }
            for name in exemptGroups { updated.exemptions.insert(.group(try invocation.service.group(named: name, in: organization.id, by: invocation.actor).id)) }
            for login in unexemptUsers { updated.exemptions.remove(.user(try invocation.user(login).id)) }
            for name in unexemptGroups { updated.exemptions.remove(.group(try invocation.service.group(named: name, in: organization.id, by: invocation.actor).id)) }
            let stored = try invocation.service.updatePolicy(updated, in: organization.id, expectedVersion: current.version, by: invocation.actor)
            if invocation.json {
                invocation.print(PolicyCommand.json(stored, organization, invocation))
            } else {
                PolicyCommand.table(stored, organization, invocation)
                let rules = try invocation.service.nonComplianceRules(by: invocation.actor).filter { $0.organizationID == organization.id && $0.kind == policy }
                if !rules.isEmpty {
                    var query = TokenQuery()
                    query.nonCompliantWith = rules
                    let count = try invocation.service.count(query, by: invocation.actor)
                    if count > 0 {
                        invocation.output.note("\(TextFormat.plural(count, "existing token")) now break\(count == 1 ? "s" : "") this policy; they keep working. List them: gatehouse tokens list --non-compliant")
                    }
                }
            }
        }
    }
}
