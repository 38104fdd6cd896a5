import ArgumentParser
import Foundation
import Testing
@testable import GatehouseCLI
import GatehouseDomain
import GatehouseStore

/// Keys made with ssh-keygen (OpenSSH 9.2p1) for these tests.
enum SSHTestKeys {
    static let ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGa0akXcGxYyzm3WLJlBcMjJnhlS5vcIvzfBt/SY9/b+ ed25519@test"
    static let ecdsa = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBI9fVoUuQ/iFy+L3ZH7n9LCQV4hrjejUYQHi+X9J6rVEQ06ORKsmCKA/jgUEq1DMJgnyy6u7/qJ/6PpOFHVG0AU= ecdsa@test"
    static let rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCbMYfs/U5evO9qNOz8626xxrAosivXrpC3GzDJOoX2GQ54BfqhsNPBXYp2Y8UcIbbP2IEYhb/jbem/k9gC5iQX9B5mLJxzrlmQjlWffvGxbIeCz4nR4/qyAMEANtYb+yunMo4Cc8cgPCP1gJQu1QCQlKk+RELPynIwL5MHZT2C2KSpnjjZtMl3LqSiGutMQygSctawSfXTuwvq19BYERt4+qrLJ8F8dBvGRp1nyJ5ZBKTaUtHQWO0GpLrn1T7E9df1KMhW3i0WL7d6V/ao71mnX90ALCSdM7Q/hmczcOO66iDRHhQGYtiAhDwy4Ss0CyOIGpcfck4O8HOoiFuyuWKR rsa@test"
    static let all = [ed25519, ecdsa, rsa]

    static func fields(_ line: String) -> (type: String, base64: String) {
        let parts = line.split(separator: " ")
        return (String(parts[0]), String(parts[1]))
    }

    static func fingerprint(_ line: String) throws -> String { try SSHPublicKey.parse(line).fingerprint }
}

/// What sshd's authorized_keys option parser does with `command="…"`: only `\"` is an escape.
func sshdDequote(_ line: String) -> String? {
    guard line.hasPrefix("command=\"") else { return nil }
    var result = ""
    var rest = line.dropFirst("command=\"".count)
    while let character = rest.first {
        if character == "\"" { return result }
        if character == "\\", rest.dropFirst().first == "\"" {
            result.append("\"")
            rest = rest.dropFirst(2)
            continue
        }
        result.append(character)
        rest = rest.dropFirst()
    }
    return nil
}

@Suite struct SSHAuthorizedKeysTests {
    let fixture: CLIFixture
    let service: String

    init() throws {
        fixture = try CLIFixture()
        service = try OperatingSystemLogin.current()
        let alice = try fixture.service.user(login: "alice", by: fixture.admin)
        for line in SSHTestKeys.all { _ = try fixture.service.addSSHKey(line, to: alice.id, by: fixture.admin) }
    }

    func lookup(_ line: String, user: String? = nil, serviceUser: String? = nil) -> CLIResult {
        let key = SSHTestKeys.fields(line)
        return fixture.run(["ssh", "authorized-keys", user ?? service, key.type, key.base64] + (serviceUser.map { ["--service-user", $0] } ?? []))
    }

    @Test(arguments: SSHTestKeys.all)
    func aRegisteredKeyGetsOneForcedCommandLineNamingThisDatabase(_ line: String) throws {
        let result = lookup(line)
        #expect(result.status == 0)
        let printed = result.stdout.split(separator: "\n")
        try #require(printed.count == 1, "one authorized_keys line: \(result.stdout)")
        let key = SSHTestKeys.fields(line)
        let fingerprint = try SSHTestKeys.fingerprint(line)
        #expect(printed[0].hasSuffix("\",restrict,pty \(key.type) \(key.base64)"))
        let command = try #require(sshdDequote(String(printed[0])))
        let words = try ShellWords.split(command)
        #expect(words.dropFirst() == ["ssh", "session", "--db", fixture.databasePath, "--key", fingerprint])
        #expect(words.first?.hasPrefix("/") == true, "the binary by its absolute path")
        #expect(result.stderr.contains("accepted") && result.stderr.contains("alice"))
    }

    @Test func unregisteredKeysDisabledOwnersAndOtherUsersGetNothing() throws {
        let stranger = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5YYOTA3MrlLkaUMEh9SREZnCcyqIrfKFg5MqGm4gH1 x"
        var result = lookup(stranger)
        #expect(result.status == 0 && result.stdout.isEmpty)
        #expect(result.stderr.contains("not registered"))

        result = lookup(SSHTestKeys.ed25519, user: "root-or-anyone-else-\(UUID().uuidString.prefix(4))")
        #expect(result.status == 0 && result.stdout.isEmpty)
        #expect(result.stderr.contains("not the service account"))

        result = lookup(SSHTestKeys.ed25519, user: "gatehouse", serviceUser: "gatehouse")
        #expect(result.status == 0 && result.stdout.count > 0, "--service-user names the account sshd logs in")

        // sshd says one type, the key is another.
        result = fixture.run(["ssh", "authorized-keys", service, "ssh-rsa", SSHTestKeys.fields(SSHTestKeys.ed25519).base64])
        #expect(result.status == 0 && result.stdout.isEmpty)

        result = fixture.run(["ssh", "authorized-keys", service, "ssh-ed25519-cert-v01@openssh.com", "AAAA"])
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.contains("refused"))

        let alice = try fixture.service.user(login: "alice", by: fixture.admin)
        try fixture.service.setStatus(.disabled, ofUser: alice.id, by: fixture.admin)
        result = lookup(SSHTestKeys.rsa)
        #expect(result.status == 0 && result.stdout.isEmpty)
        #expect(result.stderr.contains("disabled"))
    }

    @Test func aMissingDatabaseIsAMisconfigurationAndIsNotCreated() {
        let missing = fixture.folder.appendingPathComponent("nope/none.sqlite").path
        let key = SSHTestKeys.fields(SSHTestKeys.ed25519)
        let result = fixture.run(["ssh", "authorized-keys", service, key.type, key.base64, "--db", missing], database: false)
        #expect(result.status != 0 && result.stdout.isEmpty)
        #expect(result.stderr.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func pathsWithSpacesAndQuotesSurviveBothQuotings() throws {
        let key = try SSHPublicKey.parse(SSHTestKeys.ed25519)
        let command = ["/opt/my \"gate\" house/it's/gatehouse", "ssh", "session", "--db", "/srv/a\\\"b/$HOME `x`.sqlite", "--key", key.fingerprint]
        let line = try AuthorizedKeysLine.line(command: command, key: key)
        let dequoted = try #require(sshdDequote(line))
        #expect(try ShellWords.split(dequoted) == command)
        #expect(throws: GatehouseError.self) { try AuthorizedKeysLine.line(command: ["/bin/x\ny"], key: key) }
    }
}

@Suite struct ShellWordsTests {
    @Test(arguments: [
        ("tokens list --json", ["tokens", "list", "--json"]),
        ("  tokens   create --name 'ci deploy'  ", ["tokens", "create", "--name", "ci deploy"]),
        ("users add --name \"Ann \\\"A\\\" O'Neil\"", ["users", "add", "--name", "Ann \"A\" O'Neil"]),
        ("users add --name Ann\\ Lee", ["users", "add", "--name", "Ann Lee"]),
        ("groups list --filter ''", ["groups", "list", "--filter", ""]),
        ("tokens list --filter 'a|b;c'", ["tokens", "list", "--filter", "a|b;c"]),
        ("users show a#b", ["users", "show", "a#b"]),
    ])
    func splitsLikeAShell(_ line: String, _ words: [String]) throws {
        #expect(try ShellWords.split(line) == words)
    }

    @Test(arguments: ["tokens list | cat", "tokens list; rm -rf /", "tokens list && id", "users show $(id)", "users show `id`",
                      "tokens list > /tmp/x", "users show 'open", "users show \"open", "users show x\\", "users show \"$HOME\"", "users list *"])
    func refusesWhatOnlyAShellWouldMean(_ line: String) {
        #expect(throws: ShellWords.Problem.self) { try ShellWords.split(line) }
    }

    @Test func quotesOnlyWhatNeedsIt() {
        #expect(ShellWords.quote("/usr/local/bin/gatehouse") == "/usr/local/bin/gatehouse")
        #expect(ShellWords.quote("SHA256:ab+/c") == "SHA256:ab+/c")
        #expect(ShellWords.quote("it's") == "'it'\\''s'")
        #expect(ShellWords.quote("") == "''")
    }
}

@Suite struct SSHCommandPolicyTests {
    @Test(arguments: [
        "tokens list --as bob", "tokens list --as=bob", "tokens list --db /x.sqlite", "tokens list --db=/x.sqlite",
        "demo", "dev seed --db x", "ssh session --key x --db y", "serve", "init", "console", "--db x", "--as bob",
        "users keys add alice --file /etc/shadow", "users keys add alice --file=/etc/shadow", "nonsense",
    ])
    func refused(_ line: String) throws {
        #expect(SSHCommandPolicy.refusal(try ShellWords.split(line)) != nil)
    }

    @Test(arguments: ["tokens list --json", "users keys add alice --file -", "users keys add alice", "help tokens", "--help", "audit list --limit 5", "policy show"])
    func allowed(_ line: String) throws {
        #expect(SSHCommandPolicy.refusal(try ShellWords.split(line)) == nil)
    }
}

/// The forced command's one-command path, in-process: the key's owner acts, on the session's database.
@Suite struct SSHSessionCommandTests {
    let fixture: CLIFixture
    let aliceKey: String

    init() throws {
        fixture = try CLIFixture()
        let alice = try fixture.service.user(login: "alice", by: fixture.admin)
        aliceKey = try fixture.service.addSSHKey(SSHTestKeys.ed25519, to: alice.id, by: fixture.admin).fingerprint
    }

    func send(_ line: String, key: String? = nil, stdin: String = "") async -> CLIResult {
        let captured = CapturedText()
        var environment = CLIEnvironment(output: CommandOutput(standardOutput: captured.appendOut, standardError: captured.appendErr),
                                         input: TextStandardInput(stdin), clock: fixture.clock, terminalWidth: 100)
        environment.sshSession = SSHSessionIdentity(fingerprint: key ?? aliceKey, databasePath: fixture.databasePath)
        var status: Int32 = 0
        do {
            try await SSHSessionCommand.runSent(line, environment)
        } catch let error as ExitCode {
            status = error.rawValue
        } catch {
            status = -1
        }
        return CLIResult(status: status, stdout: captured.stdout, stderr: captured.stderr)
    }

    @Test func aCommandRunsAsTheKeysOwnerAndSeesOnlyTheirView() async throws {
        let result = await send("tokens list --json")
        #expect(result.status == 0, "\(result.stderr)")
        let names = try result.jsonArray().compactMap { $0["name"] as? String }
        #expect(names == ["ci-read"], "alice's own token only")
    }

    @Test func changesAreAuditedWithTheKeysFingerprint() async throws {
        let result = await send("tokens create --name 'over ssh' --expires 7d --scope vso.code --json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.jsonObject()["secret"] as? String != nil, "the secret is printed once")
        let event = try #require(try fixture.auditEvents().first { $0.action == .tokenCreated && $0.target.name == "over ssh" })
        #expect(event.actor.login == "alice")
        #expect(event.details.contains(AuditDetail("via", "SSH key \(aliceKey)")))
    }

    @Test func tokensVerifyChecksTheSessionsDatabase() async throws {
        let created = await send("tokens create --name verify-me --expires 7d --scope vso.code --json")
        let secret = try #require(try created.jsonObject()["secret"] as? String)
        let verified = await send("tokens verify --json", stdin: secret + "\n")
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(try verified.jsonObject()["valid"] as? Bool == true)
        #expect(!verified.stdout.contains(secret))
    }

    @Test func identityAndDatabaseCannotBeChanged() async throws {
        for line in ["tokens list --as bob", "tokens list --db /tmp/other.sqlite", "demo", "dev seed --db /tmp/x"] {
            let result = await send(line)
            #expect(result.status == 6, "\(line)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func aRemovedKeyOrADisabledOwnerStopsTheNextCommand() async throws {
        let alice = try fixture.service.user(login: "alice", by: fixture.admin)
        try fixture.service.setStatus(.disabled, ofUser: alice.id, by: fixture.admin)
        var result = await send("tokens list --json")
        #expect(result.status != 0 && result.stderr.contains("disabled"))
        try fixture.service.setStatus(.active, ofUser: alice.id, by: fixture.admin)
        #expect(await send("tokens list --json").status == 0)

        let key = try #require(try fixture.service.sshKeys(of: alice.id, by: fixture.admin).first)
        try fixture.service.removeSSHKey(key.id, by: fixture.admin)
        result = await send("tokens list --json")
        #expect(result.status == 4 && result.stdout.isEmpty)
    }

    @Test func badlyQuotedOrUnknownCommandsSayWhy() async {
        var result = await send("tokens list | jq")
        #expect(result.status == 64 && result.stderr.contains("shell"))
        result = await send("tokens lisst")
        #expect(result.status == 64)
        result = await send("help tokens")
        #expect(result.status == 0 && result.stdout.contains("USAGE"))
    }
}

@Suite struct SSHLoginFacadeTests {
    @Test func theActorIsTheKeysOwnerWithTheKeyAsCredentialAndEachCallReadsAfresh() throws {
        let fixture = try CLIFixture()
        let alice = try fixture.service.user(login: "alice", by: fixture.admin)
        let fingerprint = try fixture.service.addSSHKey(SSHTestKeys.rsa, to: alice.id, by: fixture.admin).fingerprint
        let actor = try fixture.service.sshLogin(fingerprint: fingerprint)
        #expect(actor.user.id == alice.id && actor.impersonator == nil)
        #expect(actor.credential == .sshKey(fingerprint: fingerprint))
        #expect(fixture.service.sshSessionEndReason(actor) == nil)
        #expect(fixture.service.sshSessionEndReason(fixture.admin) == nil, "local logins have no key to lose")

        #expect(throws: GatehouseError.self) { try fixture.service.sshLogin(fingerprint: "SHA256:unknown") }
        try fixture.service.setStatus(.disabled, ofUser: alice.id, by: fixture.admin)
        #expect(throws: GatehouseError.self) { try fixture.service.sshLogin(fingerprint: fingerprint) }
        #expect(fixture.service.sshSessionEndReason(actor)?.contains("disabled") == true)
        try fixture.service.setStatus(.active, ofUser: alice.id, by: fixture.admin)
        let key = try #require(try fixture.service.sshKeys(of: alice.id, by: fixture.admin).first)
        try fixture.service.removeSSHKey(key.id, by: fixture.admin)
        #expect(fixture.service.sshSessionEndReason(actor) != nil)
    }
}

@Suite struct SSHSetupTests {
    @Test func printsTheMatchBlockWithThisBinaryAndDatabase() throws {
        let fixture = try CLIFixture()
        let result = fixture.run(["ssh", "setup", "--service-user", "gatehouse"])
        let binary = try SSHPaths.executable()
        #expect(result.stdout.contains("Match User gatehouse"))
        #expect(result.stdout.contains("    AuthorizedKeysCommand \(ShellWords.quote(binary)) ssh authorized-keys --db \(ShellWords.quote(fixture.databasePath)) %u %t %k"))
        #expect(result.stdout.contains("    AuthorizedKeysCommandUser gatehouse"))
        #expect(result.stdout.contains("    AuthorizedKeysFile none"))
        #expect(result.stdout.contains("    PasswordAuthentication no"))
        #expect(result.stdout.contains("ok: the binary path \(binary) is absolute"))
        // Whether every check passes depends on the machine; a failure is reported, with status 3.
        #expect(result.status == 0 || (result.status == 3 && result.stdout.contains("problem:")))
    }

    @Test func sshdsOwnershipRuleIsCheckedAllTheWayUp() throws {
        #expect(SSHSetupChecks.unsafeAncestor(of: "/tmp/gatehouse")?.contains("/tmp") == true, "/tmp is writable by everyone")
        #expect(SSHSetupChecks.unsafeAncestor(of: "/no/such/binary")?.contains("cannot stat") == true)
        if geteuid() == 0 { #expect(SSHSetupChecks.unsafeAncestor(of: "/usr/bin/env") == nil) }
    }
}
