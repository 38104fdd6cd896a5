import Foundation
import GatehouseDomain
import GatehouseStore
import TerminalKit
import Testing

/// A generated directory big enough for a capped count: 24,000 accounts, about 10,700 in each
/// organization (`gatehouse dev seed`'s loader, so it takes seconds, not minutes).
@MainActor
final class GeneratedConsole: ConsoleFixture {
    init(users: Int, tokens: Int, width: Int = 80, height: Int = 24) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("generated.sqlite")
        var plan = BulkLoadPlan(administratorLogin: "admin")
        plan.users = users
        plan.tokens = tokens
        plan.teamsPerOrganization = 2
        _ = try BulkLoader.load(path: path, plan: plan, catalog: try RepoResources.catalog())
        let store = try SQLiteDirectoryStore(path: path)
        let service = AccessService(store: store, catalog: try RepoResources.catalog())
        let actor = try service.resolveActor(login: "admin")
        super.init(folder: folder, databasePath: path, store: store, service: service, actor: actor, width: width, height: height, theme: .color)
    }
}

/// Counting every match of a broad filter over a big directory costs a scan, so the console
/// counts such a list up to 10,000 and says "of 10,000+"; End still goes to the true last row.
@MainActor @Suite struct CappedCountTests {
    @Test func aCostlyCountShowsTheCapAndEndFindsTheExactCount() throws {
        let console = try GeneratedConsole(users: 24_000, tokens: 500)
        // All users: counting the table is cheap, so the count stays exact.
        let everyone = try console.userCount()
        #expect(everyone > 10_000)
        #expect(console.titleRow.contains("1 of \(CountText.thousands(everyone))") && !console.titleRow.contains("+"), "\(console.dump)")

        // One organization: members are probed per row, so the count stops at the cap.
        let contoso = try console.organization("Contoso")
        let query = UserQuery(organizationID: contoso.id)
        let members = try console.userCount(query)
        #expect(members > 10_000, "the generated organization is big enough for the cap")
        console.command("org Contoso")
        #expect(console.titleRow.contains("1 of 10,000+"), "\(console.dump)")
        let first = try console.service.users(query, page: .first(1), by: console.administrator).items[0]
        #expect(console.selectedRow?.contains(first.displayName) == true, "\(console.dump)")

        // End: the exact count, and the true last member by name.
        console.send(.character("G"))
        let last = try console.service.users(query, page: PageRequest(.last, limit: 1), by: console.administrator).items[0]
        // The position is written as the count is ("10,234 of 10,234", not "10234 of 10,234").
        #expect(console.titleRow.contains("\(CountText.thousands(members)) of \(CountText.thousands(members))"), "\(console.dump)")
        #expect(!console.titleRow.contains("+"))
        #expect(console.selectedRow?.contains(last.displayName) == true, "\(console.dump)")

        // Back to the top: the exact count is kept.
        console.send(.character("g"))
        #expect(console.titleRow.contains("1 of \(CountText.thousands(members))"), "\(console.dump)")
        #expect(!console.titleRow.contains("+"))
    }

    /// While a filter is typed the title shows the filter, not the counter, so the list is not
    /// counted per keystroke; the count is there as soon as the filter is kept.
    @Test func aTypedFilterIsCountedWhenItIsKept() throws {
        let console = try GeneratedConsole(users: 24_000, tokens: 500)
        console.send(.character("/"))
        console.type("an")
        #expect(console.titleRow.contains("/an"), "\(console.dump)")
        #expect(console.selectedRow != nil, "rows are listed while typing")
        console.send(.enter)
        let matching = try console.service.count(UserQuery(search: TextSearch("an")), cap: ListCount.defaultCap, by: console.administrator)
        #expect(matching.value > 100, "a broad filter, longer than the first page")
        #expect(console.titleRow.contains("1 of \(CountText.thousands(matching.value))\(matching.isExact ? "" : "+")"), "\(console.dump)")
        #expect(console.titleRow.contains("filter \u{201C}an\u{201D}"), "\(console.dump)")

        // A filter that fits in one page is exact even while it is typed, so Esc on an empty
        // field (after Backspace) keeps a true count.
        console.send(.character("/"))
        console.send(.backspace)
        console.send(.backspace)
        console.send(.escape)
        #expect(console.titleRow.contains("1 of \(CountText.thousands(try console.userCount()))"), "\(console.dump)")
    }
}

enum CountText {
    /// 12345 as the console writes it: "12,345".
    static func thousands(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = ","
        formatter.usesGroupingSeparator = true
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }
}
