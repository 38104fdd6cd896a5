import Foundation
import GatehouseTestSupport
import Testing
@testable import GatehouseDomain

/// A group's members a page at a time: nested groups first, then users by name, with the users
/// read in the same query; forward, backward and from the end, matching the whole list.
@Suite("Member paging")
struct MemberPagingTests {
    struct Fixture {
        let dir: TestDirectory
        let group: SecurityGroup

        init(users: Int) throws {
            dir = try TestDirectory()
            var members: [GroupMember] = []
            var generator = SplitMix(seed: 7)
            for number in Array(0..<users).shuffled(using: &generator) {
                members.append(.user(try dir.addUser(String(format: "m%03d", number), displayName: String(format: "Member %03d", number)).id))
            }
            members.append(.group(try dir.addGroup("Nested B").id))
            members.append(.group(try dir.addGroup("nested a").id))
            group = try dir.addGroup("Big team", members: members)
        }

        var whole: [String] { get throws { try dir.service.members(of: group.id, by: dir.admin).map(\.name) } }
    }

    @Test(arguments: [1, 3, 7, 50])
    func pagesForwardAndBackMatchTheWholeList(pageSize: Int) throws {
        let fixture = try Fixture(users: 23)
        let whole = try fixture.whole
        #expect(whole.prefix(3) == ["nested a", "Nested B", "Member 000"])
        let service = fixture.dir.service
        let forward = try collectAll(pageSize: pageSize) { try service.memberPage(of: fixture.group.id, page: $0, by: fixture.dir.admin) }
        #expect(forward.map(\.name) == whole)

        // Backward from the end, as End then ↑ reads it.
        var page = try service.memberPage(of: fixture.group.id, page: PageRequest(.last, limit: pageSize), by: fixture.dir.admin)
        var backward = page.items
        while page.hasMoreBefore, let first = page.firstCursor {
            page = try service.memberPage(of: fixture.group.id, page: PageRequest(.before(first), limit: pageSize), by: fixture.dir.admin)
            backward = page.items + backward
        }
        #expect(backward.map(\.name) == whole)
        #expect(try service.memberCount(of: fixture.group.id, by: fixture.dir.admin) == whole.count)
    }

    @Test func aSmallGroupInABigDirectoryPagesTheSameWay() throws {
        // One member in 60 accounts: the store takes the members as a set instead of walking the index.
        let fixture = try Fixture(users: 60)
        let lone = try fixture.dir.addUser("zed", displayName: "Zed Alone")
        let small = try fixture.dir.addGroup("Small", members: [.user(lone.id), .group(fixture.group.id)])
        let pages = try collectAll(pageSize: 1) { try fixture.dir.service.memberPage(of: small.id, page: $0, by: fixture.dir.admin) }
        #expect(pages.map(\.name) == ["Big team", "Zed Alone"])
    }

    @Test func theDefaultImplementationPagesTheSameWay() throws {
        let users = (0..<9).map { User(displayName: "User \($0 % 3)", loginName: "u\($0)", createdAt: Date(timeIntervalSince1970: 0)) }
        let whole = MemoryPaging.page(users, request: .first(100), key: { .text($0.displayName.lowercased()) }, id: { $0.id.uuid.uuidString })
        var collected: [User] = []
        var request = PageRequest.first(2)
        while true {
            let page = MemoryPaging.page(users, request: request, key: { .text($0.displayName.lowercased()) }, id: { $0.id.uuid.uuidString })
            collected += page.items
            guard page.hasMoreAfter, let last = page.lastCursor else { break }
            request = PageRequest(.after(last), limit: 2)
        }
        #expect(collected.map(\.id) == whole.items.map(\.id))
        #expect(Set(collected.map(\.id)).count == 9)
    }
}
