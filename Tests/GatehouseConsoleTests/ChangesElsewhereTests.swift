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

    /// A directory file with a hand-driven feed, its administrator, and a second host on the same file.
    struct Hosts {
        let folder: TemporaryFolder
        let feed: FeedStore
        let service: AccessService
        let admin: Actor
        let other: AccessService
        let otherAdmin: Actor
        let organization: Organization

        init() throws {
            folder = try TemporaryFolder()
            let path = folder.path("shared.sqlite")
            feed = FeedStore(try SQLiteDirectoryStore(path: path))
            service = AccessService(store: feed, catalog: try RepoResources.catalog())
            _ = try service.bootstrapIfEmpty(administratorLogin: "admin", displayName: "Ada Admin")
            admin = try service.resolveActor(login: "admin")
            other = AccessService(store: try SQLiteDirectoryStore(path: path), catalog: try RepoResources.catalog())
            otherAdmin = try other.resolveActor(login: "admin")
            organization = try other.organization(named: "Default", by: otherAdmin)
        }
    }

    @Test func aUserAddedOnAnotherHostAppearsAfterTheNotification() throws {
        let hosts = try Hosts()
        let (feed, service, admin) = (hosts.feed, hosts.service, hosts.admin)
        var driver: ConsoleDriver? = ConsoleDriver(service: service, actor: admin)
        #expect(feed.subscribers == 1, "the console listens")

        // Host B: its own store on the same directory.
        let added = try hosts.other.createUser(UserDraft(displayName: "Aaron Elsewhere", loginName: "aelsewhere"), in: [hosts.organization.id], by: hosts.otherAdmin)

        driver?.tick()
        #expect(driver?.screen.contains("aelsewhere") == false, "no notification yet: the list is as it was read")
        feed.publish(.account(added.id.uuid))
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
        #expect(changes.take(now: start) == nil, "nothing changed")
        feed.publish(.unknown)
        #expect(changes.take(now: start)?.panes == Set(Pane.allCases))
        feed.publish(.token(UUID()))
        feed.publish(.policy(UUID()))
        #expect(changes.take(now: start + .milliseconds(500)) == nil, "within the interval: waits")
        let gathered = changes.take(now: start + .milliseconds(1_001))
        #expect(gathered?.panes == [.tokens, .users, .policies, .audit], "then reloads once, for both changes")
        #expect(gathered?.permissions == false && gathered?.organizations == false, "a token or a policy moves no permission")
        #expect(changes.take(now: start + .seconds(5)) == nil, "and not again without a change")
        feed.publish(.permissions(UUID()))
        #expect(changes.take(now: start + .seconds(6))?.permissions == true, "a permission change asks the console's decisions again")
        // A store without a feed (SQLite on one host) never asks for a reload.
        #expect(ChangesElsewhere(store: feed.base).take(now: start) == nil)
    }

    @Test func aChangeReloadsOnlyThePanesItConcerns() throws {
        let hosts = try Hosts()
        let now = Mutex(ContinuousClock.now)
        let driver = ConsoleDriver(service: hosts.service, actor: hosts.admin, instant: { now.withLock { $0 } })
        driver.send(.character("2"))
        #expect(driver.screen.contains("Contributors"), "the Groups pane is on screen")

        let group = try hosts.other.createGroup(named: "Night Shift", in: hosts.organization.id, by: hosts.otherAdmin)
        let feed = hosts.feed
        feed.publish(.policy(hosts.organization.id.uuid))
        driver.tick()
        #expect(!driver.screen.contains("Night Shift"), "a policy change does not reload the Groups pane")
        now.withLock { $0 += .milliseconds(1_100) }
        feed.publish(.group(group.id.uuid))
        driver.tick()
        #expect(driver.screen.contains("Night Shift"), "a group change does")
    }
}
