import Foundation
@testable import GatehouseConsole
import GatehouseDomain
import TerminalKit
import Testing

/// Issue #13 item 3: a policy that can stop people creating tokens is turned on only after a
/// confirmation that states its impact, as the façade computes it (nothing is saved before).
@MainActor @Suite struct PolicyImpactTests {
    /// admin (first administrator), alice and bob in "Default"; bob is exempt from Restrict token
    /// creation; alice owns one active token.
    func tinyDirectory() throws -> TinyConsole {
        try TinyConsole(width: 100, height: 30) { service, admin, organization in
            let alice = try service.createUser(UserDraft(displayName: "Alice Liddell", loginName: "alice"), in: [organization], by: admin)
            let bob = try service.createUser(UserDraft(displayName: "Bob Bell", loginName: "bob"), in: [organization], by: admin)
            _ = try service.createToken(TokenRequest(displayName: "alice ci", ownerID: alice.id, target: .organization(organization),
                                                     scopes: .custom(["vso.build"]), expiration: .days(7)), by: try service.resolveActor(login: "alice"))
            let policies = try service.policies(of: organization, by: admin)
            var policy = policies[.restrictCreation]
            policy.exemptions = [.user(bob.id)]
            try service.updatePolicy(policy, in: organization, expectedVersion: policies.version, by: admin)
        }
    }

    /// The text inside the topmost dialog's box (the box whose top border holds `title`, or the
    /// last box drawn), its wrapped lines joined.
    static func dialogText(_ console: ConsoleFixture, title: String? = nil) -> String {
        let lines = console.frame.lines.map { Array($0) }
        guard let top = lines.lastIndex(where: { line in
            let text = String(line)
            return title.map { text.contains($0) } ?? text.contains("\u{250C} ")
        }) else { return "" }
        let row = lines[top]
        guard let left = row.firstIndex(of: "\u{250C}"), let right = row[left...].firstIndex(of: "\u{2510}") else { return "" }
        var parts: [String] = []
        for line in lines[(top + 1)...] {
            guard line.count > right, line[left] == "\u{2502}" else { break }
            parts.append(String(line[(left + 1)..<right]).trimmingCharacters(in: .whitespaces))
        }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    func restrictCreation(_ console: TinyConsole) throws -> TokenPolicy {
        try console.service.policies(of: console.organizationID, by: console.admin)[.restrictCreation]
    }

    @Test func spaceOnRestrictTokenCreationConfirmsWithWhoIsLockedOutAndWhatBreaks() throws {
        let console = try tinyDirectory()
        let events = try console.auditCount()
        console.send(.character("5"), .character("j"), .character("j"), .character("j"))
        #expect(console.shows("Only exempt users and groups may create tokens"), "\(console.dump)")
        console.send(.character(" "))
        #expect(console.shows("Turn on \u{201C}Restrict token creation\u{201D} in Default?"), "\(console.dump)")
        let dialog = Self.dialogText(console)
        #expect(dialog.contains("2 people who may create tokens today, including you, will no longer be able to create tokens."), "admin and alice, not bob (exempt): \(dialog)")
        #expect(dialog.contains("1 existing active token"), "alice's token\(console.dump)")
        #expect(try restrictCreation(console).isEnabled == false, "nothing is saved before the confirmation")
        #expect(try console.auditCount() == events)

        console.send(.enter)  // Cancel has the focus
        #expect(!console.shows("Turn on"))
        #expect(try restrictCreation(console).isEnabled == false)
        #expect(try console.auditCount() == events)

        console.send(.character(" "), .tab, .enter)
        #expect(try restrictCreation(console).isEnabled == true)
        #expect(try console.auditCount() == events + 1)
        #expect(console.messageRow.contains("Restrict token creation is now on in Default"), "\(console.dump)")
    }

    @Test func turningItOffAgainNeedsNoConfirmation() throws {
        let console = try tinyDirectory()
        console.send(.character("5"), .character("j"), .character("j"), .character("j"), .character(" "), .tab, .enter)
        #expect(try restrictCreation(console).isEnabled == true)
        console.send(.character(" "))
        #expect(!console.shows("Turn on"))
        #expect(try restrictCreation(console).isEnabled == false)
    }

    @Test func theEditorsSaveConfirmsTooAndSavesOnlyOnConfirm() throws {
        let console = try tinyDirectory()
        console.send(.character("5"), .character("j"), .character("j"), .character("j"), .enter)
        #expect(console.headerRow.contains("Restrict token creation"), "\(console.dump)")
        console.send(.character(" "), .ctrl("s"))
        #expect(console.shows("Turn on \u{201C}Restrict token creation\u{201D} in Default?"), "\(console.dump)")
        #expect(try restrictCreation(console).isEnabled == false)
        console.send(.tab, .enter)
        #expect(try restrictCreation(console).isEnabled == true)
        #expect(!console.headerRow.contains("Policies \u{203A} "), "the editor closed after saving\(console.dump)")
    }

    @Test func theImpactComesFromTheFacadeAndPackagingOnlyIsStatedAsALimit() throws {
        let console = try tinyDirectory()
        var policy = try restrictCreation(console)
        policy.isEnabled = true
        let impact = try console.service.policyImpact(of: policy, in: console.organizationID, by: console.admin)
        #expect(impact == PolicyImpact(usersLosingCreation: 2, includesActor: true, tokensBecomingNonCompliant: 1))
        policy.exemptions = []
        let everyone = try console.service.policyImpact(of: policy, in: console.organizationID, by: console.admin)
        #expect(everyone.usersLosingCreation == 3)
        policy.isEnabled = false
        #expect(try console.service.policyImpact(of: policy, in: console.organizationID, by: console.admin).usersLosingCreation == 0)
        policy.isEnabled = true
        policy.packagingOnly = true
        let org = try console.service.organization(named: "Default", by: console.admin)
        #expect(PolicyActions.impactText(everyone, policy, org).contains("will be limited to packaging-only tokens"))
    }

    @Test func demoAdministratorSeesTheRealCountsOfTheOrganizationOnScreen() throws {
        let console = try DemoConsole(width: 100, height: 30)
        console.send(.character("5"))
        let title = console.frame.text(row: 2)
        let organization = try #require(try console.service.organizations(by: console.administrator).first { title.contains("\u{2039} \($0.name) \u{203A}") })
        var policy = try console.service.policies(of: organization.id, by: console.administrator)[.restrictCreation]
        guard !policy.isEnabled else { return }
        policy.isEnabled = true
        let impact = try console.service.policyImpact(of: policy, in: organization.id, by: console.actor)
        console.send(.character("j"), .character("j"), .character("j"), .character(" "))
        let dialog = Self.dialogText(console)
        #expect(dialog.contains("\(impact.usersLosingCreation) people who may create tokens today"), "\(dialog)")
        #expect(dialog.contains("including you") == impact.includesActor)
        #expect(dialog.contains("(nobody is exempt)") == policy.exemptions.isEmpty)
        #expect(impact.usersLosingCreation > 10)
    }
}
