import Foundation
import Testing
@testable import GatehouseCLI
import GatehouseDomain
import GatehouseStore
import GatehouseTestSupport

/// What one in-process run of `gatehouse …` printed, and how it ended.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String

    /// stdout decoded as JSON (an array or an object).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    }

    func jsonObject() throws -> [String: Any] {
        try #require(try json() as? [String: Any], "stdout is not a JSON object: \(stdout)")
    }

    func jsonArray() throws -> [[String: Any]] {
        try #require(try json() as? [[String: Any]], "stdout is not a JSON array of objects: \(stdout)")
    }
}

/// Collects what a command writes, from any thread.
final class CapturedText: @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""

    func appendOut(_ text: String) { lock.withLock { out += text } }
    func appendErr(_ text: String) { lock.withLock { err += text } }
    var stdout: String { lock.withLock { out } }
    var stderr: String { lock.withLock { err } }
}

/// A seeded directory in a temporary folder, and a way to run CLI commands against it in-process,
/// as the OS login running the tests (its first administrator), with a fixed clock.
///
/// Seeded, at 2026-03-02 12:00 UTC, in the one organization "Default":
/// - users: the OS login (admin), alice (contributor, alice@contoso.example), bob (reader),
///   svc-deploy (service account), agent-07 (job agent, disabled);
/// - a custom group "Release Managers" with alice as member;
/// - tokens: alice "ci-read" (Code: Read, 30 days), svc-deploy "deploy" (Packaging: Read & write,
///   5 days, made by the admin on its behalf), admin "admin-full" (Full access, 120 days),
///   bob "old" (expired yesterday), bob "revoked-one" (revoked);
/// - then the maximum-lifespan policy is turned on at 90 days, so "admin-full" is non-compliant.
final class CLIFixture: @unchecked Sendable {
    /// 2026-03-02 12:00:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_772_452_800)

    let folder: URL
    let databasePath: String
    let clock: ManualClock
    private(set) var service: AccessService!
    private(set) var admin: Actor!
    let adminLogin: String
    private(set) var organization: Organization!
    /// Token ids by name.
    private(set) var tokenIDs: [String: TokenID] = [:]

    /// Seeded once per test process; every fixture starts from a copy of its file (seeding through
    /// the façade each time cost most of a bad-input case).
    private static let template: Result<CLIFixture, any Error> = Result {
        let template = try CLIFixture(seeding: true)
        try (template.service.store as? SQLiteDirectoryStore)?.checkpoint()
        return template
    }

    convenience init() throws {
        let template = try Self.template.get()
        try self.init(seeding: false)
        tokenIDs = template.tokenIDs
        _ = try? FileManager.default.removeItem(atPath: databasePath)
        try FileManager.default.copyItem(atPath: template.databasePath, toPath: databasePath)
        try finishOpening()
    }

    private init(seeding: Bool) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        databasePath = folder.appendingPathComponent("gatehouse.sqlite").path
        clock = ManualClock(Self.start)
        adminLogin = try OperatingSystemLogin.current()
        guard seeding else { return }
        try finishOpening()
        try service.bootstrapIfEmpty(administratorLogin: adminLogin, displayName: "Ada Admin")
        admin = try service.resolveActor(login: adminLogin)
        organization = try service.organization(named: "Default", by: admin)
        try seed()
    }

    private func finishOpening() throws {
        let catalog = try ResourceLocator.locate().scopeCatalog()
        service = AccessService(store: try SQLiteDirectoryStore(path: databasePath), catalog: catalog, clock: clock, lastUsedGranularity: 0)
        if let resolved = try? service.resolveActor(login: adminLogin) {
            admin = resolved
            organization = try service.organization(named: "Default", by: resolved)
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    private func seed() throws {
        let org = organization.id
        func add(_ login: String, _ name: String, kind: AccountKind = .user, email: String = "", group: DefaultGroup? = nil) throws -> User {
            let user = try service.createUser(UserDraft(displayName: name, loginName: login, email: email, kind: kind), in: [org], by: admin)
            if let group { try service.addMember(.user(user.id), to: service.group(named: group.name, in: org, by: admin).id, by: admin) }
            return user
        }
        let alice = try add("alice", "Alice Example", email: "alice@contoso.example", group: .contributors)
        let bob = try add("bob", "Bob Builder", group: .readers)
        let deploy = try add("svc-deploy", "Deploy service", kind: .serviceAccount)
        let agent = try add("agent-07", "Build agent 07", kind: .jobAgent)
        try service.setStatus(.disabled, ofUser: agent.id, by: admin)
        let release = try service.createGroup(named: "Release Managers", description: "Approve releases", in: org, by: admin)
        try service.addMember(.user(alice.id), to: release.id, by: admin)

        func token(_ name: String, by actor: Actor, owner: UserID? = nil, scopes: ScopeSelection, days: Int) throws -> TokenID {
            let issued = try service.createToken(TokenRequest(displayName: name, ownerID: owner, target: .organization(org), scopes: scopes, expiration: .days(days)), by: actor)
            tokenIDs[name] = issued.token.id
            return issued.token.id
        }
        let asAlice = try service.resolveActor(login: "alice")
        let asBob = try service.resolveActor(login: "bob")
        // Bob's old token: made 40 days ago for 30 days, so it expired 10 days ago.
        clock.set(Self.start.addingTimeInterval(-40 * 86_400))
        _ = try token("old", by: asBob, scopes: .custom(["vso.work"]), days: 30)
        clock.set(Self.start.addingTimeInterval(-3_600))
        let revoked = try token("revoked-one", by: asBob, scopes: .custom(["vso.wiki"]), days: 30)
        try service.revokeToken(revoked, reason: "test", by: asBob)
        clock.set(Self.start)
        _ = try token("ci-read", by: asAlice, scopes: .custom(["vso.code"]), days: 30)
        _ = try token("deploy", by: admin, owner: deploy.id, scopes: .custom(["vso.packaging_write"]), days: 5)
        _ = try token("admin-full", by: admin, scopes: .fullAccess, days: 120)
        _ = bob
        let policies = try service.policies(of: org, by: admin)
        try service.updatePolicy(TokenPolicy(kind: .maximumLifespan, isEnabled: true, maximumLifespanDays: 90), in: org, expectedVersion: policies.version, by: admin)
    }

    func tokenID(_ name: String) -> String { tokenIDs[name]?.description ?? "missing-\(name)" }

    /// Runs `gatehouse ARGS --db PATH` in-process. `database: false` for commands that take no `--db`.
    func run(_ arguments: [String], stdin: String = "", database: Bool = true, width: Int = 100) -> CLIResult {
        run(arguments, stdinBytes: Array(stdin.utf8), database: database, width: width)
    }

    /// The same with stdin as raw bytes (invalid UTF-8, NUL, megabytes).
    func run(_ arguments: [String], stdinBytes: [UInt8], database: Bool = true, width: Int = 100) -> CLIResult {
        let captured = CapturedText()
        let output = CommandOutput(standardOutput: captured.appendOut, standardError: captured.appendErr)
        let environment = CLIEnvironment(output: output, input: TextStandardInput(bytes: stdinBytes), clock: clock, terminalWidth: width)
        let status: Int32 = CLIEnvironment.$current.withValue(environment) {
            do {
                var command = try GatehouseCommand.parseCommandLine(arguments + (database ? ["--db", databasePath] : []))
                try command.run()
                return 0
            } catch {
                // What `main` does with an error: the message (help goes to stdout), then the status.
                let code = GatehouseCommand.exitCode(for: error).rawValue
                let message = GatehouseCommand.message(for: error)
                if !message.isEmpty {
                    if code == 0 { captured.appendOut(message + "\n") } else { captured.appendErr(message + "\n") }
                }
                return code
            }
        }
        return CLIResult(status: status, stdout: captured.stdout, stderr: captured.stderr)
    }

    // MARK: Looking at the directory

    func allTokens() throws -> [PersonalAccessToken] {
        try service.tokens(TokenQuery(), page: .first(1_000), by: admin).items
    }

    func token(named name: String) throws -> PersonalAccessToken {
        try #require(try allTokens().first { $0.displayName == name })
    }

    func auditEvents() throws -> [AuditEvent] {
        try service.auditEvents(AuditQuery(), page: .first(1_000), by: admin).items
    }

    /// Everything a command could change, read through the façade: to prove a refused command changed nothing.
    func snapshot() throws -> DirectorySnapshot { try service.snapshot(by: admin) }
}

enum SampleSSHKey {
    /// `ssh-keygen -lf`: 256 SHA256:M92dalJcoAcZX9n9D7ZhStR+G4LluRUTFJ0Jiwtv4KM alice@example (ED25519)
    static let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5YYOTA3MrlLkaUMEh9SREZnCcyqIrfKFg5MqGm4gH1 alice@example"
    static let fingerprint = "SHA256:M92dalJcoAcZX9n9D7ZhStR+G4LluRUTFJ0Jiwtv4KM"
}
