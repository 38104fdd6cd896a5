import Foundation
import GatehouseDomain
import Hummingbird

/// `/_apis/connectionData` (who a token authenticates, in Azure DevOps' shape) and
/// `/oauth/introspect` (RFC 7662).
extension GatehouseHTTP {
    struct Identity: Encodable {
        struct Property: Encodable {
            let type = "System.String"
            let value: String
            enum CodingKeys: String, CodingKey { case type = "$type", value = "$value" }
        }

        let id: String
        let descriptor: String
        let subjectDescriptor: String
        let providerDisplayName: String
        let isActive: Bool
        let properties: [String: Property]
        let resourceVersion = 2
        let metaTypeId = 0

        init(_ user: User) {
            id = user.id.description
            // The same descriptor Graph gives the account (see SubjectDescriptor).
            descriptor = SubjectDescriptor.of(user)
            subjectDescriptor = descriptor
            providerDisplayName = user.displayName
            isActive = user.isActive
            properties = ["Account": Property(value: user.loginName), "Mail": Property(value: user.email)]
        }
    }

    struct ConnectionData: Encodable {
        struct LocationServiceData: Encodable {
            let serviceOwner = "00025394-6065-48ca-87d9-7f5672854ef7"
            let defaultAccessMappingMoniker = "PublicAccessMapping"
            let lastChangeId = 1
            let lastChangeId64 = 1
        }

        let authenticatedUser: Identity
        let authorizedUser: Identity
        let instanceId: String
        let deploymentId: String
        let deploymentType = "onPremises"
        let locationServiceData = LocationServiceData()
    }

    /// `GET /_apis/connectionData[?org=NAME]`: any valid token; the instance is the organization
    /// named (it must be one the token works in), else the token's first.
    func connectionData(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        let verified: VerifiedToken
        switch try await authenticate(request, context) {
        case let .refused(response): return response
        case let .verified(token): verified = token
        }
        let named = request.uri.queryParameters.get("org")
        let organization = named.map { name in verified.organizations.first { $0.name.caseInsensitiveCompare(name) == .orderedSame } } ?? verified.organizations.first
        guard let organization else {
            return Responses.problem(.forbidden, code: "organization", message: "The token does not work in \(named ?? "any organization").")
        }
        let identity = Identity(verified.owner)
        return Responses.json(.ok, ConnectionData(authenticatedUser: identity, authorizedUser: identity,
                                                  instanceId: organization.id.description, deploymentId: organization.id.description))
    }

    struct Introspection: Encodable {
        let active: Bool
        var scope: String?
        var username: String?
        var sub: String?
        var exp: Int64?
        var iat: Int64?
        var nbf: Int64?
        var token_type: String?
        var jti: String?
    }

    /// `POST /oauth/introspect` with a form body `token=…`: the caller authenticates with its own
    /// token, which must grant vso.tokenadministration, and its owner must hold Manage others'
    /// tokens. An inactive token, or one outside the caller's organizations: `{"active": false}`.
    func introspect(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        let caller: VerifiedToken
        switch try await authenticate(request, context) {
        case let .refused(response): return response
        case let .verified(token): caller = token
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = Self.formFields(String(buffer: body))
        guard let presented = form["token"], !presented.isEmpty else {
            return Responses.json(.badRequest, ["error": "invalid_request", "error_description": "The form field token is missing (application/x-www-form-urlencoded)."])
        }
        let actor = AccessService.actor(for: caller)
        let secret = TokenSecret(presented: presented)
        let outcome: Result<VerifiedToken?, GatehouseError> = try await verifier.blocking { service in
            do throws(GatehouseError) { return .success(try service.introspect(secret, by: actor)) } catch { return .failure(error) }
        }
        switch outcome {
        case let .failure(error):
            return Responses.problem(.forbidden, code: "not-allowed", message: error.description)
        case .success(nil):
            return Responses.json(.ok, Introspection(active: false))
        case let .success(token?):
            return Responses.json(.ok, Introspection(
                active: true, scope: token.scopes.identifiers.joined(separator: " "), username: token.owner.loginName,
                sub: token.owner.id.description, exp: Int64(token.token.validTo.timeIntervalSince1970),
                iat: Int64(token.token.createdAt.timeIntervalSince1970), nbf: Int64(token.token.validFrom.timeIntervalSince1970),
                token_type: "personal_access_token", jti: token.token.id.description))
        }
    }

    /// `application/x-www-form-urlencoded` fields (the first of each name).
    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}
