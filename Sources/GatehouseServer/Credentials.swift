import Foundation
import GatehouseDomain

/// The token a request presents, read as Azure DevOps reads it: `Authorization: Basic
/// base64(anything:PAT)` (any user name, an empty one too) or `Authorization: Bearer PAT`.
/// The token's format and checksum are checked here, before any lookup.
enum PresentedCredential: Equatable {
    case none
    /// The header is there but says nothing usable (another scheme, bad base64, no colon).
    case malformedHeader
    /// A token-shaped string that is not a well-formed Gatehouse token.
    case malformedToken(TokenFormat.Problem)
    case token(TokenSecret)

    /// Headers longer than this are refused unread (a token is 54 characters).
    static let longestHeader = 1_024

    init(authorization: String?) {
        guard let header = authorization?.trimmingCharacters(in: .whitespaces), !header.isEmpty else {
            self = .none
            return
        }
        guard header.utf8.count <= Self.longestHeader,
              let space = header.firstIndex(of: " ") else {
            self = .malformedHeader
            return
        }
        let scheme = header[..<space].lowercased()
        let value = header[space...].trimmingCharacters(in: .whitespaces)
        let candidate: String
        switch scheme {
        case "bearer":
            candidate = value
        case "basic":
            guard let data = Data(base64Encoded: value), let decoded = String(data: data, encoding: .utf8),
                  let colon = decoded.firstIndex(of: ":") else {
                self = .malformedHeader
                return
            }
            candidate = String(decoded[decoded.index(after: colon)...])
        default:
            self = .malformedHeader
            return
        }
        if let problem = TokenFormat.validate(candidate) {
            self = .malformedToken(problem)
        } else {
            self = .token(TokenSecret(presented: candidate))
        }
    }
}
