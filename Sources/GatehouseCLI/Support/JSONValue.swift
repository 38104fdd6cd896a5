import Foundation

/// A JSON document built by hand, so every shape the CLI prints is explicit: keys are always
/// present (absent values are `null`, never a missing key), sorted, and dates are ISO-8601 UTC.
/// The shapes are documented on the `JSONShapes` functions that build them.
public enum JSONValue: Equatable, Sendable, Encodable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .string(text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case let .int(number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case let .bool(flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case let .array(items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case let .object(members):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in members { try container.encode(value, forKey: Key(key)) }
        }
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Pretty (`--json`) or one line (JSON lines, `audit export`), keys sorted either way.
    public func encoded(pretty: Bool = true) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    static func date(_ date: Date?) -> JSONValue {
        date.map { .string(ISODate.string($0)) } ?? .null
    }

    /// A string, or `null` when there is none.
    static func text(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }
}

/// ISO-8601 in UTC to the second ("2026-03-02T12:00:00Z"): what `jq`, `date -d` and every log tool read.
enum ISODate {
    static func string(_ date: Date) -> String {
        let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// Parses "2026-03-02", "2026-03-02T12:00:00Z" or "2026-03-02 12:00" (UTC).
    static func parse(_ text: String) -> Date? {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.count == 10 { return parseDay(value) }
        let normalized = value.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
        let halves = normalized.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count == 2, let day = parseDay(String(halves[0])) else { return nil }
        let clock = halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(clock.count), clock.allSatisfy({ $0 != nil }) else { return nil }
        let hour = clock[0] ?? 0, minute = clock[1] ?? 0, second = clock.count == 3 ? clock[2] ?? 0 : 0
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else { return nil }
        return day.addingTimeInterval(TimeInterval(hour * 3_600 + minute * 60 + second))
    }

    private static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: utcCalendar) else { return nil }
        return utcCalendar.date(from: components)
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()
}
