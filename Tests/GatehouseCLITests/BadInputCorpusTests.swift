import Foundation
import GRDB
import Testing
@testable import GatehouseCLI
import GatehouseDomain
import GatehouseStore

/// The bad-input corpus: every command and field, fed what attackers and clumsy admins feed it
/// (empty, too long, controls, NUL, invisible and direction characters, secrets, wrong types,
/// negative and huge numbers, bad dates, unknown names, malformed keys and tokens, huge stdin,
/// invalid UTF-8, URLs and missing files for paths, databases that are not directories).
/// For each: the exit status, a message naming the field and the fix, the directory unchanged,
/// nothing secret or escaping on stderr, and no trap (a trap kills the test process).
@Suite struct BadInputCorpusTests {
    /// What to put at `{db}` before the run (a case with one runs without the fixture's --db).
    enum Place: Sendable {
        case nothing, emptyFile, textFile, foreignSQLite, folder, newerDirectory, devNull
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        var stdin: [UInt8] = []
        let status: Int32
        let message: String
        var database = true
        var place: Place?

        var testDescription: String { name }
    }

    static let secret = "gpat_" + String(repeating: "Q", count: 43) + "AbCdEf"
    static let tokenName = ["tokens", "create", "--expires", "30d", "--scope", "vso.code", "--name"]

    // MARK: Text fields

    /// Every free-text field: the command up to the value, its label in messages, its maximum,
    /// whether it may be empty, and what follows the value.
    static let textFields: [(label: String, before: [String], after: [String], maximum: Int, mayBeEmpty: Bool)] = [
        ("Name", tokenName, [], 100, false),
        ("Display name", ["users", "add", "--login", "newbie", "--name"], [], 100, false),
        ("Login", ["users", "add", "--name", "Newbie", "--login"], [], 64, false),
        ("Login", ["users", "edit", "alice", "--new-login"], [], 64, false),
        ("Display name", ["users", "edit", "alice", "--name"], [], 100, false),
        ("Email", ["users", "add", "--login", "newbie", "--email"], [], 254, true),
        ("Email", ["users", "edit", "alice", "--email"], [], 254, true),
        ("Group name", ["groups", "create"], [], 64, false),
        ("Description", ["groups", "create", "Fresh", "--description"], [], 500, true),
        ("Group name", ["groups", "edit", "Release Managers", "--name"], [], 64, false),
        ("Description", ["groups", "edit", "Release Managers", "--description"], [], 500, true),
        ("Organization name", ["orgs", "create"], [], 64, false),
    ]

    static func textFieldCases() -> [Case] {
        var cases: [Case] = []
        for field in textFields {
            let where_ = field.before.prefix(3).joined(separator: " ")
            func add(_ what: String, _ value: String, _ message: String) {
                cases.append(Case(name: "\(where_) \(field.label): \(what)", arguments: field.before + [value] + field.after, status: 3, message: "\(field.label): \(message)"))
            }
            if !field.mayBeEmpty {
                add("empty", "", "required; type at least one character.")
                add("only spaces", "   ", "required; type at least one character.")
            }
            add("one too long", String(repeating: "n", count: field.maximum + 1), "\(field.maximum + 1) characters is too long; the maximum is \(field.maximum).")
            add("escape sequence", "x\u{1B}[2Jy", "contains the control character U+001B; remove it.")
            add("NUL", "x\u{0}y", "contains the control character U+0000; remove it.")
            add("C1 CSI", "x\u{9B}y", "contains the control character U+009B; remove it.")
            add("DEL", "x\u{7F}y", "contains the control character U+007F; remove it.")
            add("right-to-left override", "x\u{202E}y", "contains the control character U+202E; remove it.")
            add("newline", "x\ny", "contains the control character U+000A; remove it.")
            if field.label != "Login" && field.label != "Email" {
                add("a token secret", "my " + secret, "looks like a token secret")
            }
        }
        return cases
    }

    // MARK: Numbers

    static func numberCases() -> [Case] {
        var cases: [Case] = []
        let lists: [[String]] = [["users", "list"], ["tokens", "list"], ["groups", "list"]]
        for list in lists {
            for value in ["-1", "0", "1000001", "9223372036854775807", "99999999999999999999", "-9223372036854775808"] {
                cases.append(Case(name: "\(list.joined(separator: " ")) --limit=\(value)", arguments: list + ["--limit=\(value)"], status: 64,
                                  message: "write a whole number from 1 to 1000000."))
            }
            for value in ["abc", "1.5", "", "1e3", "0x10"] {
                cases.append(Case(name: "\(list.joined(separator: " ")) --limit \(value)", arguments: list + ["--limit", value], status: 64,
                                  message: "is not a whole number; write a whole number from 1 to 1000000."))
            }
            cases.append(Case(name: "\(list.joined(separator: " ")) --limit -5 (separate)", arguments: list + ["--limit", "-5"], status: 64,
                              message: "-5 is out of range; write a whole number from 1 to 1000000."))
        }
        for value in ["-1", "1000001", "99999999999999999999"] {
            cases.append(Case(name: "audit list --limit \(value)", arguments: ["audit", "list", "--limit", value], status: 64, message: "write a whole number from 0 to 1000000 (0 for all)."))
        }
        // --expires, on create and edit: the domain names the range (exit 3); a non-date is a usage error.
        for command in [tokenName + ["x"], ["tokens", "edit", "ID:ci-read"]] {
            let label = command[1]
            for (value, message) in [
                ("0d", "Expiration: 0d is not a lifespan; write 1d to 365d"),
                ("-5d", "Expiration: -5d is not a lifespan; write 1d to 365d"),
                ("-5", "Expiration: -5d is not a lifespan"),
                ("366d", "Expiration: 366d is too long; a token lives at most 365 days, so write 1d to 365d."),
                ("9223372036854775807d", "Expiration: 9223372036854775807d is too long; a token lives at most 365 days"),
                ("99999999999999999999d", "Expiration: 9223372036854775807d is too long"),
                ("-99999999999999999999d", "is not a lifespan; write 1d to 365d"),
                ("2026-03-01", "Expiration: 2026-03-01 is in the past; a date is valid through its whole day (UTC), so choose 2026-03-02 or later."),
                ("1970-01-01", "Expiration: 1970-01-01 is in the past"),
                ("0001-01-01", "Expiration: 0001-01-01 is in the past"),
                ("9999-12-31", "Expiration: "),
            ] {
                cases.append(Case(name: "tokens \(label) --expires \(value)", arguments: command + ["--expires", value], status: 3, message: message))
            }
            for value in ["2026-02-30", "2026-13-01", "tomorrow", "", "30days", "d", "1.5d", "10000-01-01", "2026-3-1"] {
                cases.append(Case(name: "tokens \(label) --expires \(value.isEmpty ? "(empty)" : value)", arguments: command + ["--expires", value], status: 64,
                                  message: "is not an expiration; write a number of days (30d) or a date (YYYY-MM-DD"))
            }
        }
        // Durations.
        for option in [["tokens", "list", "--expiring-within"], ["tokens", "list", "--unused-for"], ["tokens", "expiring", "--within"]] {
            for (value, why) in [("-1d", "is negative"), ("0d", "is zero"), ("0m", "is zero"), ("36501d", "is too long"), ("5215w", "is too long"),
                                 ("99999999999999999999d", "is too long"), ("-99999999999999999999d", "is negative")] {
                cases.append(Case(name: "\(option.joined(separator: " ")) \(value)", arguments: option + [value], status: 64,
                                  message: "\u{201C}\(value)\u{201D} \(why); write a positive whole number and a unit: 30m, 12h, 7d or 2w (at most 36500d)."))
            }
            for value in ["7days", "", "d", "1.5d", "7x", "seven"] {
                cases.append(Case(name: "\(option.joined(separator: " ")) \(value.isEmpty ? "(empty)" : value)", arguments: option + [value], status: 64,
                                  message: "is not a duration; write a positive whole number and a unit"))
            }
        }
        // The policy's maximum lifespan.
        for (value, status, message) in [("-1", Int32(3), "Maximum lifespan: -1 days is out of range; choose 1 to 365 days."),
                                          ("0", 3, "Maximum lifespan: 0 days is out of range; choose 1 to 365 days."),
                                          ("366", 3, "Maximum lifespan: 366 days is out of range; choose 1 to 365 days."),
                                          ("9223372036854775807", 3, "out of range; choose 1 to 365 days."),
                                          ("99999999999999999999", 3, "out of range; choose 1 to 365 days."),
                                          ("abc", 64, "is not a whole number; write one, e.g. 90."),
                                          ("", 64, "is not a whole number")] {
            cases.append(Case(name: "policy set --max-days \(value.isEmpty ? "(empty)" : value)", arguments: ["policy", "set", "maximum-lifespan", "--max-days", value],
                              status: status, message: message))
        }
        // Moments of the audit log.
        for option in ["--since", "--until"] {
            for value in ["yesterday", "2026-13-01", "2026-02-30T00:00:00Z", "", "-5d", "99999999999999999999d", "12:00"] {
                cases.append(Case(name: "audit list \(option) \(value.isEmpty ? "(empty)" : value)", arguments: ["audit", "list", option, value], status: 3,
                                  message: "Date: \u{201C}\(value)\u{201D} is not a date; write YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC) or an age such as 7d."))
            }
        }
        cases.append(Case(name: "audit list --since after --until", arguments: ["audit", "list", "--since", "2026-03-01", "--until", "2026-02-01"], status: 3,
                          message: "--since: 2026-03-01T00:00:00Z is not before --until 2026-02-01T00:00:00Z, so no event could match; give an earlier --since or a later --until."))
        cases.append(Case(name: "audit export --since equal to --until", arguments: ["audit", "export", "--since", "2026-03-01", "--until", "2026-03-01"], status: 3,
                          message: "is not before --until"))
        return cases
    }

    // MARK: Names that match nothing, values of the wrong kind

    static let referenceCases: [Case] = [
        Case(name: "unknown user to show", arguments: ["users", "show", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}. Check the spelling, or list users to find it."),
        Case(name: "unknown user to edit", arguments: ["users", "edit", "nobody", "--name", "X"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "unknown user to disable", arguments: ["users", "disable", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "unknown user to enable", arguments: ["users", "enable", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "unknown user to delete", arguments: ["users", "delete", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "unknown user's keys", arguments: ["users", "keys", "list", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "unknown key to remove", arguments: ["users", "keys", "remove", "alice", "SHA256:nope"], status: 4, message: "No SSH key matches \u{201C}SHA256:nope\u{201D}."),
        Case(name: "empty key reference", arguments: ["users", "keys", "remove", "alice", ""], status: 4, message: "No SSH key matches"),
        Case(name: "join an unknown organization", arguments: ["users", "join-org", "alice", "--org", "Nowhere"], status: 4, message: "No organization matches \u{201C}Nowhere\u{201D}."),
        Case(name: "unknown group to show", arguments: ["groups", "show", "Nope"], status: 4, message: "No security group matches \u{201C}Nope\u{201D}."),
        Case(name: "unknown group to delete", arguments: ["groups", "delete", "Nope"], status: 4, message: "No security group matches \u{201C}Nope\u{201D}."),
        Case(name: "unknown member user", arguments: ["groups", "add-member", "Release Managers", "--user", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "unknown member group", arguments: ["groups", "add-member", "Release Managers", "--group", "Nope"], status: 4, message: "No security group matches \u{201C}Nope\u{201D}."),
        Case(name: "unknown permission", arguments: ["groups", "set-permission", "Release Managers", "fly", "allow"], status: 64, message: "The value 'fly' is invalid for '<permission>'"),
        Case(name: "unknown permission setting", arguments: ["groups", "set-permission", "Release Managers", "manage-users", "maybe"], status: 64, message: "The value 'maybe' is invalid for '<setting>'"),
        Case(name: "unknown policy", arguments: ["policy", "set", "no-such-policy", "--enable"], status: 64, message: "The value 'no-such-policy' is invalid for '<policy>'"),
        Case(name: "policy for an unknown organization", arguments: ["policy", "show", "--org", "Nowhere"], status: 4, message: "No organization matches \u{201C}Nowhere\u{201D}."),
        Case(name: "exempt an unknown user", arguments: ["policy", "set", "maximum-lifespan", "--exempt-user", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "exempt an unknown group", arguments: ["policy", "set", "maximum-lifespan", "--exempt-group", "Nope"], status: 4, message: "No security group matches \u{201C}Nope\u{201D}."),
        Case(name: "unknown token to show", arguments: ["tokens", "show", "dead"], status: 4, message: "No personal access token matches \u{201C}dead\u{201D}."),
        Case(name: "unknown token to edit", arguments: ["tokens", "edit", "deadbeef", "--name", "x"], status: 4, message: "No personal access token matches \u{201C}deadbeef\u{201D}."),
        Case(name: "unknown token to regenerate", arguments: ["tokens", "regenerate", "deadbeef"], status: 4, message: "No personal access token matches \u{201C}deadbeef\u{201D}."),
        Case(name: "token reference too short", arguments: ["tokens", "show", "de"], status: 3, message: "Token: \u{201C}de\u{201D} is not a token id; give the id (a UUID) or at least its first 4 hex digits"),
        Case(name: "token reference with NUL", arguments: ["tokens", "show", "dead\u{0}beef"], status: 3, message: "is not a token id"),
        Case(name: "token reference that is a name", arguments: ["tokens", "revoke", "ci-read"], status: 3, message: "Token: \u{201C}ci-read\u{201D} is not a token id"),
        Case(name: "unknown scope", arguments: tokenName + ["x", "--scope", "vso.nope"], status: 3, message: "Scopes: unknown scope \u{201C}vso.nope\u{201D}."),
        Case(name: "empty scope", arguments: ["tokens", "create", "--name", "x", "--expires", "30d", "--scope", ""], status: 3, message: "Scopes:"),
        Case(name: "scope with a control character", arguments: ["tokens", "create", "--name", "x", "--expires", "30d", "--scope", "vso.code\u{1B}"], status: 3, message: "Scopes: unknown scope"),
        Case(name: "owner unknown", arguments: tokenName + ["x", "--for", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "organization unknown for a token", arguments: tokenName + ["x", "--org", "Nowhere"], status: 4, message: "No organization matches \u{201C}Nowhere\u{201D}."),
        Case(name: "both --org and --all-orgs", arguments: tokenName + ["x", "--org", "Default", "--all-orgs"], status: 64, message: "Choose --org NAME or --all-orgs, not both."),
        Case(name: "token edit without a change", arguments: ["tokens", "edit", "deadbeef"], status: 64, message: "Nothing to change: give --name, --expires, --scope or --full-access."),
        Case(name: "user edit without a change", arguments: ["users", "edit", "alice"], status: 64, message: "Nothing to change: give at least one of"),
        Case(name: "unknown account kind", arguments: ["users", "add", "--login", "eve", "--kind", "robot"], status: 64, message: "The value 'robot' is invalid for '--kind <kind>'"),
        Case(name: "unknown identity source", arguments: ["users", "add", "--login", "eve", "--source", "ldap"], status: 64, message: "The value 'ldap' is invalid for '--source <source>'"),
        Case(name: "unknown access level", arguments: ["users", "add", "--login", "eve", "--access", "gold"], status: 64, message: "The value 'gold' is invalid for '--access <access>'"),
        Case(name: "unknown status filter", arguments: ["users", "list", "--status", "sleeping"], status: 64, message: "The value 'sleeping' is invalid for '--status <status>'"),
        Case(name: "unknown token status", arguments: ["tokens", "list", "--status", "lost"], status: 64, message: "The value 'lost' is invalid for '--status <status>'"),
        Case(name: "unknown sort", arguments: ["tokens", "list", "--sort", "color"], status: 64, message: "The value 'color' is invalid for '--sort <sort>'"),
        Case(name: "unknown audit action", arguments: ["audit", "list", "--action", "token.explode"], status: 64, message: "The value 'token.explode' is invalid for '--action <action>'"),
        Case(name: "unknown organization filter", arguments: ["users", "list", "--org", "Nowhere"], status: 4, message: "No organization matches \u{201C}Nowhere\u{201D}."),
        Case(name: "unknown owner filter", arguments: ["tokens", "list", "--owner", "nobody"], status: 4, message: "No user matches \u{201C}nobody\u{201D}."),
        Case(name: "unknown command", arguments: ["tokens", "lst"], status: 64, message: "Unexpected argument 'lst'", database: false),
        Case(name: "unknown option", arguments: ["users", "list", "--colour"], status: 64, message: "Unknown option '--colour'"),
        Case(name: "missing option value", arguments: ["users", "add", "--login"], status: 64, message: "Missing value for '--login <login>'"),
        Case(name: "revoke with filter and id", arguments: ["tokens", "revoke", "deadbeef", "--filter", "--owner", "bob"], status: 64, message: "Give a token id, or --filter with filter options, not both."),
        Case(name: "revoke filter without filters", arguments: ["tokens", "revoke", "--filter"], status: 64, message: "--filter needs at least one filter"),
        Case(name: "duplicate group", arguments: ["groups", "create", "Release Managers"], status: 5, message: "A security group named \u{201C}Release Managers\u{201D} already exists."),
        Case(name: "duplicate organization", arguments: ["orgs", "create", "Default"], status: 5, message: "An organization named \u{201C}Default\u{201D} already exists."),
        Case(name: "duplicate login on edit", arguments: ["users", "edit", "alice", "--new-login", "bob"], status: 5, message: "A user named \u{201C}bob\u{201D} already exists."),
        Case(name: "email without a domain dot", arguments: ["users", "add", "--login", "newbie", "--email", "a@."], status: 3, message: "Email: \u{201C}a@.\u{201D} is not an email address or UPN"),
        Case(name: "email with an empty label", arguments: ["users", "add", "--login", "newbie", "--email", "a@b."], status: 3, message: "Email: \u{201C}a@b.\u{201D} is not an email address"),
        Case(name: "email with two at signs", arguments: ["users", "add", "--login", "newbie", "--email", "a@b@c.d"], status: 3, message: "Email: \u{201C}a@b@c.d\u{201D} is not an email address"),
        Case(name: "login with ESC is reported as the login", arguments: ["users", "add", "--login", "ev\u{1B}e"], status: 3, message: "Login: contains the control character U+001B"),
        Case(name: "login with a slash", arguments: ["users", "add", "--login", "a/b"], status: 3, message: "Login: use ASCII letters, digits, dot, dash and underscore"),
        Case(name: "login with a confusable Cyrillic a", arguments: ["users", "add", "--login", "\u{0430}lice"], status: 3, message: "Login: use ASCII letters"),
        Case(name: "login starting with a dash", arguments: ["users", "add", "--login", "-rf"], status: 64, message: "Missing value for '--login <login>'"),
        Case(name: "extend an expired token", arguments: ["tokens", "edit", "ID:old", "--expires", "30d"], status: 3, message: "\u{201C}old\u{201D} expired on 2026-02-20; an expired token stays expired. Create a new token"),
        Case(name: "edit a revoked token", arguments: ["tokens", "edit", "ID:revoked-one", "--name", "x"], status: 3, message: "is revoked and can no longer be edited."),
        Case(name: "regenerate a revoked token", arguments: ["tokens", "regenerate", "ID:revoked-one"], status: 3, message: "revoked tokens stay revoked"),
        Case(name: "revoke a revoked token", arguments: ["tokens", "revoke", "ID:revoked-one"], status: 3, message: "is already revoked."),
        Case(name: "delete a default group", arguments: ["groups", "delete", "Readers"], status: 3, message: "default"),
    ]

    // MARK: Secrets where arguments go

    /// A secret typed as an argument is never echoed (the parser's own errors included) and never
    /// stored as a name.
    static let secretArgumentCases: [Case] = [
        Case(name: "secret as an argument to verify", arguments: ["tokens", "verify", secret], status: 64, message: "Unexpected argument 'gpat_[redacted]'"),
        Case(name: "secret as an argument to check", arguments: ["tokens", "check", secret], status: 64, message: "Unexpected argument 'gpat_[redacted]'", database: false),
        Case(name: "secret as an argument to report", arguments: ["tokens", "report-leaked", secret], status: 64, message: "Unexpected argument 'gpat_[redacted]'"),
        Case(name: "secret as a login to show", arguments: ["users", "show", secret], status: 4, message: "No user matches \u{201C}gpat_[redacted]\u{201D}."),
        Case(name: "secret as an owner filter", arguments: ["tokens", "list", "--owner", secret], status: 4, message: "No user matches \u{201C}gpat_[redacted]\u{201D}."),
        Case(name: "secret as an exempt user", arguments: ["policy", "set", "maximum-lifespan", "--exempt-user", secret], status: 4, message: "No user matches \u{201C}gpat_[redacted]\u{201D}."),
        Case(name: "secret as a group", arguments: ["groups", "show", secret], status: 4, message: "gpat_[redacted]"),
        Case(name: "secret as a token id", arguments: ["tokens", "show", secret], status: 3, message: "that looks like a token secret, not a token id"),
        Case(name: "secret as a token to revoke", arguments: ["tokens", "revoke", secret], status: 3, message: "that looks like a token secret"),
        Case(name: "secret as an --as login", arguments: ["users", "list", "--as", secret], status: 4, message: "No user matches \u{201C}gpat_[redacted]\u{201D}."),
        Case(name: "secret as an organization", arguments: ["users", "list", "--org", secret], status: 4, message: "No organization matches \u{201C}gpat_[redacted]\u{201D}."),
        Case(name: "secret as a revoke reason", arguments: ["tokens", "revoke", "ID:ci-read", "--reason", "leaked " + secret], status: 3, message: "Reason: looks like a token secret"),
        Case(name: "secret as an unknown option", arguments: ["users", "list", "--" + secret], status: 64, message: "Unknown option '--gpat_[redacted]'"),
        Case(name: "secret as a kind", arguments: ["users", "add", "--login", "x", "--kind", secret], status: 64, message: "The value 'gpat_[redacted]' is invalid for '--kind <kind>'"),
        Case(name: "secret as a duration", arguments: ["tokens", "list", "--unused-for", secret], status: 64, message: "gpat_[redacted]"),
        Case(name: "secret as an expiration", arguments: tokenName + ["x", "--expires", secret], status: 64, message: "gpat_[redacted]"),
        Case(name: "secret as a --db path", arguments: ["users", "list", "--db", "/nonexistent/" + secret], status: 1, message: "gpat_[redacted]", database: false),
    ]

    // MARK: Standard input and files

    static func stdinCases() -> [Case] {
        let valid = "gpat_" + String(repeating: "A", count: 43)
        var cases: [Case] = []
        for command in [["tokens", "verify"], ["tokens", "check"], ["tokens", "report-leaked"]] {
            let database = command[1] != "check"
            let label = command.joined(separator: " ")
            func add(_ what: String, _ bytes: [UInt8], _ status: Int32, _ message: String) {
                cases.append(Case(name: "\(label): \(what)", arguments: command, stdin: bytes, status: status, message: message, database: database))
            }
            add("nothing", [], 3, "Standard input: no token was given.")
            add("blank lines", Array("\n\n  \n".utf8), 3, "Standard input: no token was given.")
            add("two lines", Array("a\nb\n".utf8), 3, "Standard input: holds 2 lines; give exactly one token")
            add("100 KB", [UInt8](repeating: UInt8(ascii: "A"), count: 100_000), 3, "Standard input: holds more than 4096 bytes, and a token is 54 characters")
            add("a megabyte of one line", [UInt8](repeating: UInt8(ascii: "g"), count: 1_000_000), 3, "holds more than 4096 bytes")
            add("wrong prefix", Array("ghp_abcdef\n".utf8), 7, "it does not start with gpat_, so it is not a Gatehouse token")
            add("too short", Array("gpat_tooshort\n".utf8), 7, "it has the wrong length; copy the whole token.")
            add("bad checksum", Array((valid + "ZZZZZZ\n").utf8), 7, "its checksum does not match")
            add("a space inside", Array(("gpat_" + String(repeating: "A", count: 21) + " " + String(repeating: "A", count: 27) + "\n").utf8), 7, "contains a character that never appears in a token")
            add("NUL inside", Array(("gpat_" + String(repeating: "A", count: 24)).utf8) + [0] + Array((String(repeating: "A", count: 24) + "\n").utf8), 7, "never appears in a token")
            add("invalid UTF-8", Array("gpat_".utf8) + [0xFF, 0xFE, 0xC0] + [UInt8](repeating: UInt8(ascii: "A"), count: 46), 7, "The token is malformed")
            add("an escape sequence", Array("\u{1B}]0;pwned\u{07}\n".utf8), 7, "The token is malformed")
        }
        let keys = ["users", "keys", "add", "alice"]
        func key(_ what: String, _ bytes: [UInt8], _ status: Int32, _ message: String, extra: [String] = []) {
            cases.append(Case(name: "users keys add: \(what)", arguments: keys + extra, stdin: bytes, status: status, message: message))
        }
        key("nothing", [], 3, "SSH key: ")
        key("20 KB", [UInt8](repeating: UInt8(ascii: "A"), count: 20_000), 3, "Standard input: it holds more than 16 KiB, far more than a public key line")
        key("invalid UTF-8", [0xFF, 0xFE, 0x00, 0x80], 3, "Standard input: it is not UTF-8 text; give the public key line")
        key("truncated key", Array("ssh-ed25519 AAAA alice@example\n".utf8), 3, "SSH key: ")
        key("unknown type", Array("ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIH5YYOTA3MrlLkaUMEh9SREZnCcyqIrfKFg5MqGm4gH1\n".utf8), 3, "SSH key: ")
        key("private key", Array("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n".utf8), 3, "SSH key: ")
        key("not base64", Array("ssh-ed25519 !!!! alice\n".utf8), 3, "SSH key: ")
        key("a token instead", Array((secret + "\n").utf8), 3, "SSH key: ")
        key("escape in the comment", Array("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5YYOTA3MrlLkaUMEh9SREZnCcyqIrfKFg5MqGm4gH1 \u{1B}[2J\n".utf8), 3, "SSH key: ")
        key("a missing file", [], 3, "File: cannot read /nonexistent/id.pub (there is no such file); check the path, or pipe the public key line on stdin.", extra: ["--file", "/nonexistent/id.pub"])
        key("a folder", [], 3, "File: /tmp is a folder; give the public key line's file", extra: ["--file", "/tmp"])
        key("a URL", [], 3, "File: https://example.com/id.pub is a URL; --file takes a local path.", extra: ["--file", "https://example.com/id.pub"])
        key("/dev/zero", [], 3, "File: /dev/zero holds more than 16 KiB, far more than a public key line", extra: ["--file", "/dev/zero"])
        key("/dev/null", [], 3, "SSH key: ", extra: ["--file", "/dev/null"])
        return cases
    }

    // MARK: The wrong database

    static let databaseCases: [Case] = [
        Case(name: "--db where nothing is", arguments: ["tokens", "list", "--db", "{db}"], status: 1, message: "there is no Gatehouse directory at {db}; create a directory there with `gatehouse init --db {db}`", database: false, place: .nothing),
        Case(name: "--db in folders that do not exist", arguments: ["users", "list", "--db", "{db}/deeper/x.sqlite"], status: 1, message: "there is no Gatehouse directory at {db}/deeper/x.sqlite", database: false, place: .nothing),
        Case(name: "--db an empty file", arguments: ["users", "list", "--db", "{db}"], status: 1, message: "{db} is an empty file, not a Gatehouse directory", database: false, place: .emptyFile),
        Case(name: "--db a text file", arguments: ["users", "list", "--db", "{db}"], status: 1, message: "{db} is not a Gatehouse directory (not an SQLite database at all)", database: false, place: .textFile),
        Case(name: "--db another program's SQLite", arguments: ["users", "list", "--db", "{db}"], status: 1, message: "{db} is an SQLite database that Gatehouse did not make; it was left untouched.", database: false, place: .foreignSQLite),
        Case(name: "--db a folder", arguments: ["users", "list", "--db", "{db}"], status: 1, message: "{db} is a folder; give the path of the directory's database file", database: false, place: .folder),
        Case(name: "--db /dev/null", arguments: ["users", "list", "--db", "/dev/null"], status: 1, message: "/dev/null is not a regular file", database: false, place: .devNull),
        Case(name: "--db a newer directory", arguments: ["users", "list", "--db", "{db}"], status: 1, message: "was written by a newer version of Gatehouse (schema v999-later", database: false, place: .newerDirectory),
        Case(name: "verify at a missing database", arguments: ["tokens", "verify", "--db", "{db}"], stdin: Array((secret + "\n").utf8), status: 1, message: "there is no Gatehouse directory at {db}", database: false, place: .nothing),
        Case(name: "init in another program's SQLite", arguments: ["init", "--db", "{db}"], status: 1, message: "{db} is an SQLite database that Gatehouse did not make", database: false, place: .foreignSQLite),
        Case(name: "init in a text file", arguments: ["init", "--db", "{db}"], status: 1, message: "{db} is not a Gatehouse directory", database: false, place: .textFile),
        Case(name: "init in a folder", arguments: ["init", "--db", "{db}"], status: 1, message: "{db} is a folder", database: false, place: .folder),
        Case(name: "init over a directory", arguments: ["init"], status: 5, message: "already holds a Gatehouse directory; nothing was changed."),
    ]

    static let cases: [Case] = textFieldCases() + numberCases() + referenceCases + secretArgumentCases + stdinCases() + databaseCases

    @Test func theCorpusIsLargeAndCoversEveryCommand() {
        #expect(Self.cases.count >= 200, "\(Self.cases.count) cases")
        let commands = Set(Self.cases.map { $0.arguments.prefix(2).joined(separator: " ") })
        for command in ["tokens create", "tokens edit", "tokens list", "tokens show", "tokens revoke", "tokens regenerate", "tokens verify", "tokens check",
                        "tokens report-leaked", "tokens expiring", "users add", "users edit", "users show", "users list", "users disable", "users enable",
                        "users delete", "users keys", "users join-org", "groups create", "groups edit", "groups show", "groups delete", "groups add-member",
                        "groups set-permission", "groups list", "orgs create", "policy set", "policy show", "audit list", "audit export", "init --db"] {
            #expect(commands.contains(command), "no bad input for \(command)")
        }
    }

    @Test(arguments: cases)
    func refused(_ bad: Case) throws {
        let fixture = try CLIFixture()
        let before = try fixture.snapshot()
        let place = fixture.folder.appendingPathComponent("elsewhere.sqlite").path
        try Self.prepare(bad.place, at: place)
        let listing = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path).sorted()
        let arguments = bad.arguments.map { argument in
            argument.hasPrefix("ID:") ? fixture.tokenID(String(argument.dropFirst(3))) : argument.replacingOccurrences(of: "{db}", with: place)
        }
        let result = fixture.run(arguments, stdinBytes: bad.stdin, database: bad.database)
        let message = bad.message.replacingOccurrences(of: "{db}", with: place)
        #expect(result.status == bad.status, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
        #expect(try fixture.snapshot() == before)
        // Nothing created beside the directory (no stray database, folder or WAL of a refused path).
        let after = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path).sorted()
        #expect(after == listing, "before: \(listing), after: \(after)")
        // No message echoes a terminal escape or a secret.
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0 == "\u{202E}" || $0.value == 0x9B || $0.value == 0 })
        #expect(!result.stderr.contains(String(Self.secret.dropFirst(5).prefix(20))))
    }

    static func prepare(_ place: Place?, at path: String) throws {
        switch place {
        case nil, .nothing?, .devNull?: break
        case .emptyFile?: FileManager.default.createFile(atPath: path, contents: Data())
        case .textFile?: try Data(String(repeating: "my notes\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        case .folder?: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        case .foreignSQLite?:
            try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')") }
        case .newerDirectory?:
            _ = try SQLiteDirectoryStore(path: path)
            try DatabaseQueue(path: path).writeWithoutTransaction { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-later')")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
    }
}
