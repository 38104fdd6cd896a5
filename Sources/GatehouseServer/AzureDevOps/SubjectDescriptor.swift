import Foundation
import GatehouseDomain

/// Azure DevOps' subject descriptors for Gatehouse's accounts and groups: a prefix that says what
/// kind of subject it is, a dot, and the base64url (no padding) of the id, so a descriptor is
/// derived from the id and never stored. The storage key is the id itself.
///
/// | subject | prefix |
/// |---|---|
/// | a person from Microsoft Entra ID or a local account | `aad.` |
/// | a person with a Microsoft Account | `msa.` |
/// | a person from Active Directory | `win.` |
/// | a service account, job agent or third-party app | `svc.` |
/// | a service principal | `aadsp.` |
/// | a security group | `vssgp.` |
///
/// Reading one back, any user prefix names the account with that id (an account whose kind was
/// edited keeps answering to the descriptor a script saved).
enum SubjectDescriptor: Hashable {
    case user(UserID)
    case group(GroupID)

    static let userPrefixes: Set<String> = ["aad", "msa", "win", "svc", "aadsp"]
    static let groupPrefix = "vssgp"
    /// Longer than any descriptor Gatehouse makes: refused unread.
    static let longest = 128

    static func of(_ user: User) -> String {
        let prefix = switch (user.kind, user.identitySource) {
        case (.user, .microsoftAccount): "msa"
        case (.user, .activeDirectory): "win"
        case (.user, _): "aad"
        case (.servicePrincipal, _): "aadsp"
        case (.serviceAccount, _), (.jobAgent, _), (.thirdPartyApp, _): "svc"
        }
        return "\(prefix).\(encode(user.id.description))"
    }

    static func of(_ group: GroupID) -> String { "\(groupPrefix).\(encode(group.description))" }

    /// The subject type `subjectTypes` filters by: the descriptor's prefix.
    static func subjectType(of user: User) -> String { String(of(user).prefix { $0 != "." }) }

    /// nil for anything that is not a descriptor Gatehouse makes (wrong prefix, bad base64, not an id).
    init?(_ text: String) {
        guard text.utf8.count <= Self.longest, let dot = text.firstIndex(of: ".") else { return nil }
        let prefix = text[..<dot].lowercased()
        guard let decoded = Self.decode(text[text.index(after: dot)...]) else { return nil }
        if Self.userPrefixes.contains(prefix), let id = UserID(string: decoded) {
            self = .user(id)
        } else if prefix == Self.groupPrefix, let id = GroupID(string: decoded) {
            self = .group(id)
        } else {
            return nil
        }
    }

    var member: GroupMember {
        switch self {
        case let .user(id): .user(id)
        case let .group(id): .group(id)
        }
    }

    static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> String? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.isEmpty, base64.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") }) else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
