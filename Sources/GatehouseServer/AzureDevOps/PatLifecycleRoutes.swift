import Foundation
import GatehouseDomain
import HTTPTypes
import Hummingbird

/// PAT Lifecycle Management (`…/_apis/tokens/pats`): the caller's own tokens in the organization of
/// the path: create, list, get, update, revoke. Needs `vso.tokens` (Azure DevOps itself takes only a
/// Microsoft Entra token here; Gatehouse takes a PAT with that scope). Refusals answer
/// `{"patToken": null, "patTokenError": "…"}` with the domain's sentence in `message`; the secret is
/// in the create answer and nowhere else.
extension GatehouseHTTP {
    static let tokensScope = "vso.tokens"

    struct PatTokenBody: Encodable {
        let displayName: String
        let validTo: String
        let validFrom: String
        let scope: String
        let targetAccounts: [String]?
        let authorizationId: String
        let token: String?

        init(_ token: PersonalAccessToken, secret: TokenSecret? = nil) {
            displayName = token.displayName
            validTo = SessionTokenBody.timestamp(token.validTo)
            validFrom = SessionTokenBody.timestamp(token.validFrom)
            scope = token.scopes.storageText
            targetAccounts = token.target.organizationID.map { [$0.description] }
            authorizationId = token.id.description
            self.token = secret?.reveal()
        }

        enum CodingKeys: String, CodingKey { case displayName, validTo, validFrom, scope, targetAccounts, authorizationId, token }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(displayName, forKey: .displayName)
            try container.encode(validTo, forKey: .validTo)
            try container.encode(validFrom, forKey: .validFrom)
            try container.encode(scope, forKey: .scope)
            try container.encode(targetAccounts, forKey: .targetAccounts)
            try container.encode(authorizationId, forKey: .authorizationId)
            try container.encode(token, forKey: .token)
        }
    }

    struct PatResult: Encodable {
        let patToken: PatTokenBody?
        let patTokenError: String
        var message: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(patToken, forKey: .patToken)
            try container.encode(patTokenError, forKey: .patTokenError)
            try container.encodeIfPresent(message, forKey: .message)
        }

        enum CodingKeys: String, CodingKey { case patToken, patTokenError, message }
    }

    struct PatCreation: Decodable {
        let displayName: String?
        let scope: String?
        let validTo: String?
        let allOrgs: Bool?
    }

    struct PatUpdate: Decodable {
        let authorizationId: String
        let displayName: String?
        let scope: String?
        let validTo: String?
        let allOrgs: Bool?
    }

    /// The route's answer, or a domain refusal as a `patTokenError`.
    func patLifecycle(_ request: Request, _ context: GatehouseRequestContext, _ body: (AzureDevOpsCall) async throws -> Response) async throws -> Response {
        try await azureDevOps(request, context, .pats, scope: Self.tokensScope) { call in
            do {
                return try await body(call)
            } catch let error as GatehouseError where !error.isDirectoryTrouble {
                let (status, code) = Self.patTokenError(error)
                return Responses.json(status, PatResult(patToken: nil, patTokenError: code, message: error.description),
                                      headers: [Responses.reason: Responses.headerSafe("\(code): \(error.description)")])
            } catch let refusal as PatRefusal {
                return Responses.json(.badRequest, PatResult(patToken: nil, patTokenError: refusal.code, message: refusal.message),
                                      headers: [Responses.reason: Responses.headerSafe("\(refusal.code): \(refusal.message)")])
            }
        }
    }

    struct PatRefusal: Error {
        let code: String
        let message: String
    }

    /// The domain's refusals as PAT Lifecycle's `patTokenError` values (the names of Azure DevOps'
    /// `PatTokenError` enum, `disablePatCreationPolicyViolation` included), with their status.
    static func patTokenError(_ error: GatehouseError) -> (HTTPResponse.Status, String) {
        switch error {
        case let .policyViolation(violation):
            switch violation.kind {
            case .restrictGlobalTokens: (.badRequest, "globalPatPolicyViolation")
            case .restrictFullScopedTokens: (.badRequest, "fullScopePatPolicyViolation")
            case .maximumLifespan: (.badRequest, "patLifespanPolicyViolation")
            case .restrictCreation: (.forbidden, "disablePatCreationPolicyViolation")
            case .autoRevokeLeakedTokens: (.forbidden, "accessDenied")
            }
        case let .invalidInput(field, _):
            switch field {
            case "Expiration": (.badRequest, "invalidValidTo")
            case "Scopes": (.badRequest, "invalidScope")
            default: (.badRequest, "invalidDisplayName")
            }
        case .permissionDenied: (.forbidden, "accessDenied")
        case .notFound: (.notFound, "authorizationNotFound")
        case .staleVersion, .alreadyExists, .duplicate: (.conflict, "failedToUpdateAccessToken")
        case .notAllowed, .membershipCycle: (.badRequest, "failedToUpdateAccessToken")
        case .verificationFailed: (.unauthorized, "accessDenied")
        case .storage, .busy, .unavailable: (.serviceUnavailable, "failedToIssueAccessToken")
        }
    }

    /// `POST …/tokens/pats`: `{displayName, scope, validTo, allOrgs}`.
    func patCreate(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await patLifecycle(request, context) { call in
            let creation = try await decodedBody(PatCreation.self, request)
            guard let name = creation.displayName, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw PatRefusal(code: "displayNameRequired", message: "Give the token a displayName.")
            }
            let scopes = try Self.scopes(creation.scope ?? "", catalog: service.catalog)
            let expiration = try Self.expiration(creation.validTo, now: service.clock.now) ?? .days(30)
            let target: TokenTarget = creation.allOrgs == true ? .allAccessibleOrganizations : .organization(call.organization.id)
            let issued = try await façade {
                try $0.createToken(TokenRequest(displayName: name, target: target, scopes: scopes, expiration: expiration), by: call.actor)
            }
            return Responses.json(.ok, PatResult(patToken: PatTokenBody(issued.token, secret: issued.secret), patTokenError: "none"))
        }
    }

    /// `GET …/tokens/pats[?authorizationId=…]`: one token, or the list (`displayFilterOption`,
    /// `sortByOption`, `isSortAscending`, `continuationToken`).
    func patList(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await patLifecycle(request, context) { call in
            let query = request.uri.queryParameters
            if let text = query.get("authorizationId") {
                let id = try Self.authorizationID(text)
                let token = try await façade { try Self.ownToken(id, of: call, $0) }
                return Responses.json(.ok, PatResult(patToken: PatTokenBody(token), patTokenError: "none"))
            }
            var tokenQuery = TokenQuery(ownerID: call.verified.owner.id, organizationID: call.organization.id)
            switch (query.get("displayFilterOption") ?? "active").lowercased() {
            case "active": tokenQuery.statuses = [.active]
            case "revoked": tokenQuery.statuses = [.revoked]
            case "expired": tokenQuery.statuses = [.expired]
            case "all": break
            default: throw AzureDevOpsError.badRequest("displayFilterOption is active, revoked, expired or all.")
            }
            switch (query.get("sortByOption") ?? "displayName").lowercased() {
            case "displayname": tokenQuery.sort = .displayName
            case "displaydate", "status": tokenQuery.sort = .validTo
            default: throw AzureDevOpsError.badRequest("sortByOption is displayName, displayDate or status.")
            }
            switch (query.get("isSortAscending") ?? "true").lowercased() {
            case "true": tokenQuery.descending = false
            case "false": tokenQuery.descending = true
            default: throw AzureDevOpsError.badRequest("isSortAscending is true or false.")
            }
            let list = "pats:\(tokenQuery.sort.rawValue):\(tokenQuery.descending):\(tokenQuery.statuses.map(\.rawValue).sorted().joined(separator: ","))"
            let position = try Self.pageRequest(request, list: list, size: pageSize)
            let page = try await façade { [tokenQuery] in try $0.tokens(tokenQuery, page: position, by: call.actor) }
            let next = page.hasMoreAfter ? page.lastCursor.map { ContinuationToken(list: list, cursor: $0).encoded } : nil
            return Responses.json(.ok, ContinuedPage(key: "patTokens", items: page.items.map { PatTokenBody($0) }, continuationToken: next))
        }
    }

    /// `PUT …/tokens/pats`: `{authorizationId, displayName, scope, validTo, allOrgs}`; what is absent stays.
    func patUpdate(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await patLifecycle(request, context) { call in
            let update = try await decodedBody(PatUpdate.self, request)
            let id = try Self.authorizationID(update.authorizationId)
            let catalog = service.catalog
            let scopes = try update.scope.map { try Self.scopes($0, catalog: catalog) }
            let expiration = try Self.expiration(update.validTo, now: service.clock.now)
            let token = try await façade { service in
                let token = try Self.ownToken(id, of: call, service)
                if let allOrgs = update.allOrgs, allOrgs != token.target.isGlobal {
                    throw PatRefusal(code: "invalidTargetAccounts", message: "Gatehouse does not move a token between one organization and all of them; create a new token with the organizations you want.")
                }
                let changes = TokenChanges(displayName: update.displayName.flatMap { $0 == token.displayName ? nil : $0 }, expiration: expiration, scopes: scopes)
                return try service.updateToken(id, changes, expectedVersion: token.version, by: call.actor)
            }
            return Responses.json(.ok, PatResult(patToken: PatTokenBody(token), patTokenError: "none"))
        }
    }

    /// `DELETE …/tokens/pats?authorizationId=…`: revokes the caller's token.
    func patRevoke(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await patLifecycle(request, context) { call in
            let id = try Self.authorizationID(request.uri.queryParameters.get("authorizationId") ?? "")
            try await façade { service in
                let token = try Self.ownToken(id, of: call, service)
                guard token.revocation == nil else { return }
                try service.revokeToken(id, reason: "revoked through PAT Lifecycle Management", by: call.actor)
            }
            return Response(status: .noContent)
        }
    }

    // MARK: Reading the request

    static func authorizationID(_ text: String) throws -> TokenID {
        guard let id = TokenID(string: text) else {
            throw PatRefusal(code: "invalidAuthorizationId", message: "Give the token's authorizationId (a UUID, as the list shows it).")
        }
        return id
    }

    /// The caller's own token that works in the organization of the path; anyone else's is "not found".
    static func ownToken(_ id: TokenID, of call: AzureDevOpsCall, _ service: AccessService) throws -> PersonalAccessToken {
        let token = try service.token(id, by: call.actor)
        guard token.ownerID == call.verified.owner.id, token.target.organizationID.map({ $0 == call.organization.id }) ?? true else {
            throw GatehouseError.notFound(kind: .token, reference: id.description)
        }
        return token
    }

    /// `scope`: space-separated identifiers, or `app_token` for full access.
    static func scopes(_ text: String, catalog: ScopeCatalog) throws -> ScopeSelection {
        try ScopeSelection.custom(text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init), catalog: catalog)
    }

    /// `validTo` (ISO 8601) as a lifespan in whole days from now, rounded up: a policy's maximum of
    /// 30 days takes `now + 30 days`. nil when absent.
    static func expiration(_ text: String?, now: Date) throws -> TokenExpiration? {
        guard let text, !text.isEmpty else { return nil }
        guard text.utf8.count <= 40, let date = parseTimestamp(text) else {
            throw PatRefusal(code: "invalidValidTo", message: "validTo is a date and time in ISO 8601, e.g. 2027-01-31T00:00:00Z.")
        }
        let seconds = date.timeIntervalSince(now)
        // Out of range either way is refused by the domain with the allowed range; nothing here can overflow.
        let days = seconds <= 0 ? 0 : seconds > 400 * 86_400 ? 400 : Int((seconds / 86_400).rounded(.up))
        return .days(days)
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let withZone = text.hasSuffix("Z") || text.dropFirst(10).contains("+") || text.dropFirst(10).contains("-") ? text : text + "Z"
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: withZone) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: withZone) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }
}
