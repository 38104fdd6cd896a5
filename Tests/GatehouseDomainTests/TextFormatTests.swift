import Foundation
import Testing
@testable import GatehouseDomain

/// Dates as the console and the CLI print them: UTC, `YYYY-MM-DD` and `YYYY-MM-DD HH:MM UTC`,
/// computed without Foundation's `Calendar` (checked against it here).
@Suite("Text formats")
struct TextFormatTests {
    private static func instant(_ text: String) -> Date {
        // 2026-11-29T14:06:59Z style, parsed by Foundation for the test only.
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test(arguments: [
        ("2026-11-29T14:06:59Z", "2026-11-29", "2026-11-29 14:06 UTC"),
        ("1970-01-01T00:00:00Z", "1970-01-01", "1970-01-01 00:00 UTC"),
        ("2024-02-29T23:59:59Z", "2024-02-29", "2024-02-29 23:59 UTC"),
        ("2000-03-01T00:00:00Z", "2000-03-01", "2000-03-01 00:00 UTC"),
        ("1969-12-31T23:59:00Z", "1969-12-31", "1969-12-31 23:59 UTC"),
        ("2099-12-31T09:05:00Z", "2099-12-31", "2099-12-31 09:05 UTC"),
    ])
    func dateAndDateTimeReadAsUTC(iso: String, day: String, dateTime: String) {
        let date = Self.instant(iso)
        #expect(TextFormat.date(date) == day)
        #expect(TextFormat.dateTime(date) == dateTime)
    }

    @Test func fractionsOfASecondBeforeMidnightStayOnThatDay() {
        let justBefore = Date(timeIntervalSince1970: 86_400 - 0.25)
        #expect(TextFormat.dateTime(justBefore) == "1970-01-01 23:59 UTC")
        let justBeforeEpoch = Date(timeIntervalSince1970: -0.5)
        #expect(TextFormat.dateTime(justBeforeEpoch) == "1969-12-31 23:59 UTC")
    }

    @Test func agreesWithFoundationsGregorianCalendarOverTwoCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Every 7 days and 1 hour and 7 minutes from 1901 to 2101: every weekday, hour and month.
        var seconds = -2_177_452_800.0
        while seconds < 4_133_980_800 {
            let date = Date(timeIntervalSince1970: seconds)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let t = UTCTime(date)
            #expect([t.year, t.month, t.day, t.hour, t.minute, t.second] == [c.year, c.month, c.day, c.hour, c.minute, c.second],
                    "at \(seconds)")
            if t.year != c.year || t.day != c.day { break }
            seconds += 7 * 86_400 + 3_600 + 7 * 60 + 13
        }
    }

    @Test func parseDayGivesTheStartOfThatDayInUTC() {
        #expect(TextFormat.parseDay("2026-11-29") == Self.instant("2026-11-29T00:00:00Z"))
        #expect(TextFormat.parseDay(" 2024-02-29 ") == Self.instant("2024-02-29T00:00:00Z"))
        #expect(TextFormat.parseDay("1970-01-01") == Date(timeIntervalSince1970: 0))
        #expect(TextFormat.parseDay("2026-11-29").map(TextFormat.date) == "2026-11-29")
    }

    @Test(arguments: ["2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01", "26-01-01", "2026-01-01T00",
                      "", "2026/01/01", "２０２６-01-01", "+026-01-01", "0000-01-01"])
    func parseDayRefusesWhatIsNotARealDay(text: String) {
        #expect(TextFormat.parseDay(text) == nil)
    }
}
