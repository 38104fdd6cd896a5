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
        let magnitude = abs(seconds)
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

    public static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// Parses YYYY-MM-DD to the start of that day in UTC; nil for anything that is not a real date.
    public static func parseDay(_ text: String) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              let days = UTCTime.daysSinceEpoch(year: year, month: month, day: day) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
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

    /// The fields of `date`, rounded down to the second.
    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = Self.floorDivide(seconds, 86_400)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60
    }

    /// Days from 1970-01-01 to a day (Howard Hinnant's days_from_civil); nil when the day does
    /// not exist (2025-02-29) or the year is outside 1...9999.
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
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
