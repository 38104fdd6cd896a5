import Foundation
import Testing
@testable import GatehouseCLI
import GatehouseDomain

/// Bad input gets a message that says what to do, the documented exit status, and changes nothing.
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        var stdin = ""
        let status: Int32
        let message: String
        var database = true

        var testDescription: String { name }
    }

    static let validToken = "gpat_" + String(repeating: "A", count: 43)

    static let cases: [Case] = [
        Case(name: "unknown scope id", arguments: ["tokens", "create", "--name", "x", "--expires", "30d", "--scope", "vso.cod"],
             status: 3, message: "Scopes: unknown scope \u{201C}vso.cod\u{201D}. Scope identifiers look like vso.code_write; list them with `gatehouse tokens scopes`."),
        Case(name: "two levels of one area", arguments: ["tokens", "create", "--name", "x", "--expires", "30d", "--scope", "vso.code", "--scope", "vso.code_write"],
             status: 3, message: "keep one level per area"),
        Case(name: "expiry in the past", arguments: ["tokens", "create", "--name", "x", "--expires", "2026-01-01", "--scope", "vso.code"],
             status: 3, message: "Expiration: 2026-01-01 is in the past; a date is valid through its whole day (UTC), so choose 2026-03-02 or later."),
        Case(name: "expiry beyond policy", arguments: ["tokens", "create", "--name", "x", "--expires", "120d", "--scope", "vso.code"],
             status: 3, message: "Refused by the policy \u{201C}Enforce maximum token lifespan\u{201D} of Default: the token would be valid for 120 days, over the maximum of 90; choose an earlier expiration."),
        Case(name: "expiry beyond a year", arguments: ["tokens", "create", "--name", "x", "--expires", "400d", "--scope", "vso.code"],
             status: 3, message: "a token lives at most 365 days"),
        Case(name: "expiry that is not a date", arguments: ["tokens", "create", "--name", "x", "--expires", "2026-02-30", "--scope", "vso.code"],
             status: 64, message: "\u{201C}2026-02-30\u{201D} is not an expiration; write a number of days (30d) or a date"),
        Case(name: "overlong token name", arguments: ["tokens", "create", "--name", String(repeating: "n", count: 101), "--expires", "30d", "--scope", "vso.code"],
             status: 3, message: "Name: 101 characters is too long; the maximum is 100."),
        Case(name: "control character in a token name", arguments: ["tokens", "create", "--name", "evil\u{1B}]0;x\u{07}", "--expires", "30d", "--scope", "vso.code"],
             status: 3, message: "Name: contains the control character U+001B; remove it."),
        Case(name: "control character in a group name", arguments: ["groups", "create", "bad\u{202E}name"],
             status: 3, message: "Group name: contains the control character U+202E; remove it."),
        Case(name: "overlong display name", arguments: ["users", "add", "--login", "dave", "--name", String(repeating: "d", count: 101)],
             status: 3, message: "Display name: 101 characters is too long; the maximum is 100."),
        Case(name: "bad login", arguments: ["users", "add", "--login", "dave smith"],
             status: 3, message: "Login: use ASCII letters, digits, dot, dash and underscore"),
        Case(name: "duplicate login", arguments: ["users", "add", "--login", "alice"],
             status: 5, message: "A user named \u{201C}alice\u{201D} already exists. Choose another name."),
        Case(name: "unknown user", arguments: ["users", "show", "nobody"],
             status: 4, message: "No user matches \u{201C}nobody\u{201D}. Check the spelling, or list users to find it."),
        Case(name: "unknown owner for a token", arguments: ["tokens", "create", "--name", "x", "--for", "nobody", "--expires", "30d", "--scope", "vso.code"],
             status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "token for a person", arguments: ["tokens", "create", "--name", "x", "--for", "alice", "--expires", "30d", "--scope", "vso.code"],
             status: 3, message: "Tokens can be created on behalf of service accounts, service principals and job agents only"),
        Case(name: "unknown group", arguments: ["groups", "add-member", "Nobodies", "--user", "alice"],
             status: 4, message: "No security group matches \u{201C}Nobodies\u{201D}."),
        Case(name: "unknown organization", arguments: ["groups", "create", "X", "--org", "Nowhere"],
             status: 4, message: "No organization matches \u{201C}Nowhere\u{201D}."),
        Case(name: "unknown token", arguments: ["tokens", "revoke", "deadbeef"],
             status: 4, message: "No personal access token matches \u{201C}deadbeef\u{201D}."),
        Case(name: "token id that is not an id", arguments: ["tokens", "show", "ci-read"],
             status: 3, message: "Token: \u{201C}ci-read\u{201D} is not a token id; give the id (a UUID) or at least its first 4 hex digits"),
        Case(name: "a secret passed as an argument", arguments: ["tokens", "show", validToken],
             status: 3, message: "that looks like a token secret, not a token id"),
        Case(name: "malformed SSH key", arguments: ["users", "keys", "add", "alice"], stdin: "ssh-ed25519 AAAA alice@example\n",
             status: 3, message: "SSH key: "),
        Case(name: "private key instead of public", arguments: ["users", "keys", "add", "alice"], stdin: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n",
             status: 3, message: "SSH key: "),
        Case(name: "malformed token to verify", arguments: ["tokens", "verify"], stdin: "gpat_tooshort\n",
             status: 7, message: "The token is malformed: it has the wrong length; copy the whole token."),
        Case(name: "not a Gatehouse token", arguments: ["tokens", "verify"], stdin: "ghp_abcdef\n",
             status: 7, message: "The token is malformed: it does not start with gpat_, so it is not a Gatehouse token."),
        Case(name: "wrong checksum to verify", arguments: ["tokens", "verify"], stdin: validToken + "ZZZZZZ\n",
             status: 7, message: "The token is malformed: its checksum does not match, so a character was mistyped or lost; copy it again."),
        Case(name: "wrong checksum to report", arguments: ["tokens", "report-leaked"], stdin: validToken + "ZZZZZZ\n",
             status: 7, message: "its checksum does not match"),
        Case(name: "wrong checksum to check", arguments: ["tokens", "check"], stdin: validToken + "ZZZZZZ\n",
             status: 7, message: "its checksum does not match", database: false),
        Case(name: "no token on stdin", arguments: ["tokens", "verify"], stdin: "\n",
             status: 3, message: "Standard input: no token was given."),
        Case(name: "two tokens on stdin", arguments: ["tokens", "verify"], stdin: "a\nb\n",
             status: 3, message: "Standard input: holds 2 lines; give exactly one token"),
        Case(name: "bad duration", arguments: ["tokens", "list", "--expiring-within", "7days"],
             status: 64, message: "\u{201C}7days\u{201D} is not a duration; write a positive whole number and a unit: 30m, 12h, 7d or 2w (at most 36500d)."),
        Case(name: "scopes and full access", arguments: ["tokens", "create", "--name", "x", "--expires", "30d", "--scope", "vso.code", "--full-access"],
             status: 64, message: "Choose --full-access or --scope, not both."),
        Case(name: "no scopes", arguments: ["tokens", "create", "--name", "x", "--expires", "30d"],
             status: 64, message: "Choose what the token may do: --scope ID"),
        Case(name: "unknown option", arguments: ["tokens", "list", "--owners", "bob"],
             status: 64, message: "Unknown option '--owners'"),
        Case(name: "unknown kind", arguments: ["users", "add", "--login", "eve", "--kind", "robot"],
             status: 64, message: "The value 'robot' is invalid for '--kind <kind>'"),
        Case(name: "bad audit date", arguments: ["audit", "list", "--since", "yesterday"],
             status: 3, message: "Date: \u{201C}yesterday\u{201D} is not a date"),
        Case(name: "permission denied", arguments: ["users", "disable", "bob", "--as", "alice"],
             status: 6, message: "You may not disable users: it needs the \u{201C}Manage users\u{201D} permission in Default (not set in any group the account belongs to). Ask a Project Collection Administrator to grant it."),
        Case(name: "disable yourself", arguments: ["users", "disable", (try? OperatingSystemLogin.current()) ?? "root"],
             status: 3, message: "You cannot disable your own account; ask another administrator."),
        Case(name: "acting as an unknown user", arguments: ["tokens", "list", "--as", "ghost"],
             status: 4, message: "No user matches \u{201C}ghost\u{201D}."),
        Case(name: "acting as a disabled user", arguments: ["tokens", "list", "--as", "agent-07"],
             status: 3, message: "The account agent-07 is disabled; you cannot act as it."),
    ]

    @Test(arguments: cases)
    func refusedWithMessageAndNothingChanged(_ bad: Case) throws {
        let fixture = try CLIFixture()
        let before = try fixture.snapshot()
        let result = fixture.run(bad.arguments, stdin: bad.stdin, database: bad.database)
        #expect(result.status == bad.status, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(bad.message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
        #expect(try fixture.snapshot() == before)
        // No message echoes a terminal escape back.
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0 == "\u{202E}" })
    }

    @Test func aDatabaseThatIsNotOneFailsWithStatusOne() throws {
        let fixture = try CLIFixture()
        let notADatabase = fixture.folder.appendingPathComponent("notes.txt")
        try String(repeating: "not sqlite\n", count: 100).write(to: notADatabase, atomically: true, encoding: .utf8)
        let result = fixture.run(["users", "list", "--db", notADatabase.path], database: false)
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(notADatabase.path) is not a Gatehouse directory (not an SQLite database at all)"), "\(result.stderr)")
    }
}
