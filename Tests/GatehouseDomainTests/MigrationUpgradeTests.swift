import Foundation
import GRDB
import Testing
@testable import GatehouseDomain
@testable import GatehouseStore

/// A directory made by any earlier version opens in this one with its data intact; one made by a
/// newer version, or damaged, is refused with a message naming what is wrong. Adding a migration
/// needs no change here: every case is derived from `Schema.migrations`.
@Suite("Upgrading directories made by older versions")
struct MigrationUpgradeTests {
    /// A directory as the version whose last migration was `last` left it, with one of each row
    /// written in the schema of v1 (later migrations add tables, indexes and triggers, never
    /// columns these rows need): an organization, an administrator and a member, a group, a token
    /// whose secret is returned, and an audit event.
    static func makeDirectory(at path: String, upTo last: String) throws -> (secret: TokenSecret, tokenID: UUID) {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator(upTo: last).migrate(queue)
        let secret = TokenFormat.generate(using: SystemRandomSource())
        let organization = UUID(), admin = UUID(), bob = UUID(), group = UUID(), token = UUID()
        let now = TestDirectory.start.timeIntervalSince1970
        try queue.write { db in
            try db.execute(sql: "INSERT INTO organization (id, name, created_at) VALUES (?, 'Default', ?)", arguments: [organization, now])
            for (id, login, name) in [(admin, "admin", "Ada Admin"), (bob, "bob", "Bob Builder")] {
                try db.execute(sql: """
                    INSERT INTO user (id, display_name, login_name, email, kind, identity_source, access_level, status, created_at, version)
                    VALUES (?, ?, ?, '', 'user', 'local', 'basic', 'active', ?, 1)
                    """, arguments: [id, name, login, now])
                try db.execute(sql: "INSERT INTO organization_member (organization_id, user_id) VALUES (?, ?)", arguments: [organization, id])
            }
            try db.execute(sql: "INSERT INTO security_group (id, organization_id, name, description, default_role, created_at, version) VALUES (?, ?, 'Release Managers', 'Approve releases', NULL, ?, 1)",
                           arguments: [group, organization, now])
            try db.execute(sql: "INSERT INTO group_member (group_id, member_user_id) VALUES (?, ?)", arguments: [group, bob])
            try db.execute(sql: """
                INSERT INTO token (id, display_name, owner_id, created_by_id, target_organization_id, scopes, is_full_access, is_high_privilege,
                                   is_packaging_only, valid_from, valid_to, created_at, handle, digest, generation, version)
                VALUES (?, 'nightly', ?, ?, ?, 'vso.code', 0, 0, 0, ?, ?, ?, ?, ?, 1, 1)
                """, arguments: [token, bob, bob, organization, now, now + 30 * 86_400, now, TokenFormat.handle(of: secret), Data(TokenDigest(of: secret).bytes)])
            try db.execute(sql: """
                INSERT INTO audit_event (occurred_at, actor_id, actor_login, action, target_kind, target_id, target_name, organization_id, details)
                VALUES (?, ?, 'admin', 'token.create', 'token', ?, 'nightly', ?, '[]')
                """, arguments: [now, admin, token.uuidString, organization])
        }
        return (secret, token)
    }

    /// The schema a store has, as SQLite keeps it (tables, indexes, triggers), to compare upgraded with new.
    static func schema(of path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || IFNULL(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        }
    }

    @Test("a directory made at each earlier version upgrades with its data intact and the schema of a new one",
          arguments: Schema.identifiers)
    func upgradesFrom(_ version: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("old.sqlite")
        let made = try Self.makeDirectory(at: path, upTo: version)
        #expect(DatabaseLocation.inspect(path) == .gatehouse(appliedMigrations: Array(Schema.identifiers.prefix { $0 != version }) + [version]))

        let store = try SQLiteDirectoryStore(path: path, opening: .existing)
        #expect(try store.appliedMigrations() == Schema.identifiers)
        let service = AccessService(store: store, catalog: try RepoResources.catalog(), clock: ManualClock(TestDirectory.start))
        #expect(try service.user(login: "bob", by: try service.resolveActor(login: "admin")).displayName == "Bob Builder")
        // The search indexes added later know the rows that were there before them.
        #expect(try service.users(UserQuery(search: TextSearch("Build")), page: .first(10), by: try service.resolveActor(login: "admin")).items.map(\.loginName) == ["bob"])
        let verified = try #require(try service.verify(made.secret).success)
        #expect(verified.owner.loginName == "bob")
        #expect(verified.token.id.uuid == made.tokenID)
        #expect(try service.count(UserQuery(), by: try service.resolveActor(login: "admin")) == 2)

        let fresh = folder.path("new.sqlite")
        _ = try SQLiteDirectoryStore(path: fresh)
        #expect(try Self.schema(of: path) == Self.schema(of: fresh))
    }

    static let fixtures = RepoResources.directory.deletingLastPathComponent().appendingPathComponent("Tests/GatehouseDomainTests/Fixtures")

    /// Committed databases made by released versions (`directory-v8.sqlite`: made by the build
    /// whose last migration was v8-verification-changes). They catch an edit to a released
    /// migration, which the cases above (built by this build's migrations) cannot.
    @Test("a committed directory made by a released version opens with its data and upgrades to this schema")
    func committedFixtureUpgrades() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("v8.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("directory-v8.sqlite").path, toPath: path)
        let store = try SQLiteDirectoryStore(path: path, opening: .existing)
        #expect(try store.appliedMigrations() == Schema.identifiers)
        let service = AccessService(store: store, catalog: try RepoResources.catalog(), clock: ManualClock(TestDirectory.start))
        let admin = try service.resolveActor(login: "admin")
        #expect(try service.user(login: "bob", by: try service.resolveActor(login: "admin")).displayName == "Bob Builder")
        let tokens = try service.tokens(TokenQuery(), page: .first(10), by: admin).items
        #expect(tokens.map(\.displayName).sorted() == ["ci", "nightly"])
        #expect(try service.count(AuditQuery(), by: admin) >= 4)
        let fresh = folder.path("new.sqlite")
        _ = try SQLiteDirectoryStore(path: fresh)
        #expect(try Self.schema(of: path) == Self.schema(of: fresh))
    }

    /// Writes `directory-v8.sqlite` again (run once, with GATEHOUSE_WRITE_FIXTURES=1, by the build
    /// that makes a new released fixture; then commit it).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GATEHOUSE_WRITE_FIXTURES"] == "1"))
    func writeFixture() throws {
        let path = Self.fixtures.appendingPathComponent("directory-v\(Schema.identifiers.count).sqlite").path
        try? FileManager.default.removeItem(atPath: path)
        do {
            let store = try SQLiteDirectoryStore(path: path)
            let clock = ManualClock(TestDirectory.start)
            let service = AccessService(store: store, catalog: try RepoResources.catalog(), clock: clock)
            try service.bootstrapIfEmpty(administratorLogin: "admin", displayName: "Ada Admin")
            let admin = try service.resolveActor(login: "admin")
            let organization = try service.organization(named: "Default", by: admin)
            let bob = try service.createUser(UserDraft(displayName: "Bob Builder", loginName: "bob"), in: [organization.id], by: admin)
            _ = try service.createToken(TokenRequest(displayName: "ci", target: .organization(organization.id), scopes: .custom(["vso.code"]), expiration: .days(30)), by: admin)
            _ = try service.createToken(TokenRequest(displayName: "nightly", target: .organization(organization.id), scopes: .custom(["vso.code"]), expiration: .days(30)), by: admin)
            _ = bob
            try store.checkpoint()
        }
        // Small pages: a directory is mostly empty indexes, one page each.
        try DatabaseQueue(path: path).writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM") }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test("a directory made by a newer version is refused, naming its version, and left as it was")
    func newerVersionIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("newer.sqlite")
        _ = try Self.makeDirectory(at: path, upTo: try #require(Schema.identifiers.last))
        try DatabaseQueue(path: path).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-from-the-future')") }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = expectError { try SQLiteDirectoryStore(path: path, opening: .existing) }
        #expect(error?.category == .storage)
        #expect(error?.description.contains("was written by a newer version of Gatehouse (schema v999-from-the-future; this version knows up to \(Schema.identifiers.last!))") == true, "\(error?.description ?? "")")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a damaged row is a storage error naming its table, row and column, never a crash",
          arguments: [("user", "version", "'abc'"), ("user", "created_at", "'yesterday'"), ("user", "kind", "'robot'"), ("token", "valid_to", "X'00'"),
                      ("token", "generation", "'two'"), ("organization", "created_at", "'soon'"), ("user", "id", "'not-a-uuid'")])
    func damagedRow(_ table: String, _ column: String, _ value: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("damaged.sqlite")
        let made = try Self.makeDirectory(at: path, upTo: try #require(Schema.identifiers.last))
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "DROP TRIGGER IF EXISTS verification_epoch_\(table)_update")
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE \(table) SET \(column) = \(value) WHERE rowid = (SELECT MIN(rowid) FROM \(table))")
        }
        let store = try SQLiteDirectoryStore(path: path, opening: .existing)
        let service = AccessService(store: store, catalog: try RepoResources.catalog(), clock: ManualClock(TestDirectory.start))
        let error: GatehouseError?
        switch table {
        case "token": error = expectError { try service.tokens(TokenQuery(), page: .first(10), by: try service.resolveActor(login: "bob")) }
        case "organization": error = expectError { try service.organizations(by: try service.resolveActor(login: "admin")) }
        default: error = expectError { try service.users(UserQuery(), page: .first(10), by: try service.resolveActor(login: "admin")) }
        }
        #expect(error?.category == .storage)
        #expect(error?.description.contains("table \(table)") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("column \(column)") == true, "\(error?.description ?? "")")
        _ = made
    }
}
