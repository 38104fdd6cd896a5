import Foundation

/// The one audit filter syntax, shared by the console's `/` filter and `gatehouse audit --filter`
/// (whose `--since`/`--until` take the same moments):
///
///     alice-laptop actor:alice action:token.revoke since:7d until:2026-11-30
///
/// - words match the target's name;
/// - `actor:LOGIN` — events by that login (as actor or as the one acting with `--as`);
/// - `action:A` — a code (`token.revoke`), the start of codes (`token`, `group.member`), or the
///   label the lists show, quoted or with dashes (`action:"Token revoked"`, `action:token-revoked`);
///   repeat it for several;
/// - `since:WHEN`, `until:WHEN` — from / before a moment: `YYYY-MM-DD` (that day's start, UTC),
///   `YYYY-MM-DDTHH:MM[:SS]Z`, or an age (`30m`, `12h`, `7d`, `2w`: that long ago).
///
/// Anything else is refused with the accepted forms, never silently ignored.
public enum AuditFilterSyntax {
    /// What the filter accepts, for refusals and help.
    public static let accepted = "words match the target; actor:LOGIN; action:CODE, a code prefix or a label (token.revoke, token, \u{201C}Token revoked\u{201D}); since:/until: YYYY-MM-DD, YYYY-MM-DDTHH:MMZ or an age such as 7d"
    /// The moments `since:`/`until:` (and the CLI's `--since`/`--until`) accept.
    public static let momentForms = "write YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC) or an age such as 7d"
    /// Ages beyond this (100 years) are refused rather than computed.
    static let maximumAgeSeconds: TimeInterval = 36_500 * 86_400

    /// The query the text describes (no organization: the caller adds its scope), or why not.
    public static func parse(_ text: String, now: Date) -> Result<AuditQuery, GatehouseError> {
        var query = AuditQuery()
        var words: [String] = []
        var actions = Set<AuditAction>()
        for term in terms(of: text) {
            guard let colon = term.firstIndex(of: ":"), colon != term.startIndex else {
                words.append(term)
                continue
            }
            let key = term[..<colon].lowercased()
            let value = String(term[term.index(after: colon)...])
            switch key {
            case "actor":
                guard !value.isEmpty else { return .failure(refusal("actor: needs a login, e.g. actor:alice")) }
                query.actorLogin = value
            case "action":
                guard let matching = self.actions(matching: value) else {
                    return .failure(refusal("no action is \u{201C}\(value)\u{201D} (codes such as token.revoke, their start such as token, or a label such as \u{201C}Token revoked\u{201D})"))
                }
                actions.formUnion(matching)
            case "since", "until":
                guard let moment = moment(value, now: now) else {
                    return .failure(refusal("\(key): \u{201C}\(value)\u{201D} is not a moment; \(momentForms)"))
                }
                if key == "since" { query.since = moment } else { query.until = moment }
            default:
                return .failure(refusal("\u{201C}\(key):\u{201D} is not a filter term"))
            }
        }
        if let since = query.since, let until = query.until, since >= until {
            return .failure(refusal("since: is not before until:, so no event could match"))
        }
        query.actions = actions
        if !words.isEmpty { query.target = TextSearch(words.joined(separator: " ")) }
        return .success(query)
    }

    static func refusal(_ problem: String) -> GatehouseError {
        .invalidInput(field: "Audit filter", problem: "\(problem). Accepted: \(accepted).")
    }

    /// Splits on spaces, keeping a double-quoted run together (`action:"Token revoked"`), quotes removed.
    static func terms(of text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle(); continue }
            if character == " " && !quoted {
                if !current.isEmpty { terms.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { terms.append(current) }
        return terms
    }

    /// The actions a code, a code prefix or a label (or its start) names; nil when none.
    public static func actions(matching text: String) -> Set<AuditAction>? {
        let wanted = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !wanted.isEmpty else { return nil }
        let folded = fold(wanted)
        // The first rule that names something wins: the code, the start of codes, the label, the start of a label.
        let rules: [(AuditAction) -> Bool] = [
            { $0.rawValue == wanted }, { $0.rawValue.hasPrefix(wanted) }, { fold($0.title) == folded },
            { folded.count >= 3 && fold($0.title).hasPrefix(folded) },
        ]
        for rule in rules {
            let matching = AuditAction.allCases.filter(rule)
            if !matching.isEmpty { return Set(matching) }
        }
        return nil
    }

    /// Letters and digits only, lower case: "Token revoked", "token-revoked" and "token_revoked" meet.
    static func fold(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// A moment: a day (its start, UTC), a UTC time, or an age before `now`.
    public static func moment(_ text: String, now: Date) -> Date? {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.count == 10, let day = TextFormat.parseDay(value) { return day }
        if let age = age(value) { return now.addingTimeInterval(-age) }
        // YYYY-MM-DDTHH:MM[:SS][Z], or with a space for the T.
        let normalized = value.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
        let halves = normalized.split(separator: " ")
        guard halves.count == 2, halves[0].count == 10, let day = TextFormat.parseDay(String(halves[0])) else { return nil }
        let clock = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let numbers = clock.compactMap { Int($0) }
        let hour = numbers[0], minute = numbers[1], second = numbers.count == 3 ? numbers[2] : 0
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else { return nil }
        return day.addingTimeInterval(TimeInterval(hour * 3_600 + minute * 60 + second))
    }

    /// "30m", "12h", "7d", "2w": seconds, positive and at most 100 years; nil otherwise.
    static func age(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["m": 60, "h": 3_600, "d": 86_400, "w": 7 * 86_400]
        let lowered = text.lowercased()
        guard let unit = lowered.last, let size = units[unit] else { return nil }
        let digits = lowered.dropLast()
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits), count > 0 else { return nil }
        let seconds = TimeInterval(count) * size
        return seconds <= maximumAgeSeconds ? seconds : nil
    }
}
