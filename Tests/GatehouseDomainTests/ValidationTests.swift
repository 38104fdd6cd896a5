import Foundation
import Testing
@testable import GatehouseDomain

/// A bad value typed into one field, and what the message must say.
struct BadField: Sendable, CustomTestStringConvertible {
    enum Where: Sendable {
        case userDisplayName, userLogin, userEmail, groupName, groupDescription, tokenName, revokeReason
    }

    let name: String
    let field: Where
    let value: String
    let expectedField: String
    /// A piece of the message that says what is wrong.
    let says: String

    var testDescription: String { name }

    static let long101 = String(repeating: "x", count: 101)

    static let all: [BadField] = [
        BadField(name: "overlong display name", field: .userDisplayName, value: long101, expectedField: "Display name", says: "101 characters is too long; the maximum is 100"),
        BadField(name: "overlong group name", field: .groupName, value: String(repeating: "g", count: 65), expectedField: "Group name", says: "the maximum is 64"),
        BadField(name: "overlong description", field: .groupDescription, value: String(repeating: "d", count: 501), expectedField: "Description", says: "the maximum is 500"),
        BadField(name: "overlong token name", field: .tokenName, value: long101, expectedField: "Name", says: "the maximum is 100"),
        BadField(name: "overlong login", field: .userLogin, value: String(repeating: "l", count: 65), expectedField: "Login", says: "the maximum is 64"),
        BadField(name: "overlong reason", field: .revokeReason, value: String(repeating: "r", count: 201), expectedField: "Reason", says: "the maximum is 200"),
        BadField(name: "empty display name", field: .userDisplayName, value: "   ", expectedField: "Display name", says: "required"),
        BadField(name: "empty token name", field: .tokenName, value: "", expectedField: "Name", says: "required"),
        // Terminal escapes and other invisible trickery.
        BadField(name: "OSC title escape in a display name", field: .userDisplayName, value: "\u{1b}]0;x\u{07}", expectedField: "Display name", says: "U+001B"),
        BadField(name: "NUL in a group name", field: .groupName, value: "a\u{0}b", expectedField: "Group name", says: "U+0000"),
        BadField(name: "right-to-left override in a token name", field: .tokenName, value: "\u{202E}", expectedField: "Name", says: "U+202E"),
        BadField(name: "newline in a description", field: .groupDescription, value: "line\nbreak", expectedField: "Description", says: "U+000A"),
        BadField(name: "C1 control in a display name", field: .userDisplayName, value: "x\u{9B}31m", expectedField: "Display name", says: "U+009B"),
        BadField(name: "bidi isolate in a reason", field: .revokeReason, value: "ok\u{2066}", expectedField: "Reason", says: "U+2066"),
        // Logins map OS logins.
        BadField(name: "login with a space", field: .userLogin, value: "al ice", expectedField: "Login", says: "ASCII letters, digits"),
        BadField(name: "login starting with a dash", field: .userLogin, value: "-alice", expectedField: "Login", says: "starting with a letter or digit"),
        BadField(name: "login with an at sign", field: .userLogin, value: "alice@example.com", expectedField: "Login", says: "ASCII letters"),
        BadField(name: "non-ASCII login", field: .userLogin, value: "zoë", expectedField: "Login", says: "ASCII letters"),
        BadField(name: "login with a slash", field: .userLogin, value: "../etc", expectedField: "Login", says: "ASCII letters"),
        BadField(name: "login with an escape", field: .userLogin, value: "a\u{1b}[2J", expectedField: "Login", says: "U+001B"),
        BadField(name: "email without @", field: .userEmail, value: "alice.example.com", expectedField: "Email", says: "is not an email address"),
        BadField(name: "email without domain dot", field: .userEmail, value: "alice@localhost", expectedField: "Email", says: "is not an email address"),
        BadField(name: "email with two @", field: .userEmail, value: "a@b@example.com", expectedField: "Email", says: "is not an email address"),
        BadField(name: "email with nothing before @", field: .userEmail, value: "@example.com", expectedField: "Email", says: "is not an email address"),
    ]
}

@Suite("Bad input gets a clear message and changes nothing")
struct ValidationTests {
    static func attempt(_ bad: BadField, in dir: TestDirectory, existingToken: PersonalAccessToken) throws {
        let service = dir.service
        switch bad.field {
        case .userDisplayName:
            try service.createUser(UserDraft(displayName: bad.value, loginName: "newbie"), in: [dir.orgID], by: dir.admin)
        case .userLogin:
            try service.createUser(UserDraft(displayName: "Newbie", loginName: bad.value), in: [dir.orgID], by: dir.admin)
        case .userEmail:
            try service.createUser(UserDraft(displayName: "Newbie", loginName: "newbie", email: bad.value), in: [dir.orgID], by: dir.admin)
        case .groupName:
            try service.createGroup(named: bad.value, in: dir.orgID, by: dir.admin)
        case .groupDescription:
            try service.createGroup(named: "Fine", description: bad.value, in: dir.orgID, by: dir.admin)
        case .tokenName:
            try dir.createToken(bad.value)
        case .revokeReason:
            try service.revokeToken(existingToken.id, reason: bad.value, by: dir.admin)
        }
    }

    @Test("each bad field is refused with its field and the problem", arguments: BadField.all)
    func badField(_ bad: BadField) throws {
        let dir = try TestDirectory()
        let existing = try dir.createToken("existing").token
        let before = try dir.snapshot()
        let error = expectError { try Self.attempt(bad, in: dir, existingToken: existing) }
        #expect(error?.invalidField == bad.expectedField, "got \(String(describing: error))")
        #expect(error?.description.hasPrefix("\(bad.expectedField): ") == true)
        #expect(error?.description.contains(bad.says) == true, "\(String(describing: error?.description))")
        // The message never echoes a control character back to the terminal.
        #expect(error?.description.unicodeScalars.contains { InputRules.isForbidden($0) } == false)
        #expect(try dir.snapshot() == before)
    }

    @Test("the same fields accept good values at the limits (trimmed)")
    func goodValuesAtTheLimits() throws {
        let dir = try TestDirectory()
        let user = try dir.service.createUser(
            UserDraft(displayName: "  " + String(repeating: "n", count: 100) + "  ", loginName: "_build.agent-01",
                      email: "agent@corp.example", kind: .jobAgent),
            in: [dir.orgID], by: dir.admin)
        #expect(user.displayName.count == 100)
        #expect(try dir.service.user(login: "_BUILD.AGENT-01", by: dir.admin).id == user.id, "logins are case-insensitive")
        let group = try dir.service.createGroup(named: String(repeating: "g", count: 64), description: "Zoë's team \u{1F680}", in: dir.orgID, by: dir.admin)
        #expect(group.description == "Zoë's team \u{1F680}")
        let token = try dir.createToken(String(repeating: "t", count: 100))
        #expect(token.token.displayName.count == 100)
    }

    // MARK: Scopes

    @Test("scope choices are checked against the catalog", arguments: [
        (["vso.nonsense"], "unknown scope \u{201C}vso.nonsense\u{201D}"),
        (["vso.code", "vso.cod"], "unknown scope \u{201C}vso.cod\u{201D}"),
        (["vso.code", "vso.code_write"], "vso.code and vso.code_write are two levels of Code"),
        (["vso.work_full", "vso.build", "vso.work"], "vso.work and vso.work_full are two levels of Work Items"),
        ([], "choose Full access or at least one scope"),
        (["  "], "choose Full access or at least one scope"),
        (["app_token", "vso.code"], "Full access (app_token) already includes every scope"),
    ])
    func badScopes(_ identifiers: [String], _ says: String) throws {
        let catalog = try RepoResources.catalog()
        let error = expectError { try ScopeSelection.custom(identifiers, catalog: catalog) }
        #expect(error?.invalidField == "Scopes")
        #expect(error?.description.contains(says) == true, "\(String(describing: error?.description))")
    }

    @Test("a token request with unchecked scopes is refused by the façade too", arguments: [
        ScopeSelection.custom(["vso.nonsense"]), .custom(["vso.code", "vso.code_write"]), .custom([]),
    ])
    func façadeChecksScopes(_ scopes: ScopeSelection) throws {
        let dir = try TestDirectory()
        let before = try dir.snapshot()
        let error = expectError { try dir.createToken("raw", scopes: scopes) }
        #expect(error?.invalidField == "Scopes")
        #expect(try dir.snapshot() == before)
        let existing = try dir.createToken("existing")
        let edit = expectError {
            try dir.service.updateToken(existing.token.id, TokenChanges(scopes: scopes), expectedVersion: existing.token.version, by: dir.admin)
        }
        #expect(edit?.invalidField == "Scopes")
    }

    // MARK: Expiry and names of tokens

    @Test("an expiry in the past is refused", arguments: [
        TokenExpiration.days(0), .days(-5), .endOfDay(TextFormat.parseDay("2026-03-01")!), .endOfDay(TextFormat.parseDay("2025-12-31")!),
    ])
    func expiryInThePast(_ expiration: TokenExpiration) throws {
        let dir = try TestDirectory()
        let before = try dir.snapshot()
        let request = TokenRequest(displayName: "past", target: .organization(dir.orgID), scopes: .custom(["vso.code"]), expiration: expiration)
        let error = expectError { try dir.service.createToken(request, by: dir.admin) }
        #expect(error?.invalidField == "Expiration")
        #expect(error?.description.contains("is in the past") == true || error?.description.contains("is not a lifespan; write 1d to 365d") == true)
        #expect(try dir.snapshot() == before)
    }

    @Test("an expiry beyond 365 days is refused, whatever the policies; 365 and today's end are fine")
    func expiryTooFar() throws {
        let dir = try TestDirectory()
        let error = expectError { try dir.createToken("too-long", days: 366) }
        #expect(error?.invalidField == "Expiration")
        #expect(error?.description.contains("366d is too long; a token lives at most 365 days") == true)
        let farDay = TextFormat.parseDay("2027-03-02")! // through its end: 365.5 days from now
        let far = TokenRequest(displayName: "far", target: .organization(dir.orgID), scopes: .custom(["vso.code"]), expiration: .endOfDay(farDay))
        #expect(expectError { try dir.service.createToken(far, by: dir.admin) }?.invalidField == "Expiration")

        _ = try dir.createToken("a-year", days: 365)
        let today = TokenRequest(displayName: "today", target: .organization(dir.orgID), scopes: .custom(["vso.code"]),
                                 expiration: .endOfDay(TextFormat.parseDay("2026-03-02")!))
        #expect(try dir.service.createToken(today, by: dir.admin).token.validTo == TextFormat.parseDay("2026-03-03"))
        let extend = expectError {
            let token = try dir.service.tokens(TokenQuery(search: TextSearch("today")), by: dir.admin).items[0]
            return try dir.service.updateToken(token.id, TokenChanges(expiration: .days(400)), expectedVersion: token.version, by: dir.admin)
        }
        #expect(extend?.invalidField == "Expiration")
    }

    @Test("a name already used by one of the owner's active tokens is refused, and free again once it is revoked")
    func duplicateTokenName() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let bobActor = try dir.actor("bob")
        let first = try dir.createToken("deploy", by: bobActor)
        let before = try dir.snapshot()
        let error = expectError { try dir.createToken("Deploy", by: bobActor) }
        #expect(error?.invalidField == "Name")
        #expect(error?.description.contains("you already have an active token named \u{201C}Deploy\u{201D}") == true)
        #expect(try dir.snapshot() == before)

        // Other owners may use the name.
        _ = try dir.createToken("deploy")
        // Renaming another token to the taken name is refused as well.
        let second = try dir.createToken("other", by: bobActor)
        #expect(expectError {
            try dir.service.updateToken(second.token.id, TokenChanges(displayName: "deploy"), expectedVersion: second.token.version, by: bobActor)
        }?.invalidField == "Name")

        try dir.service.revokeToken(first.token.id, by: bobActor)
        let again = try dir.createToken("deploy", by: bobActor)
        #expect(again.token.ownerID == bob.id)
        #expect(again.token.id != first.token.id)
    }

    @Test("an expired token's name is free again")
    func expiredNameIsFree() throws {
        let dir = try TestDirectory()
        _ = try dir.createToken("nightly", days: 1)
        dir.clock.advance(by: 86_400)
        _ = try dir.createToken("nightly", days: 1)
        #expect(try dir.service.count(TokenQuery(search: TextSearch("nightly")), by: dir.admin) == 2)
    }

    // MARK: Failed changes are not audited

    @Test("a failed change leaves no audit row: duplicate login, invalid name, policy refusal, cycle, stale edit")
    func failuresAreNotAudited() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let a = try dir.addGroup("A")
        let b = try dir.addGroup("B", members: [.group(a.id)])
        try dir.setPolicy(.restrictFullScopedTokens, enabled: true)
        let before = try dir.snapshot()

        #expect(expectError { try dir.addUser("BOB") } == .alreadyExists(kind: .user, name: "BOB"))
        #expect(expectError { try dir.addGroup("a") } == .alreadyExists(kind: .group, name: "a"))
        #expect(expectError { try dir.addGroup("bad\u{7}") }?.invalidField == "Group name")
        #expect(expectError { try dir.createToken("full", by: try dir.actor("bob"), scopes: .fullAccess) }?.violation?.kind == .restrictFullScopedTokens)
        #expect(expectError { try dir.service.addMember(.group(b.id), to: a.id, by: dir.admin) } == .membershipCycle(path: ["B", "A", "B"]))
        #expect(expectError { try dir.service.addMember(.user(bob.id), to: dir.defaultGroup(.contributors).id, by: dir.admin) }?.isNotAllowed == true)
        #expect(expectError { try dir.service.createUser(UserDraft(displayName: "Nobody", loginName: "nobody"), in: [], by: dir.admin) }?.invalidField == "Organization")
        #expect(expectError { try dir.service.deleteGroup(dir.defaultGroup(.readers).id, by: dir.admin) }?.isNotAllowed == true)
        #expect(expectError { try dir.service.deleteUser(dir.admin.user.id, by: dir.admin) }?.isNotAllowed == true)
        #expect(expectError { try dir.service.setStatus(.disabled, ofUser: dir.admin.user.id, by: dir.admin) }?.isNotAllowed == true)
        #expect(expectError {
            try dir.service.removeMember(.user(dir.admin.user.id), from: dir.defaultGroup(.projectCollectionAdministrators).id, by: dir.admin)
        }?.isNotAllowed == true, "the last administrator stays")
        #expect(expectError { try dir.service.addSSHKey("ssh-rsa AAAA", to: bob.id, by: dir.admin) }?.invalidField == "SSH key")

        #expect(try dir.snapshot() == before)
    }
}
