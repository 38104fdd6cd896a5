import CivilCalendar
import Foundation

/// Date and duration wording shared by messages, the console and the CLI. Always UTC, ISO-like,
/// so an admin in another time zone reads the same instant as the audit log.
public enum TextFormat {
    /// `2026-11-29`: the UTC day of `date`.
    public static func date(_ date: Date) -> String {
        let t = UTCTime(date)
        return "\(t.year.padded(4))-\(t.month.padded(2))-\(t.day.padded(2))"
    }

    /// `2026-11-29 14:06 UTC`.
    public static func dateTime(_ date: Date) -> String {
        let t = UTCTime(date)
        return "\(t.year.padded(4))-\(t.month.padded(2))-\(t.day.padded(2)) \(t.hour.padded(2)):\(t.minute.padded(2)) UTC"
    }

    /// "in 5 days", "expired 3 days ago"-style relative wording; `past` supplies the verb.
    public static func relative(_ date: Date, from now: Date) -> String {
        let seconds = date.timeIntervalSince(now)
        guard !seconds.isNaN else { return "at an unknown time" }
        let magnitude = min(abs(seconds), 1e15)  // beyond, "31,709,791 years": never an Int overflow
        let amount: String
        switch magnitude {
        case ..<60: return seconds >= 0 ? "in under a minute" : "just now"
        case ..<3_600: amount = plural(Int(magnitude / 60), "minute")
        case ..<86_400: amount = plural(Int(magnitude / 3_600), "hour")
        case ..<(86_400 * 60): amount = plural(Int(magnitude / 86_400), "day")
        case ..<(86_400 * 730): amount = plural(Int(magnitude / (86_400 * 30)), "month")
        default: amount = plural(Int(magnitude / (86_400 * 365)), "year")
        }
        return seconds >= 0 ? "in \(amount)" : "\(amount) ago"
    }

    /// 0001-01-01 00:00:00 to 9999-12-31 23:59:59 UTC: the instants dates are written for.
    public static let representableDates = Date(timeIntervalSince1970: -62_135_596_800)...Date(timeIntervalSince1970: 253_402_300_799)

    /// Whole days from `start` to `end`, rounded up; saturates instead of trapping on any span
    /// (infinite, NaN, or beyond `Int`).
    public static func daysRoundedUp(from start: Date, to end: Date) -> Int {
        let days = (end.timeIntervalSince(start) / 86_400).rounded(.up)
        guard !days.isNaN else { return 0 }
        if days >= 1e15 { return 1_000_000_000_000_000 }
        if days <= -1e15 { return -1_000_000_000_000_000 }
        return Int(days)
    }

    public static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// Parses YYYY-MM-DD to the start of that day in UTC; nil for anything that is not a real date.
    public static func parseDay(_ text: String) -> Date? {
        guard let day = CalendarDate(parsing: text.trimmingCharacters(in: .whitespaces)) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch) * 86_400)
    }
}

/// The UTC calendar fields of an instant (proleptic Gregorian), by integer arithmetic: no
/// `Calendar`, `TimeZone` or `String(format:)`, whose first use maps several MiB of Foundation
/// and ICU into the console (peak RSS).
public struct UTCTime: Hashable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    public let second: Int

    /// The fields of `date`, rounded down to the second. A date outside the years 1…9999 (or not
    /// a number at all) reads as the nearest end of that range: formatting never traps.
    public init(_ date: Date) {
        let raw = date.timeIntervalSince1970
        let range = TextFormat.representableDates
        let clamped = raw.isNaN ? 0 : min(max(raw, range.lowerBound.timeIntervalSince1970), range.upperBound.timeIntervalSince1970)
        let seconds = Int(clamped.rounded(.down))
        let (days, secondOfDay) = Self.floorDivide(seconds, 86_400)
        (year, month, day) = CivilDays.civil(fromDays: days)
        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> (Int, Int) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}

extension Int {
    /// Decimal, left-padded with zeros to `width` digits (`7.padded(2)` is "07").
    func padded(_ width: Int) -> String {
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
