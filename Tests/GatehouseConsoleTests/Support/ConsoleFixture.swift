import Foundation
import GatehouseConsole
import GatehouseDemo
import GatehouseDomain
import GatehouseStore
import TerminalKit
import Testing

/// The repository's `Resources/` folder, found from this file: the tests need nothing outside the repo.
enum RepoResources {
    static let locator = ResourceLocator(directory: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // GatehouseConsoleTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("Resources"))

    static func catalog() throws -> ScopeCatalog { try locator.scopeCatalog() }
}

/// The demo directory is seeded once per test process into a template file (seeding replays a
/// whole timeline through the façade); every test gets its own copy of that file.
enum DemoTemplate {
    struct Seeded: Sendable {
        let path: String
        let administratorLogin: String
    }

    static let seeded: Result<Seeded, GatehouseError> = {
        do {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-console-template-\(UUID().uuidString)")
            let path = folder.appendingPathComponent("demo.sqlite").path
            let store = try SQLiteDirectoryStore(path: path)
            let seeder = try DemoSeeder(resources: RepoResources.locator)
            try seeder.seed(into: store, catalog: try RepoResources.catalog(), now: Date())
            try store.checkpoint()
            return .success(Seeded(path: path, administratorLogin: seeder.administratorLogin))
        } catch let error as GatehouseError {
            return .failure(error)
        } catch {
            return .failure(.storage("cannot seed the demo template: \(error)"))
        }
    }()
}

/// A fresh temporary folder, removed when the value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-console-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// What every console test works with: a real SQLite directory in its own temporary folder, the
/// façade over it, the acting user, and a console driven in memory.
@MainActor
class ConsoleFixture {
    let folder: TemporaryFolder
    let databasePath: String
    let store: SQLiteDirectoryStore
    let service: AccessService
    let actor: Actor
    let driver: ConsoleDriver

    init(folder: TemporaryFolder, databasePath: String, store: SQLiteDirectoryStore, service: AccessService, actor: Actor,
         width: Int, height: Int, theme: Theme) {
        self.folder = folder
        self.databasePath = databasePath
        self.store = store
        self.service = service
        self.actor = actor
        driver = ConsoleDriver(service: service, actor: actor, width: width, height: height, theme: theme)
    }

    var catalog: ScopeCatalog { service.catalog }

    // MARK: Counting through the façade

    func userCount(_ query: UserQuery = UserQuery()) throws -> Int { try service.count(query, by: actor) }
    func groupCount(_ query: GroupQuery = GroupQuery()) throws -> Int { try service.count(query, by: actor) }
    func auditCount(_ query: AuditQuery = AuditQuery()) throws -> Int { try service.count(query, by: administrator) }
    func tokenCount(_ query: TokenQuery = TokenQuery()) throws -> Int { try service.count(query, by: administrator) }

    /// Someone who sees everything, for counting (the acting user may see less).
    var administrator: Actor { actor }

    func user(_ login: String) throws -> User { try service.user(login: login, by: actor) }

    func organization(_ name: String) throws -> Organization { try service.organization(named: name, by: actor) }

    /// Every audit event, newest first.
    func auditEvents(_ query: AuditQuery = AuditQuery(), limit: Int = 10_000) throws -> [AuditEvent] {
        try service.auditEvents(query, page: .first(limit), by: administrator).items
    }

    // MARK: Reading the screen

    var screen: String { driver.screen }
    var frame: Buffer { driver.frame }

    /// Whether `text` appears on one row of the last frame. (Use this in `#expect`, not
    /// `frame.contains`: a failing expectation on a `Buffer` prints every cell.)
    func shows(_ text: String) -> Bool { driver.frame.contains(text) }

    /// The frame as readable text, for failure messages.
    var dump: String { "\n" + driver.frame.renderedText }

    /// The first row holding `text`, or nil.
    func row(containing text: String) -> String? { driver.frame.lines.first { $0.contains(text) } }

    /// The title row of a list pane ("Users  3 of 62 · …").
    var titleRow: String { driver.frame.text(row: 2) }

    /// "N of M" from the title row.
    var counter: (selected: Int, total: Int)? { Self.counter(in: titleRow) }

    static func counter(in text: String) -> (selected: Int, total: Int)? {
        let pattern = /(\d[\d,]*) of (\d[\d,]*)/
        guard let match = text.firstMatch(of: pattern) else { return nil }
        let selected = Int(match.1.replacingOccurrences(of: ",", with: ""))
        let total = Int(match.2.replacingOccurrences(of: ",", with: ""))
        guard let selected, let total else { return nil }
        return (selected, total)
    }

    /// The rows of the list's table body (below the title and column header, above the message row).
    var tableRows: [String] {
        let lines = driver.frame.lines
        guard lines.count > 6 else { return [] }
        return Array(lines[4..<(lines.count - 2)]).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// The highlighted row of the visible table: the row whose first cell has the selection style.
    var selectedRow: String? {
        let frame = driver.frame
        let selection = Theme.color[.selection]
        for y in 4..<max(4, frame.height - 2) where frame.style(atX: 1, y: y) == selection {
            return frame.text(row: y)
        }
        return nil
    }

    /// The message row (flash or command line), second from the bottom.
    /// The message above the footer: a long flash wraps upward over up to three rows, so this
    /// reads from the row holding the flash mark down to the footer, joined into one line.
    var messageRow: String {
        let frame = driver.frame
        let bottom = frame.height - 2
        let marks: [Character] = ["\u{2713}", "\u{2717}", "\u{2139}", "!", "i", "x", "+"]
        var top = bottom
        for row in stride(from: bottom, through: max(0, bottom - 2), by: -1) {
            let text = frame.text(row: row)
            if let first = text.dropFirst().first, marks.contains(first), text.hasPrefix(" ") { top = row; break }
        }
        if top == bottom { return frame.text(row: bottom) }
        return (top...bottom).map { frame.text(row: $0).trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
    var footerRow: String { driver.frame.text(row: driver.frame.height - 1) }
    var headerRow: String { driver.frame.text(row: 0) }

    /// The pane whose tab is highlighted.
    var activeTab: String? { highlighted(row: 1) }

    /// The New Token wizard's current step, highlighted in its step bar.
    var wizardStep: String? { highlighted(row: 3) }

    /// The text drawn in the active-tab style on a row.
    func highlighted(row y: Int) -> String? {
        let frame = driver.frame
        let active = Theme.color[.activeTab]
        var text = ""
        for x in 0..<frame.width where frame.style(atX: x, y: y) == active {
            text += frame.cell(atX: x, y: y)?.symbol ?? ""
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Every `gpat_` secret visible in the frame.
    var visibleSecrets: [String] {
        driver.frame.lines.flatMap { line in line.matches(of: /gpat_[0-9A-Za-z]{49}/).map { String($0.output) } }
    }

    // MARK: Keys

    func send(_ keys: Key...) { driver.send(keys) }
    func send(_ keys: [Key]) { driver.send(keys) }
    func type(_ text: String) { driver.type(text) }

    /// Opens the `:` command line and runs `command`.
    func command(_ command: String) {
        driver.send(.character(":"))
        driver.type(command)
        driver.send(.enter)
    }

    /// Filters the current list with `/` and keeps the filter.
    func filter(_ text: String) {
        driver.send(.character("/"))
        driver.type(text)
        driver.send(.enter)
    }

    // MARK: Policies

    /// Changes one policy of an organization through the façade, as another administrator would.
    func setPolicy(_ kind: PolicyKind, in organizationName: String, _ change: (inout TokenPolicy) -> Void) throws {
        let organization = try service.organization(named: organizationName, by: actor)
        let policies = try service.policies(of: organization.id, by: actor)
        var policy = policies[kind]
        change(&policy)
        _ = try service.updatePolicy(policy, in: organization.id, expectedVersion: policies.version, by: administrator)
    }

    // MARK: Database files

    /// The bytes of the database and its WAL and shared-memory files.
    func databaseFiles() -> [(name: String, data: Data)] {
        ["", "-wal", "-shm", "-journal"].compactMap { suffix in
            let path = databasePath + suffix
            return FileManager.default.contents(atPath: path).map { (URL(fileURLWithPath: path).lastPathComponent, $0) }
        }
    }
}

/// A copy of the seeded demo directory, acting as the demo administrator or as a chosen demo login.
@MainActor
final class DemoConsole: ConsoleFixture {
    let demoAdmin: Actor

    /// `login` nil acts as the demo administrator (`demo-admin`); otherwise as that demo user,
    /// as `gatehouse demo --as LOGIN` does.
    init(as login: String? = nil, width: Int = 80, height: Int = 24, theme: Theme = .color) throws {
        let template = try DemoTemplate.seeded.get()
        let folder = try TemporaryFolder()
        let path = folder.path("demo.sqlite")
        try FileManager.default.copyItem(atPath: template.path, toPath: path)
        let store = try SQLiteDirectoryStore(path: path)
        let service = AccessService(store: store, catalog: try RepoResources.catalog())
        demoAdmin = try service.resolveActor(login: template.administratorLogin)
        let actor = try service.resolveActor(login: template.administratorLogin, asLogin: login, anyoneMayImpersonate: true)
        super.init(folder: folder, databasePath: path, store: store, service: service, actor: actor, width: width, height: height, theme: theme)
    }

    override var administrator: Actor { demoAdmin }
}

/// A tiny directory built through the façade, for exact control: the first administrator
/// `admin` of the organization "Default", plus what the test adds.
@MainActor
final class TinyConsole: ConsoleFixture {
    let admin: Actor
    let organizationID: OrganizationID

    /// `setup` runs against the façade (as `admin`) before the console opens; `actingAs` picks the console's user.
    init(width: Int = 80, height: Int = 24, theme: Theme = .color, actingAs login: String? = nil,
         setup: (AccessService, Actor, OrganizationID) throws -> Void = { _, _, _ in }) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("tiny.sqlite")
        let store = try SQLiteDirectoryStore(path: path)
        let service = AccessService(store: store, catalog: try RepoResources.catalog())
        _ = try service.bootstrapIfEmpty(administratorLogin: "admin", displayName: "Ada Admin")
        admin = try service.resolveActor(login: "admin")
        organizationID = try service.organization(named: "Default", by: admin).id
        try setup(service, admin, organizationID)
        let actor = try login.map { try service.resolveActor(login: "admin", asLogin: $0) } ?? admin
        super.init(folder: folder, databasePath: path, store: store, service: service, actor: actor, width: width, height: height, theme: theme)
    }

    override var administrator: Actor { admin }
}
