import Foundation
import Testing
@testable import GatehouseDomain

/// The domain never traps on a value a caller can pass (the CLI range-checks, but the HTTP API
/// passes values straight through): every extreme is an `invalidInput` naming the range.
@Suite("Extreme values reach the domain")
struct ExtremeValueTests {
    /// An extreme value with a name: Swift Testing describes arguments, and Foundation's
    /// `Date.description` itself traps on NaN and infinities.
    struct Extreme: CustomTestStringConvertible, Sendable {
        let name: String
        let days: Int?
        let seconds: Double?
        var testDescription: String { name }
        var expiration: TokenExpiration { days.map(TokenExpiration.days) ?? .endOfDay(date) }
        var date: Date { Date(timeIntervalSince1970: seconds ?? 0) }
    }

    static let expirations: [Extreme] = [
        Extreme(name: "Int.max days", days: .max, seconds: nil), Extreme(name: "Int.min days", days: .min, seconds: nil),
        Extreme(name: "0 days", days: 0, seconds: nil), Extreme(name: "-1 day", days: -1, seconds: nil),
        Extreme(name: "366 days", days: 366, seconds: nil), Extreme(name: "2^53 days", days: 1 << 53, seconds: nil),
        Extreme(name: "distant future", days: nil, seconds: Date.distantFuture.timeIntervalSince1970),
        Extreme(name: "distant past", days: nil, seconds: Date.distantPast.timeIntervalSince1970),
        Extreme(name: "+infinity", days: nil, seconds: .infinity), Extreme(name: "-infinity", days: nil, seconds: -.infinity),
        Extreme(name: "NaN", days: nil, seconds: .nan), Extreme(name: "1e300 s", days: nil, seconds: 1e300), Extreme(name: "-1e300 s", days: nil, seconds: -1e300),
    ]

    @Test("creating, editing and checking a token with an extreme expiration is refused, not a trap", arguments: expirations)
    func extremeExpiration(_ extreme: Extreme) throws {
        let dir = try TestDirectory()
        let before = try dir.snapshot()
        let request = TokenRequest(displayName: "extreme", target: .organization(dir.orgID), scopes: .custom(["vso.code"]), expiration: extreme.expiration)
        #expect(expectError { try dir.service.createToken(request, by: dir.admin) }?.invalidField == "Expiration")
        // The review step's preview: refused, or judged (a far date fails the lifespan policy), never a trap.
        if let checks = try? dir.service.policyChecks(for: request, by: dir.admin) { #expect(!checks.isEmpty) }
        #expect(try dir.snapshot() == before)
        let existing = try dir.createToken("existing")
        let edit = expectError {
            try dir.service.updateToken(existing.token.id, TokenChanges(expiration: extreme.expiration), expectedVersion: existing.token.version, by: dir.admin)
        }
        #expect(edit?.invalidField == "Expiration")
    }

    @Test("dates and spans of any size are written without a trap", arguments: expirations.filter { $0.seconds != nil })
    func formatting(_ extreme: Extreme) {
        let now = TestDirectory.start
        let date = extreme.date
        #expect(TextFormat.date(date).count >= 10)
        #expect(!TextFormat.dateTime(date).isEmpty)
        #expect(!TextFormat.relative(date, from: now).isEmpty)
        _ = TextFormat.daysRoundedUp(from: now, to: date)
        _ = TokenProposal(target: .allAccessibleOrganizations, scopes: .fullAccess, validFrom: now, validTo: date).lifespanDays
    }

    @Test func anExpiredTokenIsNotBroughtBackByANewDate() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("short", days: 1)
        dir.clock.advance(by: 2 * 86_400)
        let before = try dir.snapshot()
        let error = expectError {
            try dir.service.updateToken(issued.token.id, TokenChanges(expiration: .days(30)), expectedVersion: issued.token.version, by: dir.admin)
        }
        #expect(error?.description.contains("an expired token stays expired") == true)
        #expect(try dir.snapshot() == before)
    }
}
