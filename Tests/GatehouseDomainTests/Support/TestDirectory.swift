import Foundation
import Testing
import GatehouseTestSupport
@testable import GatehouseDomain
import GatehouseStore

/// The repository's `Resources/` folder, found from this file so the tests need nothing outside the repo.
enum RepoResources {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // Support
        .deletingLastPathComponent() // GatehouseDomainTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // repository root
        .appendingPathComponent("Resources")

    static let scopesURL = directory.appendingPathComponent("scopes.json")

    private static let loaded: Result<ScopeCatalog, GatehouseError> = {
        do {
            return .success(try ScopeCatalog(json: Data(contentsOf: scopesURL)))
        } catch let error as GatehouseError {
            return .failure(error)
        } catch {
            return .failure(.storage("cannot read \(scopesURL.path): \(error)"))
        }
    }()

    static func catalog() throws -> ScopeCatalog { try loaded.get() }
}

/// A fresh temporary folder, removed when the value goes away.
final class TemporaryFolder: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gatehouse-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// One test's directory: a real SQLite file in its own temporary folder, a manual clock at a fixed
/// date, the façade over both, and the first administrator ("admin") of the "Default" organization.
final class TestDirectory: @unchecked Sendable {
    /// 2026-03-02 12:00:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_772_452_800)

    let folder: TemporaryFolder
    let databasePath: String
    let store: SQLiteDirectoryStore
    let clock: ManualClock
    let catalog: ScopeCatalog
    let service: AccessService
    let admin: Actor
    let organization: Organization

    init(random: any RandomSource = SystemRandomSource(), lastUsedGranularity: TimeInterval = 300) throws {
        folder = try TemporaryFolder()
        databasePath = folder.path("gatehouse.sqlite")
        store = try SQLiteDirectoryStore(path: databasePath)
        clock = ManualClock(Self.start)
        catalog = try RepoResources.catalog()
        service = AccessService(store: store, catalog: catalog, clock: clock, random: random, lastUsedGranularity: lastUsedGranularity)
        let created = try service.bootstrapIfEmpty(administratorLogin: "admin")
        #expect(created)
        admin = try service.resolveActor(login: "admin")
        organization = try service.organization(named: "Default", by: admin)
    }

    var orgID: OrganizationID { organization.id }

    // MARK: Building a directory through the façade

    /// Adds an account to the Default organization (and so to Project Collection Valid Users), then
    /// to the given default groups.
    @discardableResult
    func addUser(
        _ login: String, kind: AccountKind = .user, displayName: String? = nil, email: String = "",
        groups: [DefaultGroup] = [], status: AccountStatus = .active
    ) throws -> User {
        var user = try service.createUser(
            UserDraft(displayName: displayName ?? login.capitalized, loginName: login, email: email, kind: kind),
            in: [orgID], by: admin)
        for role in groups {
            try service.addMember(.user(user.id), to: defaultGroup(role).id, by: admin)
        }
        if status == .disabled {
            user = try service.setStatus(.disabled, ofUser: user.id, by: admin)
        }
        return user
    }

    func actor(_ login: String) throws -> Actor { try service.resolveActor(login: login) }

    func defaultGroup(_ role: DefaultGroup) throws -> SecurityGroup {
        try service.group(named: role.name, in: orgID, by: admin)
    }

    @discardableResult
    func addGroup(_ name: String, members: [GroupMember] = [], permissions: [Permission: PermissionSetting] = [:]) throws -> SecurityGroup {
        let group = try service.createGroup(named: name, in: orgID, by: admin)
        for member in members { try service.addMember(member, to: group.id, by: admin) }
        for (permission, setting) in permissions.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try service.setPermission(permission, to: setting, for: group.id, by: admin)
        }
        return group
    }

    /// Replaces one policy of the Default organization, as an administrator would in the Policies pane.
    @discardableResult
    func setPolicy(
        _ kind: PolicyKind, enabled: Bool, maximumLifespanDays: Int = 90, packagingOnly: Bool = false,
        exemptions: Set<PolicyExemption> = []
    ) throws -> OrganizationPolicies {
        let current = try service.policies(of: orgID, by: admin)
        let policy = TokenPolicy(kind: kind, isEnabled: enabled, maximumLifespanDays: maximumLifespanDays,
                                 packagingOnly: packagingOnly, exemptions: exemptions)
        return try service.updatePolicy(policy, in: orgID, expectedVersion: current.version, by: admin)
    }

    func request(
        _ name: String, owner: UserID? = nil, target: TokenTarget? = nil, scopes: ScopeSelection = .custom(["vso.code"]),
        days: Int = 30
    ) -> TokenRequest {
        TokenRequest(displayName: name, ownerID: owner, target: target ?? .organization(orgID), scopes: scopes, expiration: .days(days))
    }

    @discardableResult
    func createToken(
        _ name: String, by actor: Actor? = nil, owner: UserID? = nil, target: TokenTarget? = nil,
        scopes: ScopeSelection = .custom(["vso.code"]), days: Int = 30
    ) throws -> IssuedToken {
        try service.createToken(request(name, owner: owner, target: target, scopes: scopes, days: days), by: actor ?? admin)
    }

    // MARK: Looking at the directory

    func auditCount() throws -> Int { try service.count(AuditQuery(), by: admin) }

    /// Every audit event, oldest first.
    func allAuditEvents(_ query: AuditQuery = AuditQuery()) throws -> [AuditEvent] {
        try collectAll { try service.auditEvents(query, page: $0, by: admin) }.reversed()
    }

    func allUsers(_ query: UserQuery = UserQuery()) throws -> [User] {
        try collectAll { try service.users(query, page: $0, by: admin) }
    }

    func allTokens(_ query: TokenQuery = TokenQuery()) throws -> [PersonalAccessToken] {
        try collectAll { try service.tokens(query, page: $0, by: admin) }
    }

    /// Everything a user of the console could see, read as an administrator: to prove a refused
    /// call changed nothing at all.
    func snapshot() throws -> DirectorySnapshot { try service.snapshot(by: admin) }
}

// MARK: Expecting errors

/// Runs `body`, records an issue if it does not throw a `GatehouseError`, and returns that error.
@discardableResult
func expectError<T>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) -> GatehouseError? {
    do {
        _ = try body()
        Issue.record("expected a GatehouseError, but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as GatehouseError {
        return error
    } catch {
        Issue.record("expected a GatehouseError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension GatehouseError {
    var invalidField: String? {
        if case let .invalidInput(field, _) = self { return field }
        return nil
    }

    var denial: PermissionDenial? {
        if case let .permissionDenied(denial) = self { return denial }
        return nil
    }

    var violation: PolicyViolation? {
        if case let .policyViolation(violation) = self { return violation }
        return nil
    }

    var isStaleVersion: Bool {
        if case .staleVersion = self { return true }
        return false
    }

    var isNotAllowed: Bool {
        if case .notAllowed = self { return true }
        return false
    }

    var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }
}

extension Result {
    var failure: Failure? {
        if case let .failure(failure) = self { return failure }
        return nil
    }

    var success: Success? {
        if case let .success(success) = self { return success }
        return nil
    }
}

/// A predictable byte source: counts up from `start`, wrapping at 256, continuing across calls.
final class CountingRandomSource: RandomSource, @unchecked Sendable {
    private let lock = NSLock()
    private var next: Int

    init(start: UInt8) { next = Int(start) }

    func bytes(count: Int) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let result = (0..<count).map { UInt8((next + $0) % 256) }
        next += count
        return result
    }
}

/// Always the same bytes.
struct ConstantRandomSource: RandomSource {
    let byte: UInt8
    func bytes(count: Int) -> [UInt8] { [UInt8](repeating: byte, count: count) }
}
