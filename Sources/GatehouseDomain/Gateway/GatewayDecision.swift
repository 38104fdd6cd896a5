import Foundation

/// What a gateway asks (nginx `auth_request` → `GET /auth/check?org=…&scope=…`): may the presented
/// token's bearer go through to a service of organization `organization` that needs `scopes`?
public struct GatewayRequest: Sendable, Equatable {
    /// The organization's name, as in the service's URL (matched without regard to case).
    public let organization: String
    /// Catalog identifiers (e.g. `vso.code_write`); every one must be granted. Empty: any valid token.
    public let scopes: [String]

    public init(organization: String, scopes: [String]) {
        self.organization = organization
        self.scopes = scopes
    }

    /// What is wrong with the question itself (no organization named, an unknown scope), or nil.
    public func misconfiguration(in catalog: ScopeCatalog) -> String? {
        if organization.trimmingCharacters(in: .whitespaces).isEmpty { return "No organization was named: ask /auth/check?org=NAME." }
        if let unknown = scopes.first(where: { $0 != ScopeCatalog.fullAccessIdentifier && catalog.lookup($0) == nil }) {
            return "Unknown scope \u{201C}\(unknown)\u{201D}: scope identifiers look like vso.code_write (see `gatehouse tokens scopes`)."
        }
        return nil
    }
}

/// The answer, for the HTTP layer to map onto 204 / 401 / 403 / 400. Reasons never carry a secret.
public enum GatewayDecision: Sendable, Equatable {
    /// Let the request through, as `user` (the token's owner) with this token.
    case allow(user: User, token: PersonalAccessToken, organization: Organization)
    /// Who is asking is not established: no credentials, or the token does not authenticate.
    case unauthenticated(GatewayDenial)
    /// The token authenticates, but not for this organization or these scopes.
    case forbidden(GatewayDenial)
    /// The gateway's own question is wrong (no organization named, an unknown scope): fix its configuration.
    case misconfigured(String)

    public var isAllowed: Bool { if case .allow = self { true } else { false } }
}

/// Why a request was not let through: a stable code for scripts and headers, and a sentence.
public struct GatewayDenial: Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// A token that does not authenticate, and why (the verification's code and sentence).
    public init(verification failure: VerificationFailure) {
        self.init(code: failure.code, message: failure.description)
    }

    public static let noCredentials = GatewayDenial(code: "no-credentials", message: "No token was presented: send it as the password of HTTP Basic authentication, or as a Bearer token.")
    public static let malformedHeader = GatewayDenial(code: "malformed-header", message: "The Authorization header is neither Basic (base64 of user:token) nor Bearer.")
}

extension GatewayDecision {
    /// The whole rule, as a pure function: the token must authenticate (active, owner active, in an
    /// organization), the owner must belong to `request.organization` and the token work there (its
    /// one organization, or all accessible ones), and its scopes must grant every scope asked for
    /// (Full access grants all; a higher level in an area grants the lower ones).
    public static func decide(
        _ request: GatewayRequest, verification: Result<VerifiedToken, VerificationFailure>, catalog: ScopeCatalog
    ) -> GatewayDecision {
        if let problem = request.misconfiguration(in: catalog) { return .misconfigured(problem) }
        let name = request.organization.trimmingCharacters(in: .whitespaces)
        let verified: VerifiedToken
        switch verification {
        case let .failure(failure): return .unauthenticated(GatewayDenial(verification: failure))
        case let .success(token): verified = token
        }
        guard let organization = verified.organizations.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
            let message = switch verified.token.target {
            case .organization: "The token was made for another organization, not \(name)."
            case .allAccessibleOrganizations: "The token's owner (\(verified.owner.loginName)) is not a member of \(name)."
            }
            return .forbidden(GatewayDenial(code: "organization", message: message))
        }
        if let missing = verified.scopes.firstMissing(of: request.scopes, in: catalog) {
            let title = catalog.lookup(missing).map { "\($0.area.name): \($0.level.name)" } ?? "Full access"
            return .forbidden(GatewayDenial(code: "scope", message: "The token lacks the scope \(missing) (\(title))."))
        }
        return .allow(user: verified.owner, token: verified.token, organization: organization)
    }
}
