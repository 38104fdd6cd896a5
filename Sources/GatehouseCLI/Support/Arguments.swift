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

/// A span of time typed as a number and a unit: "90d", "12h", "30m", "2w"; at most 100 years.
struct TimeSpan: Hashable, Sendable, CustomStringConvertible {
    let seconds: TimeInterval
    let text: String

    static let units: [Character: TimeInterval] = ["m": 60, "h": 3_600, "d": 86_400, "w": 7 * 86_400]
    /// 36,500 days: longer than anything a token, an audit log or a notice is about.
    static let maximumSeconds: TimeInterval = 36_500 * 86_400

    /// For `@Option(transform:)`: a clear message instead of "invalid value".
    static func parse(_ argument: String) throws -> TimeSpan {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let form = "write a positive whole number and a unit: 30m, 12h, 7d or 2w (at most 36500d)."
        guard let unit = text.last, let size = units[unit] else {
            throw ValidationError("\u{201C}\(argument)\u{201D} is not a duration; \(form)")
        }
        let digits = text.dropLast()
        guard let sign = digits.first, sign == "-" || sign == "+" || sign.isASCII && sign.isNumber,
              digits.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }), digits.contains(where: \.isNumber) else {
            throw ValidationError("\u{201C}\(argument)\u{201D} is not a duration; \(form)")
        }
        guard let count = Int(digits), count <= Int(maximumSeconds / size) else {
            if sign == "-" { throw ValidationError("\u{201C}\(argument)\u{201D} is negative; \(form)") }
            throw ValidationError("\u{201C}\(argument)\u{201D} is too long; \(form)")
        }
        guard count > 0 else {
            throw ValidationError("\u{201C}\(argument)\u{201D} is \(count < 0 ? "negative" : "zero"); \(form)")
        }
        return TimeSpan(seconds: TimeInterval(count) * size, text: text)
    }

    var description: String { text }
}

/// A count typed on the command line (`--limit`), range-checked so nothing downstream sees a
/// negative or absurd number. The message names the allowed range.
enum CountArgument {
    static let maximumLimit = 1_000_000

    static func parse(_ argument: String, range: ClosedRange<Int>, meaning: String = "") throws -> Int {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let allowed = "write a whole number from \(range.lowerBound) to \(range.upperBound)\(meaning)."
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }), let value = Int(text) else {
            let isNumber = !text.isEmpty && text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber } && (text.first.map { $0 == "-" || $0 == "+" || $0.isNumber } ?? false)
            throw ValidationError("\u{201C}\(argument)\u{201D} is \(isNumber ? "out of range" : "not a whole number"); \(allowed)")
        }
        guard range.contains(value) else {
            throw ValidationError("\(value) is out of range; \(allowed)")
        }
        return value
    }

    /// A whole number that the domain range-checks (`--max-days`): any `Int`, beyond it the nearest end.
    static func unbounded(_ argument: String) throws -> Int {
        let text = argument.trimmingCharacters(in: .whitespaces)
        guard let sign = text.first, sign == "-" || sign == "+" || (sign.isASCII && sign.isNumber),
              text.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }), text.contains(where: \.isNumber) else {
            throw ValidationError("\u{201C}\(argument)\u{201D} is not a whole number; write one, e.g. 90.")
        }
        return Int(text) ?? (sign == "-" ? Int.min : Int.max)
    }

    /// `--limit N` of the lists: 1 to a million.
    static func limit(_ argument: String) throws -> Int { try parse(argument, range: 1...maximumLimit) }
}

/// A moment typed as a date ("2026-03-01"), a UTC time ("2026-03-01T08:00:00Z") or an age ("7d": that long ago).
enum MomentArgument {
    /// The audit filter's moments (`AuditFilterSyntax.moment`): one syntax in the console and here.
    static func parse(_ argument: String, now: Date) throws(GatehouseError) -> Date {
        if let date = AuditFilterSyntax.moment(argument, now: now) { return date }
        throw .invalidInput(field: "Date", problem: "\u{201C}\(argument)\u{201D} is not a date; \(AuditFilterSyntax.momentForms).")
    }
}

/// `--expires 30d|YYYY-MM-DD`: a number of days or a day (the domain says whether it is in the
/// past or too far).
enum ExpirationArgument {
    static func parse(_ argument: String) throws -> TokenExpiration {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = text.hasSuffix("d") ? text.dropLast() : Substring(text)
        // A whole number of days, however large or negative: the domain says what is allowed
        // (1d to 365d), with exit status 3 like every other refused value.
        if let sign = digits.first, sign == "-" || sign == "+" || sign.isNumber, digits.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }), digits.contains(where: \.isNumber) {
            return .days(Int(digits) ?? (sign == "-" ? Int.min : Int.max))
        }
        guard let expiration = TokenExpiration.parse(argument) else {
            throw ValidationError("\u{201C}\(argument)\u{201D} is not an expiration; write a number of days (30d) or a date (YYYY-MM-DD, valid through that day, UTC).")
        }
        return expiration
    }
}
