import Foundation
import Testing
import GatehouseTestSupport
import GatehouseDomain
import GatehouseStore
@testable import GatehousePostgres

/// The backends the contract is checked on. SQLite always; PostgreSQL when
/// `GATEHOUSE_TEST_POSTGRES_URL` names a server (`.ci/postgres-cluster start` prints one). Without
/// the URL, PostgreSQL is left out with a printed reason, except with `CI=true`, where it stays in
/// and its tests fail: CI must never pass without having run them.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static let available: [Backend] = {
        if postgresURL != nil || isCI { return [.sqlite, .postgres] }
        print("◇ PostgreSQL conformance skipped: GATEHOUSE_TEST_POSTGRES_URL is not set (start a throwaway server with `.ci/postgres-cluster start` and export the URL it prints)")
        return [.sqlite]
    }()

    /// Only PostgreSQL (multi-host behaviour SQLite has by construction or not at all).
    static let postgresOnly: [Backend] = available.filter { $0 == .postgres }
}

/// One empty database of a backend, removed when the value goes away; `open()` opens another
/// store on it, as a second process or host would.
final class TestDatabase: @unchecked Sendable {
    let backend: Backend
    /// The SQLite path or the PostgreSQL URL.
    let location: String
    private let cleanup: () -> Void

    init(_ backend: Backend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-conformance-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            location = folder.appendingPathComponent("gatehouse.sqlite").path
            cleanup = { try? FileManager.default.removeItem(at: folder) }
        case .postgres:
            guard let url = Backend.postgresURL else {
                throw GatehouseError.storage("CI=true but GATEHOUSE_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL and export its URL")
            }
            let name = "gatehouse_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try PGConnection(conninfo: url, location: "test server")
            try admin.execute("CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8'")
            location = Self.url(url, database: name)
            cleanup = { try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        }
    }

    deinit { cleanup() }

    /// The server URL with another database.
    static func url(_ url: String, database: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + database
        return components.string ?? url
    }

    func open(cacheCapacity: Int = 16_384) throws -> any DirectoryStore {
        switch backend {
        case .sqlite: try SQLiteDirectoryStore(path: location, verificationCacheCapacity: cacheCapacity)
        case .postgres: try PostgresDirectoryStore(url: location, verificationCacheCapacity: cacheCapacity)
        }
    }
}

/// A directory on one backend: the façade over a fresh database with a fixed clock, and the first
/// administrator of "Default".
final class World: @unchecked Sendable {
    static let start = Date(timeIntervalSince1970: 1_772_452_800)

    let database: TestDatabase
    let store: any DirectoryStore
    let clock = ManualClock(World.start)
    let catalog: ScopeCatalog
    let service: AccessService
    let admin: Actor
    let organization: Organization

    init(_ backend: Backend) throws {
        database = try TestDatabase(backend)
        store = try database.open()
        catalog = try ScopeCatalog(json: Data(contentsOf: World.resources.appendingPathComponent("scopes.json")))
        service = AccessService(store: store, catalog: catalog, clock: clock)
        _ = try service.bootstrapIfEmpty(administratorLogin: "admin")
        admin = try service.resolveActor(login: "admin")
        organization = try service.organization(named: "Default", by: admin)
    }

    static let resources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources")

    /// A second façade on the same database: another process, or another host.
    func otherHost() throws -> (service: AccessService, admin: Actor) {
        let service = AccessService(store: try database.open(), catalog: catalog, clock: clock)
        return (service, try service.resolveActor(login: "admin"))
    }

    @discardableResult
    func addUser(_ login: String, displayName: String? = nil, email: String = "") throws -> User {
        try service.createUser(UserDraft(displayName: displayName ?? login.capitalized, loginName: login, email: email, kind: .user),
                               in: [organization.id], by: admin)
    }

    @discardableResult
    func addGroup(_ name: String) throws -> SecurityGroup {
        try service.createGroup(named: name, in: organization.id, by: admin)
    }

    func request(_ name: String, days: Int = 30) -> TokenRequest {
        TokenRequest(displayName: name, target: .organization(organization.id), scopes: .custom(["vso.code"]), expiration: .days(days))
    }

    func allUsers(_ query: UserQuery, limit: Int = 50) throws -> [User] {
        var users: [User] = []
        var page = try service.users(query, page: .first(limit), by: admin)
        users += page.items
        while page.hasMoreAfter, let cursor = page.lastCursor {
            page = try service.users(query, page: PageRequest(.after(cursor), limit: limit), by: admin)
            users += page.items
        }
        return users
    }
}

/// The error `body` throws, or nil (recording an issue) when it succeeds or throws another type.
func expectError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> GatehouseError? {
    do {
        _ = try body()
        Issue.record("expected a GatehouseError, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as GatehouseError {
        return error
    } catch {
        Issue.record("expected a GatehouseError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

