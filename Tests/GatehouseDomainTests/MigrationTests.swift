import Foundation
import Testing
@testable import GatehouseDomain
@testable import GatehouseStore

@Suite("Opening, migrating and protecting the database file")
struct MigrationTests {
    static func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    @Test("a new database gets every migration, once")
    func newDatabase() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteDirectoryStore(path: folder.path("new.sqlite"))
        let expected = Schema.migrator.migrations
        #expect(!expected.isEmpty)
        #expect(try store.appliedMigrations() == expected)
        #expect(try store.read { try $0.isEmpty() })
    }

    @Test("reopening a database keeps its data and applies nothing twice")
    func reopen() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("directory.sqlite")
        let clock = ManualClock(TestDirectory.start)
        let catalog = try RepoResources.catalog()
        let secret: TokenSecret
        let before: (users: Int, audit: Int, token: PersonalAccessToken)
        do {
            let store = try SQLiteDirectoryStore(path: path)
            let service = AccessService(store: store, catalog: catalog, clock: clock)
            try service.bootstrapIfEmpty(administratorLogin: "admin")
            let admin = try service.resolveActor(login: "admin")
            let organization = try service.organization(named: "Default", by: admin)
            try service.createUser(UserDraft(displayName: "Bob", loginName: "bob"), in: [organization.id], by: admin)
            let issued = try service.createToken(TokenRequest(displayName: "ci", target: .organization(organization.id),
                                                              scopes: .custom(["vso.code"]), expiration: .days(30)), by: admin)
            secret = issued.secret
            before = (try service.count(UserQuery(), by: admin), try service.count(AuditQuery(), by: admin), issued.token)
        } // the store closes here

        let reopened = try SQLiteDirectoryStore(path: path)
        #expect(try reopened.appliedMigrations() == Schema.migrator.migrations)
        let service = AccessService(store: reopened, catalog: catalog, clock: clock)
        #expect(try service.bootstrapIfEmpty(administratorLogin: "someone-else") == false)
        let admin = try service.resolveActor(login: "admin")
        #expect(try service.count(UserQuery(), by: admin) == before.users)
        #expect(try service.count(AuditQuery(), by: admin) == before.audit)
        #expect(try service.user(login: "bob", by: admin).displayName == "Bob")
        #expect(expectError { try service.user(login: "someone-else", by: admin) }?.isNotFound == true)
        #expect(try service.token(before.token.id, by: admin) == before.token)
        #expect(try service.verify(secret).success?.owner.loginName == "admin")

        // A third open, while the second is still open (another process), is just as happy.
        let third = try SQLiteDirectoryStore(path: path)
        #expect(try third.appliedMigrations() == Schema.migrator.migrations)
    }

    @Test("the database is created 0600 in a new 0700 folder, whatever the umask")
    func filePermissions() throws {
        let folder = try TemporaryFolder()
        let parent = folder.url.appendingPathComponent("data/gatehouse").path
        let path = parent + "/gatehouse.sqlite"
        let store = try SQLiteDirectoryStore(path: path)
        _ = try AccessService(store: store, catalog: try RepoResources.catalog()).bootstrapIfEmpty(administratorLogin: "admin")
        #expect(try Self.permissions(parent) == 0o700)
        #expect(try Self.permissions(path) == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            #expect(try Self.permissions(path + suffix) == 0o600, "\(suffix)")
        }
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o077 == 0, "no access for group or others")
    }

    @Test("a file that is not a Gatehouse database is refused with a clear message, and left as it was")
    func notADatabase() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("notes.txt")
        let content = Data(String(repeating: "These are my notes, not a database.\n", count: 200).utf8)
        try content.write(to: URL(fileURLWithPath: path))
        let error = expectError { try SQLiteDirectoryStore(path: path) }
        #expect(error?.category == .storage)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("Nothing was changed") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
    }

    @Test("a database folder that cannot be created is reported, not crashed on")
    func folderCannotBeCreated() throws {
        let folder = try TemporaryFolder()
        let blocker = folder.path("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let error = expectError { try SQLiteDirectoryStore(path: blocker + "/sub/gatehouse.sqlite") }
        #expect(error?.category == .storage)
        #expect(error?.description.contains("cannot create") == true)
    }

    @Test("the default location follows --db, GATEHOUSE_DB, XDG_DATA_HOME, then HOME")
    func defaultLocation() {
        #expect(DatabaseLocation.resolve(explicitPath: "/x/y.sqlite", environment: ["GATEHOUSE_DB": "/env.sqlite"]) == "/x/y.sqlite")
        #expect(DatabaseLocation.resolve(explicitPath: nil, environment: ["GATEHOUSE_DB": "/env.sqlite", "XDG_DATA_HOME": "/xdg"]) == "/env.sqlite")
        #expect(DatabaseLocation.resolve(explicitPath: "", environment: ["XDG_DATA_HOME": "/xdg", "HOME": "/home/a"]) == "/xdg/gatehouse/gatehouse.sqlite")
        #expect(DatabaseLocation.resolve(explicitPath: nil, environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/a"]) == "/home/a/.local/share/gatehouse/gatehouse.sqlite")
    }
}
