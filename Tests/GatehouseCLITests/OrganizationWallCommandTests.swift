import Foundation
import Testing
@testable import GatehouseCLI
import GatehouseDomain

/// A sample of the authorization matrix through the CLI, as an attacker typed it: the same walls
/// hold whatever door is used, with the exit statuses scripts rely on.
@Suite struct OrganizationWallCommandTests {
    let fixture: CLIFixture
    let northwind: Organization

    /// Default is administered by the OS login (the fixture's admin) and dana; Northwind by nora only;
    /// sam belongs to both and administers Northwind.
    init() throws {
        fixture = try CLIFixture()
        let service: AccessService = fixture.service, admin: Actor = fixture.admin
        northwind = try service.createOrganization(named: "Northwind", by: admin)
        let dana = try service.createUser(UserDraft(displayName: "Dana", loginName: "dana"), in: [fixture.organization.id], by: admin)
        let nora = try service.createUser(UserDraft(displayName: "Nora", loginName: "nora"), in: [northwind.id], by: admin)
        let sam = try service.createUser(UserDraft(displayName: "Sam", loginName: "sam"), in: [fixture.organization.id, northwind.id], by: admin)
        let defaultAdmins = try service.group(named: DefaultGroup.projectCollectionAdministrators.name, in: fixture.organization.id, by: admin)
        let northwindAdmins = try service.group(named: DefaultGroup.projectCollectionAdministrators.name, in: northwind.id, by: admin)
        try service.addMember(.user(dana.id), to: defaultAdmins.id, by: admin)
        for user in [nora, sam] { try service.addMember(.user(user.id), to: northwindAdmins.id, by: admin) }
        _ = try service.createToken(TokenRequest(displayName: "nora-ci", target: .organization(northwind.id), scopes: .custom(["vso.code"]),
                                                 expiration: .days(30)), by: service.resolveActor(login: "nora"))
    }

    @Test("Default's administrator cannot disable, re-key or rename an account that also administers Northwind (exit 6)")
    func sharedAccount() throws {
        let before = try fixture.snapshot()
        for arguments in [["users", "disable", "sam"], ["users", "edit", "sam", "--new-login", "nobody"], ["users", "delete", "sam"]] {
            let run = fixture.run(arguments + ["--as", "dana"])
            #expect(run.status == 6, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("Manage users"), "\(run.stderr)")
        }
        #expect(try fixture.snapshot() == before)
    }

    @Test("joining another organization's administrator into one's own is refused: that account is not even there to name (exit 4)")
    func takeover() throws {
        let before = try fixture.snapshot()
        let run = fixture.run(["users", "join-org", "nora", "--org", "Default", "--as", "dana"])
        #expect(run.status == 4, "\(run.stderr)")
        #expect(try fixture.snapshot() == before)
    }

    @Test("lists show one's own organizations only: Northwind's token is not Default's administrator's to see")
    func lists() throws {
        let tokens = try fixture.run(["tokens", "list", "--json", "--as", "dana"]).jsonArray()
        #expect(!tokens.contains { $0["name"] as? String == "nora-ci" })
        let theirs = try fixture.run(["tokens", "list", "--json", "--as", "nora"]).jsonArray()
        #expect(theirs.map { $0["name"] as? String } == ["nora-ci"])
        let users = try fixture.run(["users", "list", "--json", "--as", "nora"]).jsonArray()
        #expect(!users.contains { $0["login"] as? String == "dana" }, "Default's members are not Northwind's to list")
        let show = fixture.run(["users", "show", "dana", "--as", "nora"])
        #expect(show.status == 4, "not found, not forbidden: \(show.stderr)")
        let audit = fixture.run(["audit", "list", "--org", "Default", "--as", "nora"])
        #expect(audit.status == 4, "Default is not an organization nora can name: \(audit.stderr)")
    }

    @Test("another organization's policies are not there to read (exit 4); one's own are")
    func policies() throws {
        let refused = fixture.run(["policy", "show", "--org", "Northwind", "--as", "dana"])
        #expect(refused.status == 4, "\(refused.stderr)")
        let own = fixture.run(["policy", "show", "--org", "Northwind", "--as", "nora"])
        #expect(own.status == 0, "\(own.stderr)")
    }
}
