import Foundation
import GatehouseDomain

/// The opaque continuation token of a paged Azure DevOps answer: the position of the last row sent
/// (a keyset cursor) and the list it belongs to, as base64url JSON. Only a position: the walls are
/// applied to every page by the façade, so a forged token can at most skip rows the caller may see.
struct ContinuationToken: Codable, Equatable {
    /// Which list (and sort) the position belongs to: a token of another list is refused.
    let list: String
    let kind: String
    let text: String?
    let number: Double?
    let integer: Int64?
    let id: String

    static let longest = 2_048

    init(list: String, cursor: PageCursor) {
        self.list = list
        self.id = cursor.id
        switch cursor.key {
        case let .text(value): (kind, text, number, integer) = ("t", value, nil, nil)
        case let .number(value): (kind, text, number, integer) = ("n", nil, value, nil)
        case let .integer(value): (kind, text, number, integer) = ("i", nil, nil, value)
        }
    }

    var encoded: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return SubjectDescriptor.encode(String(decoding: data, as: UTF8.self))
    }

    /// The cursor to continue `list` after, or nil for a token that is not one of this list's.
    static func cursor(_ text: String, list: String) -> PageCursor? {
        guard text.utf8.count <= longest, let json = SubjectDescriptor.decode(Substring(text)),
              let token = try? JSONDecoder().decode(ContinuationToken.self, from: Data(json.utf8)), token.list == list else { return nil }
        switch token.kind {
        case "t": return token.text.map { PageCursor(key: .text($0), id: token.id) }
        case "n": return token.number.flatMap { $0.isFinite ? PageCursor(key: .number($0), id: token.id) : nil }
        case "i": return token.integer.map { PageCursor(key: .integer($0), id: token.id) }
        default: return nil
        }
    }
}
