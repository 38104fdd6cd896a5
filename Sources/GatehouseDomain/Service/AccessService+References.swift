import Foundation

extension AccessService {
    /// The shortest id prefix a front end accepts: shorter ones match too much to be typed safely.
    public static let minimumTokenIDPrefixLength = 4

    /// A token by what a person or script types for it: its full id (UUID), or the first hex digits
    /// of the id when they match exactly one token the actor may see (as `git` resolves commit prefixes).
    public func token(reference rawReference: String, by actor: Actor) throws(GatehouseError) -> PersonalAccessToken {
        let reference = rawReference.trimmingCharacters(in: .whitespaces)
        if let id = TokenID(string: reference) {
            return try token(id, by: actor)
        }
        let digits = reference.lowercased().filter { $0 != "-" }
        guard digits.count >= Self.minimumTokenIDPrefixLength, digits.count <= 32, digits.allSatisfy(\.isHexDigit) else {
            // Anywhere in the text ("Bearer gpat_…", a quoted token): the message must not echo a secret.
            if reference.contains(TokenFormat.prefix) {
                throw .invalidInput(field: "Token", problem: "that looks like a token secret, not a token id. Never pass a secret as an argument (it lands in shell history); list ids with `gatehouse tokens list`.")
            }
            throw .invalidInput(field: "Token", problem: "\u{201C}\(reference)\u{201D} is not a token id; give the id (a UUID) or at least its first \(Self.minimumTokenIDPrefixLength) hex digits, as `gatehouse tokens list` shows them.")
        }
        var query = TokenQuery()
        query.idPrefix = digits
        let matches = try read { reader in
            try reader.tokens(visibleQuery(query, try authorize(actor, reader)), now: clock.now, page: .first(2)).items
        }
        switch matches.count {
        case 0: throw .notFound(kind: .token, reference: reference)
        case 1: return matches[0]
        default:
            throw .invalidInput(field: "Token", problem: "\u{201C}\(reference)\u{201D} is the start of several token ids; type more of the id.")
        }
    }
}
