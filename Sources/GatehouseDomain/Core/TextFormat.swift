import Foundation

/// Date and duration wording shared by messages, the console and the CLI. Always UTC, ISO-like,
/// so an admin in another time zone reads the same instant as the audit log.
public enum TextFormat {
    public static func date(_ date: Date) -> String {
        let c = utcCalendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    public static func dateTime(_ date: Date) -> String {
        let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
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

    public static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    /// Parses YYYY-MM-DD to the start of that day in UTC; nil for anything that is not a real date.
    public static func parseDay(_ text: String) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: utcCalendar), let start = utcCalendar.date(from: components) else { return nil }
        return start
    }
}
