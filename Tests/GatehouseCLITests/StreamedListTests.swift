import Foundation
import Testing
@testable import GatehouseCLI
import GatehouseDomain

/// Lists longer than a page (500) are printed page by page. What a script would notice if that
/// broke: a missing or repeated row at a page boundary, a second header, or JSON that is not the
/// one array it always was.
@Suite struct StreamedListTests {
    static let extra = 1_203

    static func fixture() throws -> CLIFixture {
        let fixture = try CLIFixture()
        for index in 0..<extra {
            _ = try fixture.service.createUser(
                UserDraft(displayName: String(format: "Zz Generated %04d", index), loginName: String(format: "gen%04d", index)),
                in: [fixture.organization.id], by: fixture.admin)
        }
        return fixture
    }

    @Test func aLongTableHasOneHeaderEveryRowOnceAndTheFirstPagesColumns() throws {
        let fixture = try Self.fixture()
        let output = fixture.run(["users", "list"])
        #expect(output.status == 0)
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.filter { $0.hasPrefix("LOGIN ") }.count == 1)
        let total = try fixture.service.count(UserQuery(), by: fixture.admin)
        #expect(lines.count == total + 1)
        let logins = lines.dropFirst().map { String($0.prefix { $0 != " " }) }
        #expect(Set(logins).count == total, "no row twice")
        #expect(logins.suffix(Self.extra) == (0..<Self.extra).map { String(format: "gen%04d", $0) }, "in name order across pages")
        // Rows of later pages line up with the header.
        let nameColumn = try #require(lines[0].range(of: "NAME")).lowerBound.utf16Offset(in: lines[0])
        #expect(lines.last.map { $0.dropFirst(nameColumn).hasPrefix("Zz Generated 1202") } == true)
    }

    @Test func longJSONIsTheSameArrayAsBefore() throws {
        let fixture = try Self.fixture()
        let output = fixture.run(["users", "list", "--json"])
        #expect(output.status == 0)
        var all: [User] = []
        var request = PageRequest.first(1_000)
        while true {
            let page = try fixture.service.users(UserQuery(), page: request, by: fixture.admin)
            all += page.items
            guard page.hasMoreAfter, let last = page.lastCursor else { break }
            request = PageRequest(.after(last), limit: 1_000)
        }
        #expect(output.stdout == JSONValue.array(all.map(JSONShapes.user)).encoded() + "\n")
        #expect(fixture.run(["users", "list", "--json", "--search", "nobody-at-all"]).stdout == JSONValue.array([]).encoded() + "\n")
    }

    @Test func aLimitAcrossPagesStopsExactly() throws {
        let fixture = try Self.fixture()
        let json = try fixture.run(["users", "list", "--json", "--limit", "777"]).jsonArray()
        #expect(json.count == 777)
        let human = fixture.run(["users", "list", "--limit", "501"])
        #expect(human.stdout.split(separator: "\n").count == 502)
    }
}
