import Foundation
import GatehouseDomain
import Hummingbird

/// Token Administration: a user's PATs by subject descriptor, and revoking a list of
/// authorizations. Needs `vso.tokenadministration` and *Manage others' tokens* in the organization.
extension GatehouseHTTP {
    static let tokenAdministration = "vso.tokenadministration"

    /// `SessionToken`, as Token Administration lists tokens (never a secret: `token` is always null).
    struct SessionTokenBody: Encodable {
        let clientId = "00000000-0000-0000-0000-000000000000"
        let accessId: String
        let authorizationId: String
        let hostAuthorizationId: String
        let userId: String
        let displayName: String
        let scope: String
        let targetAccounts: [String]?
        let validFrom: String
        let validTo: String
        let isValid: Bool
        let isPublic = false
        let token: String? = nil

        init(_ token: PersonalAccessToken, now: Date) {
            accessId = token.id.description
            authorizationId = token.id.description
            hostAuthorizationId = token.id.description
            userId = token.ownerID.description
            displayName = token.displayName
            scope = token.scopes.storageText
            targetAccounts = token.target.organizationID.map { [$0.description] }
            validFrom = Self.timestamp(token.validFrom)
            validTo = Self.timestamp(token.validTo)
            isValid = token.status(at: now) == .active
        }

        static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }

        enum CodingKeys: String, CodingKey {
            case clientId, accessId, authorizationId, hostAuthorizationId, userId, displayName, scope, targetAccounts, validFrom, validTo, isValid, isPublic, token
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(clientId, forKey: .clientId)
            try container.encode(accessId, forKey: .accessId)
            try container.encode(authorizationId, forKey: .authorizationId)
            try container.encode(hostAuthorizationId, forKey: .hostAuthorizationId)
            try container.encode(userId, forKey: .userId)
            try container.encode(displayName, forKey: .displayName)
            try container.encode(scope, forKey: .scope)
            try container.encode(targetAccounts, forKey: .targetAccounts)
            try container.encode(validFrom, forKey: .validFrom)
            try container.encode(validTo, forKey: .validTo)
            try container.encode(isValid, forKey: .isValid)
            try container.encode(isPublic, forKey: .isPublic)
            try container.encodeNil(forKey: .token)
        }
    }

    /// A page whose `continuationToken` is in the body (null on the last page), its rows under `key`.
    struct ContinuedPage<Item: Encodable>: Encodable {
        let key: String
        let items: [Item]
        let continuationToken: String?

        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(items, forKey: Key(stringValue: key))
            try container.encode(continuationToken, forKey: Key(stringValue: "continuationToken"))
        }
    }

    /// `GET …/tokenadmin/personalaccesstokens/{subjectDescriptor}?pageSize=&continuationToken=&isPublic=`.
    func tokenAdminList(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .personalAccessTokens, scope: Self.tokenAdministration) { call in
            guard case let .user(userID) = try Self.descriptor(context, "subjectDescriptor") else {
                throw AzureDevOpsError.badRequest("Tokens belong to users; give a user's descriptor (aad.…, svc.…), not a group's.")
            }
            let size = try Self.pageSize(request.uri.queryParameters.get("pageSize"), default: pageSize)
            let position = try Self.pageRequest(request, list: "tokenadmin", size: size)
            // isPublic=true asks for SSH keys' session tokens: Gatehouse has none.
            let sshOnly = request.uri.queryParameters.get("isPublic")?.lowercased() == "true"
            let page = try await façade { try $0.administeredTokens(ofUser: userID, in: call.organization.id, page: position, by: call.actor) }
            let now = service.clock.now
            let next = page.hasMoreAfter ? page.lastCursor.map { ContinuationToken(list: "tokenadmin", cursor: $0).encoded } : nil
            return Responses.json(.ok, ContinuedPage(key: "value", items: sshOnly ? [] : page.items.map { SessionTokenBody($0, now: now) },
                                                     continuationToken: sshOnly ? nil : next))
        }
    }

    struct Revocation: Decodable { let authorizationId: String }

    /// `POST …/tokenadmin/revocations` with `[{"authorizationId": "…"}, …]`: all revoked, or none.
    func tokenAdminRevoke(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .revocations, scope: Self.tokenAdministration) { call in
            let revocations = try await decodedBody([Revocation].self, request)
            guard revocations.count <= 1_000 else {
                throw AzureDevOpsError.badRequest("At most 1000 authorizations per request; send the rest in another.")
            }
            let ids = try revocations.map { revocation in
                guard let id = TokenID(string: revocation.authorizationId) else {
                    throw AzureDevOpsError.badRequest("\u{201C}\(Responses.headerSafe(String(revocation.authorizationId.prefix(60))))\u{201D} is not an authorization id (a UUID).")
                }
                return id
            }
            try await façade { _ = try $0.revokeAuthorizations(ids, in: call.organization.id, by: call.actor) }
            return Response(status: .noContent)
        }
    }

    /// A page size from the query: 1 and up (more than 1000 is read as 1000); absent, `default`.
    static func pageSize(_ text: String?, default size: Int) throws -> Int {
        guard let text, !text.isEmpty else { return size }
        guard text.utf8.count <= 20, text.allSatisfy(\.isASCII), let value = Int(text), value >= 1 else {
            if text.allSatisfy({ $0.isASCII && $0.isNumber }) { return 1_000 }
            throw AzureDevOpsError.badRequest("The page size \u{201C}\(Responses.headerSafe(String(text.prefix(20))))\u{201D} is not a whole number of 1 or more.")
        }
        return min(value, 1_000)
    }
}
