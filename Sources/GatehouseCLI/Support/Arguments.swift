import ArgumentParser
import Foundation
import GatehouseDomain

// Values typed on the command line, parsed by their stable keyword or their title
// ("job-agent" or "Job agent"); the keywords are offered to shell completion.

extension AccountKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) else { return nil }
        self = value
    }
}

extension IdentitySource: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) ?? Self.parse(argument, titles: \.shortTitle) else { return nil }
        self = value
    }
}

extension AccessLevel: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) else { return nil }
        self = value
    }
}

extension AccountStatus: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) else { return nil }
        self = value
    }
}

extension TokenStatus: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) else { return nil }
        self = value
    }
}

extension Permission: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) else { return nil }
        self = value
    }
}

extension PermissionSetting: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) ?? (argument.lowercased() == "notset" ? .notSet : nil) else { return nil }
        self = value
    }
}

extension PolicyKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) else { return nil }
        self = value
    }
}

extension AuditAction: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self.parse(argument, titles: \.title) else { return nil }
        self = value
    }
}

/// A span of time typed as a number and a unit: "90d", "12h", "30m", "2w".
struct TimeSpan: Hashable, Sendable, CustomStringConvertible {
    let seconds: TimeInterval
    let text: String

    static let units: [Character: TimeInterval] = ["m": 60, "h": 3_600, "d": 86_400, "w": 7 * 86_400]

    /// For `@Option(transform:)`: a clear message instead of "invalid value".
    static func parse(_ argument: String) throws -> TimeSpan {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = text.last, let size = units[unit], let count = Int(text.dropLast()), count > 0 else {
            throw ValidationError("\u{201C}\(argument)\u{201D} is not a duration; write a positive number and a unit: 30m, 12h, 7d or 2w.")
        }
        return TimeSpan(seconds: TimeInterval(count) * size, text: text)
    }

    var description: String { text }
}

/// A moment typed as a date ("2026-03-01"), a UTC time ("2026-03-01T08:00:00Z") or an age ("7d": that long ago).
enum MomentArgument {
    static func parse(_ argument: String, now: Date) throws(GatehouseError) -> Date {
        if let date = ISODate.parse(argument) { return date }
        if let span = try? TimeSpan.parse(argument) { return now.addingTimeInterval(-span.seconds) }
        throw .invalidInput(field: "Date", problem: "\u{201C}\(argument)\u{201D} is not a date; write YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC) or an age such as 7d.")
    }
}

/// `--expires 30d|YYYY-MM-DD`.
enum ExpirationArgument {
    static func parse(_ argument: String) throws -> TokenExpiration {
        guard let expiration = TokenExpiration.parse(argument) else {
            throw ValidationError("\u{201C}\(argument)\u{201D} is not an expiration; write a number of days (30d) or a date (YYYY-MM-DD, valid through that day, UTC).")
        }
        return expiration
    }
}
