import Foundation
import Testing
@testable import GatehouseCLI
import GatehouseDomain

/// Each changing command, human and JSON, and what it left in the directory and the audit log.
@Suite struct WriteCommandTests {
    let fixture: CLIFixture
    init() throws { fixture = try CLIFixture() }

    func lastAudit() throws -> AuditEvent { try #require(try fixture.auditEvents().first) }

    @Test func usersLifecycle() throws {
        let add = fixture.run(["users", "add", "--login", "carol", "--name", "Carol Chen", "--email", "carol@contoso.example", "--kind", "user", "--access", "stakeholder"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout == "Added carol (Carol Chen).\n")
        #expect(try lastAudit().action == .userCreated)

        let edit = try fixture.run(["users", "edit", "carol", "--name", "Carol C. Chen", "--access", "basic", "--json"]).jsonObject()
        #expect(edit["displayName"] as? String == "Carol C. Chen")
        #expect(edit["accessLevel"] as? String == "basic")
        #expect(edit["version"] as? Int == 2)

        #expect(fixture.run(["users", "disable", "carol"]).stdout == "Disabled carol (Carol C. Chen).\n")
        #expect(try fixture.service.user(login: "carol", by: fixture.admin).status == .disabled)
        let enabled = try fixture.run(["users", "enable", "carol", "--json"]).jsonObject()
        #expect(enabled["status"] as? String == "active")

        let deleted = try fixture.run(["users", "delete", "carol", "--json"]).jsonObject()
        #expect(deleted["deleted"] as? Bool == true)
        #expect((deleted["user"] as? [String: Any])?["login"] as? String == "carol")
        #expect(try lastAudit().action == .userDeleted)
        #expect(fixture.run(["users", "show", "carol"]).status == 4)
    }

    @Test func joinOrganization() throws {
        #expect(fixture.run(["orgs", "create", "Fabrikam"]).stdout == "Created the organization Fabrikam.\n")
        let joined = fixture.run(["users", "join-org", "alice", "--org", "Fabrikam"])
        #expect(joined.status == 0 && joined.stdout == "Added alice to Fabrikam.\n")
        #expect(try fixture.service.organizations(of: fixture.service.user(login: "alice", by: fixture.admin).id, by: fixture.admin).map(\.name) == ["Default", "Fabrikam"])
        // Two organizations now: a bare default-group name is ambiguous, and the message says how to choose.
        let ambiguous = fixture.run(["groups", "show", "Contributors"])
        #expect(ambiguous.status == 3)
        #expect(ambiguous.stderr.contains("\u{201C}Default/Contributors\u{201D}, \u{201C}Fabrikam/Contributors\u{201D}. Write ORG/NAME, or add --org."))
        #expect(fixture.run(["groups", "show", "Fabrikam/Contributors"]).status == 0)
        let noOrg = fixture.run(["groups", "create", "Ops"])
        #expect(noOrg.status == 3 && noOrg.stderr.contains("choose one with --org NAME"))
    }

    @Test func sshKeysFromStdinAndFile() throws {
        let add = fixture.run(["users", "keys", "add", "alice"], stdin: SampleSSHKey.line + "\n")
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.hasPrefix("Added ED25519 key \(SampleSSHKey.fingerprint) to alice"))
        let list = try fixture.run(["users", "keys", "list", "alice", "--json"]).jsonArray()
        #expect(list.map { $0["fingerprint"] as? String } == [SampleSSHKey.fingerprint])
        #expect(list[0]["bits"] as? Int == 256)
        let human = fixture.run(["users", "keys", "list", "alice"])
        #expect(human.stdout.contains("ED25519 256  \(SampleSSHKey.fingerprint)  alice@example"))

        let removed = fixture.run(["users", "keys", "remove", "alice", SampleSSHKey.fingerprint])
        #expect(removed.status == 0 && removed.stdout == "Removed \(SampleSSHKey.fingerprint) from alice.\n")
        #expect(try fixture.service.sshKeys(of: fixture.service.user(login: "alice", by: fixture.admin).id, by: fixture.admin).isEmpty)

        let file = fixture.folder.appendingPathComponent("id_ed25519.pub")
        try (SampleSSHKey.line + "\n").write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try fixture.run(["users", "keys", "add", "bob", "--file", file.path, "--json"]).jsonObject()
        #expect(fromFile["fingerprint"] as? String == SampleSSHKey.fingerprint)
        let keyID = try #require(fromFile["id"] as? String)
        #expect(fixture.run(["users", "keys", "remove", "bob", String(keyID.prefix(6))]).status == 0)
    }

    @Test func groupsLifecycle() throws {
        let created = try fixture.run(["groups", "create", "Auditors", "--description", "Read the log", "--json"]).jsonObject()
        #expect(created["name"] as? String == "Auditors")
        #expect(created["description"] as? String == "Read the log")
        #expect(fixture.run(["groups", "edit", "Auditors", "--name", "Log Readers"]).stdout == "Updated Log Readers.\n")

        let added = fixture.run(["groups", "add-member", "Log Readers", "--user", "bob"])
        #expect(added.status == 0 && added.stdout == "Added bob to Log Readers.\n")
        let nested = try fixture.run(["groups", "add-member", "Log Readers", "--group", "Release Managers", "--json"]).jsonObject()
        #expect((nested["members"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Release Managers", "Bob Builder"])
        let cycle = fixture.run(["groups", "add-member", "Release Managers", "--group", "Log Readers"])
        #expect(cycle.status == 3 && cycle.stderr.contains("cycle"))

        let permission = fixture.run(["groups", "set-permission", "Log Readers", "view-audit-log", "allow"])
        #expect(permission.stdout == "Log Readers: View audit log is now Allow.\n")
        #expect(fixture.run(["audit", "list", "--as", "bob", "--limit", "1"]).status == 0)
        let json = try fixture.run(["groups", "set-permission", "Log Readers", "manage-groups", "deny", "--json"]).jsonObject()
        #expect((json["permissions"] as? [String: String])?["manage-groups"] == "deny")

        #expect(fixture.run(["groups", "remove-member", "Log Readers", "--user", "bob"]).stdout == "Removed bob from Log Readers.\n")
        #expect(fixture.run(["audit", "list", "--as", "bob"]).status == 6)
        let deleted = try fixture.run(["groups", "delete", "Default/Log Readers", "--json"]).jsonObject()
        #expect(deleted["deleted"] as? Bool == true)
        let defaultGroup = fixture.run(["groups", "delete", "Readers"])
        #expect(defaultGroup.status == 3 && defaultGroup.stderr.contains("default group"))
    }

    @Test func createPrintsTheSecretAloneOnStdout() throws {
        let result = fixture.run(["tokens", "create", "--name", "nightly", "--expires", "30d", "--scope", "vso.code,vso.build"])
        #expect(result.status == 0, "\(result.stderr)")
        let secret = result.stdout.trimmingCharacters(in: .newlines)
        #expect(result.stdout == secret + "\n")
        #expect(TokenFormat.validate(secret) == nil)
        #expect(result.stderr.contains("Created \u{201C}nightly\u{201D}"))
        #expect(result.stderr.contains("shown only this once"))
        #expect(!result.stderr.contains(secret))
        let token = try fixture.token(named: "nightly")
        #expect(token.scopes == .custom(["vso.build", "vso.code"]))
        #expect(token.validTo == CLIFixture.start.addingTimeInterval(30 * 86_400))
        // Verified through the CLI it authenticates the admin.
        let verified = try fixture.run(["tokens", "verify", "--json"], stdin: secret + "\n").jsonObject()
        #expect(verified["valid"] as? Bool == true)
        #expect((verified["owner"] as? [String: Any])?["login"] as? String == fixture.adminLogin)
        #expect(verified["scopes"] as? [String] == ["vso.build", "vso.code"])
    }

    @Test func createJSONCarriesTheSecretOnce() throws {
        let result = fixture.run(["tokens", "create", "--name", "svc", "--for", "svc-deploy", "--org", "Default", "--expires", "2026-03-31", "--scope", "vso.packaging", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.jsonObject()
        let secret = try #require(json["secret"] as? String)
        #expect(TokenFormat.validate(secret) == nil)
        #expect(result.stdout.components(separatedBy: secret).count == 2)
        let token = try #require(json["token"] as? [String: Any])
        #expect(token["owner"] as? String == "svc-deploy")
        #expect(token["createdBy"] as? String == fixture.adminLogin)
        #expect(token["expiresAt"] as? String == "2026-04-01T00:00:00Z")
        let audit = try lastAudit()
        #expect(audit.action == .tokenCreated && audit.onBehalfOf?.login == "svc-deploy")
    }

    @Test func editChangesSettingsNotTheSecret() throws {
        let id = fixture.tokenID("ci-read")
        let before = try fixture.token(named: "ci-read")
        let human = fixture.run(["tokens", "edit", String(id.prefix(8)), "--name", "ci-read-2", "--expires", "60d", "--scope", "vso.code", "--scope", "vso.build", "--as", "alice"])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.hasPrefix("Updated \u{201C}ci-read-2\u{201D}"))
        let after = try fixture.token(named: "ci-read-2")
        #expect(after.digest == before.digest)
        #expect(after.scopes == .custom(["vso.build", "vso.code"]))
        let json = try fixture.run(["tokens", "edit", id, "--expires", "10d", "--json"]).jsonObject()
        #expect(json["expiresAt"] as? String == "2026-03-12T12:00:00Z")
        #expect(fixture.run(["tokens", "edit", id]).status == 64)
    }

    @Test func regenerateRotatesTheSecret() throws {
        let created = fixture.run(["tokens", "create", "--name", "rotate-me", "--for", "svc-deploy", "--expires", "30d", "--scope", "vso.packaging"])
        let old = created.stdout.trimmingCharacters(in: .newlines)
        let id = try fixture.token(named: "rotate-me").id.description
        fixture.clock.advance(by: 86_400)
        let regenerated = fixture.run(["tokens", "regenerate", String(id.prefix(8))])
        #expect(regenerated.status == 0, "\(regenerated.stderr)")
        let new = regenerated.stdout.trimmingCharacters(in: .newlines)
        #expect(new != old && TokenFormat.validate(new) == nil)
        #expect(regenerated.stderr.contains("Regenerated \u{201C}rotate-me\u{201D}"))
        #expect(fixture.run(["tokens", "verify"], stdin: new).status == 0)
        let stale = fixture.run(["tokens", "verify", "--json"], stdin: old)
        #expect(stale.status == 7)
        #expect(try stale.jsonObject()["reason"] as? String == "replaced")
        let json = try fixture.run(["tokens", "regenerate", id, "--json"]).jsonObject()
        #expect((json["token"] as? [String: Any])?["generation"] as? Int == 3)
    }

    @Test func revokeOneAndVerifyFails() throws {
        let secret = fixture.run(["tokens", "create", "--name", "short", "--expires", "1d", "--scope", "vso.code"]).stdout.trimmingCharacters(in: .newlines)
        let id = try fixture.token(named: "short").id.description
        let revoked = fixture.run(["tokens", "revoke", id, "--reason", "laptop stolen"])
        #expect(revoked.status == 0 && revoked.stdout.hasPrefix("Revoked \u{201C}short\u{201D}"))
        #expect(try fixture.token(named: "short").revocation?.reason == "laptop stolen")
        let verify = fixture.run(["tokens", "verify"], stdin: secret)
        #expect(verify.status == 7)
        #expect(verify.stderr.contains("The token was revoked on 2026-03-02 12:00 UTC (laptop stolen)."))
        let again = fixture.run(["tokens", "revoke", id])
        #expect(again.status == 3 && again.stderr.contains("already revoked"))
    }

    @Test func bulkRevokeDryRunThenAllAtOnce() throws {
        _ = fixture.run(["tokens", "create", "--name", "bob-2", "--expires", "30d", "--scope", "vso.code", "--as", "bob"])
        let before = try fixture.snapshot()
        let dry = fixture.run(["tokens", "revoke", "--filter", "--owner", "bob", "--dry-run"])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("bob-2"))
        #expect(!dry.stdout.contains("old"), "expired and revoked tokens are not revoked again")
        #expect(dry.stderr.contains("Dry run: 1 token would be revoked."))
        #expect(try fixture.snapshot() == before)

        let json = try fixture.run(["tokens", "revoke", "--filter", "--owner", "bob", "--reason", "left the company", "--json"]).jsonObject()
        #expect(json["dryRun"] as? Bool == false)
        #expect(json["count"] as? Int == 1)
        #expect(try fixture.token(named: "bob-2").revocation?.reason == "left the company")
        #expect(fixture.run(["tokens", "revoke", "--filter"]).status == 64)
        #expect(fixture.run(["tokens", "revoke", "abcd", "--owner", "bob"]).status == 64)
    }

    @Test func checkIsOfflineAndExact() throws {
        let secret = fixture.run(["tokens", "create", "--name", "chk", "--expires", "1d", "--scope", "vso.code"]).stdout.trimmingCharacters(in: .newlines)
        let good = fixture.run(["tokens", "check"], stdin: secret + "\n", database: false)
        #expect(good.status == 0 && good.stdout.hasPrefix("Well-formed Gatehouse token"))
        var typo = secret
        typo.removeLast()
        typo += secret.hasSuffix("A") ? "B" : "A"
        let bad = fixture.run(["tokens", "check", "--json"], stdin: typo, database: false)
        #expect(bad.status == 7)
        #expect(try bad.jsonObject()["problem"] as? String == "checksum-mismatch")
        #expect(bad.stderr.contains("checksum does not match"))
        #expect(!bad.stderr.contains(typo) && !bad.stdout.contains(typo))
    }

    @Test func reportLeakedRevokesUnderPolicy() throws {
        let secret = fixture.run(["tokens", "create", "--name", "leaky", "--expires", "7d", "--scope", "vso.code", "--as", "alice"]).stdout.trimmingCharacters(in: .newlines)
        let report = fixture.run(["tokens", "report-leaked", "--as", "bob"], stdin: secret)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.hasPrefix("Revoked \u{201C}leaky\u{201D}"))
        #expect(try fixture.token(named: "leaky").revocation?.reason == "reported as leaked")
        let actions = try fixture.auditEvents().prefix(2).map(\.action)
        #expect(actions == [.tokenRevoked, .tokenLeakReported])
        let again = try fixture.run(["tokens", "report-leaked", "--json"], stdin: secret).jsonObject()
        #expect(again["outcome"] as? String == "already-inactive")
        let unknown = fixture.run(["tokens", "report-leaked"], stdin: TokenFormat.generate(using: SystemRandomSource()).reveal())
        #expect(unknown.status == 4 && unknown.stderr.contains("well-formed but unknown"))
    }

    @Test func policySet() throws {
        let set = fixture.run(["policy", "set", "restrict-full-scoped-tokens", "--enable", "--exempt-group", "Release Managers"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("restrict-full-scoped-tokens  on"))
        #expect(set.stdout.contains("group Release Managers"))
        #expect(set.stderr.contains("1 existing token now breaks this policy"))
        let refused = fixture.run(["tokens", "create", "--name", "all", "--expires", "1d", "--full-access"])
        #expect(refused.status == 3 && refused.stderr.contains("Refused by the policy \u{201C}Restrict full-scoped tokens\u{201D} of Default"))
        #expect(fixture.run(["tokens", "create", "--name", "all", "--expires", "1d", "--full-access", "--as", "alice"]).status == 0)

        let json = try fixture.run(["policy", "set", "maximum-lifespan", "--max-days", "30", "--json"]).jsonObject()
        let lifespan = try #require((json["policies"] as? [[String: Any]])?.first { $0["kind"] as? String == "maximum-lifespan" })
        #expect(lifespan["maximumLifespanDays"] as? Int == 30)
        #expect(fixture.run(["policy", "set", "maximum-lifespan", "--max-days", "400"]).status == 3)
        #expect(fixture.run(["policy", "set", "restrict-creation", "--max-days", "3"]).status == 64)
        #expect(fixture.run(["policy", "set", "restrict-creation"]).status == 64)
        #expect(fixture.run(["policy", "set", "restrict-creation", "--disable", "--as", "alice"]).status == 6)
    }

    /// The audit log says "root as alice" for `--as`.
    @Test func actingAsAnotherUserIsAudited() throws {
        #expect(fixture.run(["tokens", "create", "--name", "mine", "--expires", "1d", "--scope", "vso.code", "--as", "alice"]).status == 0)
        let event = try lastAudit()
        #expect(event.actorText == "\(fixture.adminLogin) as alice")
        let json = try fixture.run(["audit", "list", "--json", "--limit", "1"]).jsonArray()
        #expect(json[0]["actor"] as? String == "alice")
        #expect(json[0]["impersonator"] as? String == fixture.adminLogin)
    }
}
