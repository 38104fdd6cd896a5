import Foundation
import Testing
@testable import GatehouseCLI
import GatehouseDomain

/// Each read command, human and JSON, on the seeded directory of `CLIFixture`.
@Suite struct ReadCommandTests {
    let fixture: CLIFixture
    init() throws { fixture = try CLIFixture() }

    @Test func usersListIsATableSortedByNameAndJSONArray() throws {
        let human = fixture.run(["users", "list"])
        #expect(human.status == 0)
        #expect(human.stdout == """
            LOGIN       NAME            KIND             SOURCE  ACCESS  STATUS    EMAIL
            \(fixture.adminLogin.padding(toLength: 10, withPad: " ", startingAt: 0))  Ada Admin       User             Local   Basic   Active
            alice       Alice Example   User             Local   Basic   Active    alice@contoso.example
            bob         Bob Builder     User             Local   Basic   Active
            agent-07    Build agent 07  Job agent        Local   Basic   Disabled
            svc-deploy  Deploy service  Service account  Local   Basic   Active

            """)
        let json = try fixture.run(["users", "list", "--json", "--kind", "job-agent"]).jsonArray()
        #expect(json.count == 1)
        #expect(json[0]["login"] as? String == "agent-07")
        #expect(json[0]["kind"] as? String == "job-agent")
        #expect(json[0]["status"] as? String == "disabled")
        #expect(Set(json[0].keys) == ["id", "login", "displayName", "email", "kind", "identitySource", "accessLevel", "status", "createdAt", "version"])
        #expect(json[0]["createdAt"] as? String == "2026-03-02T12:00:00Z")
    }

    @Test func usersShowExplainsPermissions() throws {
        let human = fixture.run(["users", "show", "alice"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("Login            alice\n"))
        // A long value wraps under its column instead of overflowing the terminal.
        #expect(human.stdout.contains("Groups           Default/Contributors, Default/Project Collection Valid Users,\n                 Default/Release Managers\n"))
        #expect(human.stdout.contains("Default       Create tokens          yes      allowed by Contributors\n"))
        let json = try fixture.run(["users", "show", "alice", "--json"]).jsonObject()
        #expect(json["email"] as? String == "alice@contoso.example")
        let permissions = try #require(json["effectivePermissions"] as? [[String: Any]])
        let create = try #require(permissions.first { $0["permission"] as? String == "create-tokens" })
        #expect(create["allowed"] as? Bool == true)
        #expect(create["reason"] as? String == "allowed by Contributors")
        #expect((json["groups"] as? [[String: Any]])?.count == 3)
        #expect((json["sshKeys"] as? [Any])?.isEmpty == true)
    }

    @Test func groupsListAndShow() throws {
        let list = fixture.run(["groups", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.hasPrefix("ORGANIZATION  NAME                               TYPE     MEMBERS  DESCRIPTION\n"))
        #expect(list.stdout.contains("Default       Release Managers                   custom         1  Approve releases\n"))
        let json = try fixture.run(["groups", "list", "--json", "--search", "Release"]).jsonArray()
        #expect(json.map { $0["name"] as? String } == ["Release Managers"])
        #expect(json[0]["defaultRole"] is NSNull)
        #expect(json[0]["organization"] as? String == "Default")

        let show = fixture.run(["groups", "show", "Default/Release Managers"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("Members\nTYPE  NAME           LOGIN\nuser  Alice Example  alice\n"))
        let detail = try fixture.run(["groups", "show", "Release Managers", "--org", "Default", "--json"]).jsonObject()
        #expect((detail["members"] as? [[String: Any]])?.first?["login"] as? String == "alice")
        #expect((detail["permissions"] as? [String: String])?["manage-users"] == "not-set")
    }

    @Test func tokensListShowsEveryTokenToAnAdministrator() throws {
        let human = fixture.run(["tokens", "list"])
        #expect(human.status == 0)
        let lines = human.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "ID        NAME         OWNER       ORG      SCOPES                    STATUS   EXPIRES     LAST USED")
        #expect(lines.count == 6)
        #expect(lines.contains("\(fixture.tokenID("ci-read").prefix(8))  ci-read      alice       Default  Code: Read                Active   2026-04-01  never"))
        #expect(lines.contains("\(fixture.tokenID("old").prefix(8))  old          bob         Default  Work Items: Read          Expired  2026-02-20  never"))
        #expect(lines.allSatisfy { $0.count <= 100 })

        let json = try fixture.run(["tokens", "list", "--json"]).jsonArray()
        #expect(json.map { $0["name"] as? String } == ["old", "deploy", "revoked-one", "ci-read", "admin-full"])
        let deploy = try #require(json.first { $0["name"] as? String == "deploy" })
        #expect(deploy["owner"] as? String == "svc-deploy")
        #expect(deploy["createdBy"] as? String == fixture.adminLogin)
        #expect(deploy["scopes"] as? [String] == ["vso.packaging_write"])
        #expect(deploy["highPrivilege"] as? Bool == true)
        #expect(deploy["expiresAt"] as? String == "2026-03-07T12:00:00Z")
        #expect(deploy["lastUsedAt"] is NSNull)
        #expect(Set(deploy.keys) == ["id", "name", "owner", "ownerId", "createdBy", "organization", "organizationId", "global", "scopes", "fullAccess",
                                     "highPrivilege", "status", "validFrom", "expiresAt", "createdAt", "lastUsedAt", "revokedAt", "revocationReason",
                                     "handle", "generation", "version"])
        #expect(json.first { $0["name"] as? String == "revoked-one" }?["revocationReason"] as? String == "test")
    }

    /// The risk view's filters, each on its own.
    @Test(arguments: [
        (["--owner", "bob"], ["old", "revoked-one"]),
        (["--status", "active"], ["deploy", "ci-read", "admin-full"]),
        (["--status", "expired", "--status", "revoked"], ["old", "revoked-one"]),
        (["--expiring-within", "7d"], ["deploy"]),
        (["--full-access"], ["admin-full"]),
        (["--high-privilege"], ["deploy", "admin-full"]),
        (["--global"], []),
        (["--never-used"], ["old", "deploy", "revoked-one", "ci-read", "admin-full"]),
        (["--unused-for", "30d"], ["old"]),
        (["--non-compliant"], ["admin-full"]),
        (["--search", "dep"], ["deploy"]),
        (["--sort", "name"], ["admin-full", "ci-read", "deploy", "old", "revoked-one"]),
    ])
    func tokensListFilters(arguments: [String], names: [String]) throws {
        let result = fixture.run(["tokens", "list", "--json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.jsonArray().map { $0["name"] as? String ?? "" } == names)
    }

    @Test func aUserWithoutManageOthersTokensSeesOnlyTheirOwn() throws {
        let json = try fixture.run(["tokens", "list", "--json", "--as", "alice"]).jsonArray()
        #expect(json.map { $0["name"] as? String } == ["ci-read"])
        let other = fixture.run(["tokens", "show", fixture.tokenID("deploy"), "--as", "alice"])
        #expect(other.status == 4)
    }

    @Test func tokensShowByIdOrPrefix() throws {
        let id = fixture.tokenID("deploy")
        let human = fixture.run(["tokens", "show", String(id.prefix(8))])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("ID              \(id)\n"))
        #expect(human.stdout.contains("Owner           svc-deploy (Deploy service)\n"))
        #expect(human.stdout.contains("Created by      \(fixture.adminLogin)\n"))
        #expect(human.stdout.contains("Expires         2026-03-07 12:00 UTC (in 5 days)\n"))
        #expect(!human.stdout.contains("gpat_") || human.stdout.contains("Handle          gpat_\u{2026}"))
        let json = try fixture.run(["tokens", "show", id, "--json"]).jsonObject()
        #expect(json["id"] as? String == id)
        #expect(json["status"] as? String == "active")
    }

    @Test func expiringGroupsByOwner() throws {
        let human = fixture.run(["tokens", "expiring", "--within", "7d"])
        #expect(human.status == 0)
        #expect(human.stdout == """
            OWNER       EMAIL  ID        NAME    ORG      EXPIRES
            svc-deploy  -      \(fixture.tokenID("deploy").prefix(8))  deploy  Default  2026-03-07 12:00 UTC (in 5 days)

            """)
        let json = try fixture.run(["tokens", "expiring", "--within", "31d", "--json"]).jsonArray()
        #expect(json.map { ($0["owner"] as? [String: Any])?["login"] as? String } == ["alice", "svc-deploy"])
        #expect((json[0]["owner"] as? [String: Any])?["email"] as? String == "alice@contoso.example")
        #expect((json[0]["tokens"] as? [[String: Any]])?.map { $0["name"] as? String } == ["ci-read"])
        let none = fixture.run(["tokens", "expiring", "--within", "1h"])
        #expect(none.status == 0 && none.stdout.isEmpty && none.stderr.contains("No active token expires within 1h."))
    }

    @Test func scopesListsTheCatalogWithDaggers() throws {
        let human = fixture.run(["tokens", "scopes"], database: false)
        #expect(human.status == 0)
        #expect(human.stdout.split(separator: "\n").contains { $0.hasPrefix("Code") && $0.contains("vso.code_write") && $0.hasSuffix("\u{2020}") })
        let json = try fixture.run(["tokens", "scopes", "--json"], database: false).jsonArray()
        let write = try #require(json.first { $0["identifier"] as? String == "vso.code_write" })
        #expect(write["area"] as? String == "Code")
        #expect(write["level"] as? String == "Read & write")
        #expect(write["highPrivilege"] as? Bool == true)
    }

    @Test func auditListAndExport() throws {
        let human = fixture.run(["audit", "list", "--limit", "3"])
        #expect(human.status == 0)
        #expect(human.stdout.hasPrefix("WHEN (UTC)        ACTOR"))
        #expect(human.stdout.contains("\n2026-03-02 12:00  "))
        #expect(human.stdout.contains("\(fixture.adminLogin) for svc-deploy"))
        #expect(human.stderr.contains("Showing the newest 3 of"))
        let filtered = try fixture.run(["audit", "list", "--json", "--action", "token.revoke", "--actor", "bob"]).jsonArray()
        #expect(filtered.count == 1)
        #expect((filtered[0]["target"] as? [String: Any])?["name"] as? String == "revoked-one")
        #expect(filtered[0]["occurredAt"] as? String == "2026-03-02T11:00:00Z")
        let since = try fixture.run(["audit", "list", "--json", "--limit", "0", "--since", "2026-03-02T11:30:00Z"]).jsonArray()
        #expect(since.allSatisfy { ($0["occurredAt"] as? String ?? "") >= "2026-03-02T11:30:00Z" })
        let until = try fixture.run(["audit", "list", "--json", "--until", "2026-02-01"]).jsonArray()
        #expect(until.map { $0["action"] as? String } == ["token.create"])

        let export = fixture.run(["audit", "export"])
        #expect(export.status == 0)
        let lines = export.stdout.split(separator: "\n")
        #expect(lines.count == (try fixture.auditEvents().count))
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["action"] as? String == "directory.bootstrap")
        let ids = try lines.map { try #require((try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? Int) }
        #expect(ids == ids.sorted(), "export is oldest first")
    }

    /// Issue #13 item 8: the console's filter, as `--filter`: labels, codes and ages alike.
    @Test func auditFilterIsTheConsolesSyntax() throws {
        let byCode = try fixture.run(["audit", "list", "--json", "--filter", "action:token.revoke actor:bob"]).jsonArray()
        #expect(byCode.count == 1)
        #expect((byCode[0]["target"] as? [String: Any])?["name"] as? String == "revoked-one")
        let byLabel = try fixture.run(["audit", "list", "--json", "--filter", "action:\"Token revoked\" actor:bob"]).jsonArray()
        #expect(byLabel.count == 1)
        let since = try fixture.run(["audit", "list", "--json", "--limit", "0", "--filter", "since:2026-03-02T11:30:00Z"]).jsonArray()
        #expect(!since.isEmpty)
        #expect(since.allSatisfy { ($0["occurredAt"] as? String ?? "") >= "2026-03-02T11:30:00Z" })
        let refused = fixture.run(["audit", "list", "--filter", "action:nope"])
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("no action is \u{201C}nope\u{201D}"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Accepted:"))
    }

    @Test func policyShow() throws {
        let human = fixture.run(["policy", "show"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("maximum-lifespan             on     90 days"))
        let json = try fixture.run(["policy", "show", "--org", "Default", "--json"]).jsonArray()
        let policies = try #require(json.first?["policies"] as? [[String: Any]])
        #expect(policies.map { $0["kind"] as? String } == PolicyKind.allCases.map(\.rawValue))
        #expect(policies[2]["maximumLifespanDays"] as? Int == 90)
        #expect(policies[2]["enabled"] as? Bool == true)
    }

    @Test func orgsList() throws {
        let human = fixture.run(["orgs", "list"])
        #expect(human.stdout == "NAME     MEMBERS  CREATED\nDefault        5  2026-03-02\n")
        #expect(try fixture.run(["orgs", "list", "--json"]).jsonArray().map { $0["name"] as? String } == ["Default"])
    }

    /// PRODUCT.md: terminals from 80 columns up.
    @Test(arguments: [
        ["tokens", "list"], ["tokens", "expiring", "--within", "31d"], ["users", "list"], ["groups", "list"], ["audit", "list"],
        ["policy", "show"], ["users", "show", "alice"], ["groups", "show", "Readers"], ["tokens", "scopes"],
    ])
    func tablesFitAnEightyColumnTerminal(arguments: [String]) throws {
        _ = fixture.run(["users", "keys", "add", "alice"], stdin: SampleSSHKey.line)
        let result = fixture.run(arguments, database: arguments != ["tokens", "scopes"], width: 80)
        #expect(result.status == 0)
        for line in result.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
    }

    static let commandPaths: [[String]] = [
        ["users"], ["users", "list"], ["users", "show"], ["users", "add"], ["users", "edit"], ["users", "disable"], ["users", "enable"],
        ["users", "delete"], ["users", "join-org"], ["users", "keys"], ["users", "keys", "list"], ["users", "keys", "add"], ["users", "keys", "remove"],
        ["groups"], ["groups", "list"], ["groups", "show"], ["groups", "create"], ["groups", "edit"], ["groups", "delete"],
        ["groups", "add-member"], ["groups", "remove-member"], ["groups", "set-permission"],
        ["tokens"], ["tokens", "list"], ["tokens", "show"], ["tokens", "create"], ["tokens", "edit"], ["tokens", "regenerate"],
        ["tokens", "revoke"], ["tokens", "verify"], ["tokens", "check"], ["tokens", "report-leaked"], ["tokens", "expiring"], ["tokens", "scopes"],
        ["audit"], ["audit", "list"], ["audit", "export"], ["policy"], ["policy", "show"], ["policy", "set"], ["orgs"], ["orgs", "list"], ["orgs", "create"],
    ]

    @Test(arguments: commandPaths)
    func everyCommandHasHelp(path: [String]) {
        let help = fixture.run(path + ["--help"], database: false)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: gatehouse \(path.joined(separator: " "))"))
        #expect(help.stdout.contains("OVERVIEW: "))
    }

    @Test func shellCompletionScriptsAreGenerated() {
        for shell in ["bash", "zsh", "fish"] {
            let script = fixture.run(["--generate-completion-script", shell], database: false)
            #expect(script.status == 0)
            #expect(script.stdout.contains("report-leaked"), "\(shell)")
        }
    }
}
