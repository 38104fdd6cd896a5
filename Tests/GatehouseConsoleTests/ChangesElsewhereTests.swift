import Foundation
import GatehouseDomain
import GatehouseStore
import Synchronization
import Testing
@testable import GatehouseConsole

/// A console on one host shows what another host changed in a shared directory, without a
/// restart, once the store's change feed (PostgreSQL's LISTEN/NOTIFY) reports it.
@MainActor @Suite struct ChangesElsewhereTests {
    /// SQLite with a hand-driven change feed: `publish` is the notification another host's commit sends.
    final class FeedStore: DirectoryStore, DirectoryChangeFeed, @unchecked Sendable {
        let base: SQLiteDirectoryStore
        private let handlers = Mutex<[UUID: @Sendable (DirectoryChange) -> Void]>([:])
        init(_ base: SQLiteDirectoryStore) { self.base = base }
        func read<T>(_ body: (any DirectoryReader) throws -> T) throws -> T { try base.read(body) }
        func write<T>(_ body: (any DirectoryWriter) throws -> T) throws -> T { try base.write(body) }
        func subscribe(_ handler: @escaping @Sendable (DirectoryChange) -> Void) -> UUID? {
            let id = UUID()
            handlers.withLock { $0[id] = handler }
            return id
        }
        func unsubscribe(_ id: UUID) { _ = handlers.withLock { $0.removeValue(forKey: id) } }
        func publish(_ change: DirectoryChange) { for handler in handlers.withLock({ Array($0.values) }) { handler(change) } }
        var subscribers: Int { handlers.withLock { $0.count } }
    }

    @Test func aUserAddedOnAnotherHostAppearsAfterTheNotification() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("shared.sqlite")
        let feed = FeedStore(try SQLiteDirectoryStore(path: path))
        let service = AccessService(store: feed, catalog: try RepoResources.catalog())
        _ = try service.bootstrapIfEmpty(administratorLogin: "admin", displayName: "Ada Admin")
        let admin = try service.resolveActor(login: "admin")
        var driver: ConsoleDriver? = ConsoleDriver(service: service, actor: admin)
        #expect(feed.subscribers == 1, "the console listens")

        // Host B: its own store on the same directory.
        let otherHost = AccessService(store: try SQLiteDirectoryStore(path: path), catalog: try RepoResources.catalog())
        let otherAdmin = try otherHost.resolveActor(login: "admin")
        let organization = try otherHost.organization(named: "Default", by: otherAdmin)
        let added = try otherHost.createUser(UserDraft(displayName: "Aaron Elsewhere", loginName: "aelsewhere"), in: [organization.id], by: otherAdmin)

        driver?.tick()
        #expect(driver?.screen.contains("aelsewhere") == false, "no notification yet: the list is as it was read")
        feed.publish(.changed(added.id.uuid))
        driver?.tick()
        #expect(driver?.screen.contains("aelsewhere") == true)

        driver = nil
        #expect(feed.subscribers == 0, "a closed console stops listening")
    }

    @Test func aBusyDirectoryReloadsAtMostOncePerInterval() throws {
        let folder = try TemporaryFolder()
        let feed = FeedStore(try SQLiteDirectoryStore(path: folder.path("busy.sqlite")))
        let changes = ChangesElsewhere(store: feed, interval: .seconds(1))
        let start = ContinuousClock.now
        #expect(!changes.take(now: start), "nothing changed")
        feed.publish(.unknown)
        #expect(changes.take(now: start))
        feed.publish(.changed(UUID()))
        #expect(!changes.take(now: start + .milliseconds(500)), "within the interval: waits")
        #expect(changes.take(now: start + .milliseconds(1_001)), "then reloads once")
        #expect(!changes.take(now: start + .seconds(5)), "and not again without a change")
        // A store without a feed (SQLite on one host) never asks for a reload.
        #expect(!ChangesElsewhere(store: feed.base).take(now: start))
    }
}
