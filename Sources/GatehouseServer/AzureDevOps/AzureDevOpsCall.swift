import Foundation
import GatehouseDomain
import HTTPTypes
import Hummingbird

/// One request to Azure DevOps' REST API under `/{organization}/_apis/…`, checked in the order the
/// answer depends on: the token authenticates (401), the organization is one the token works in and
/// its owner belongs to (else 404, as if it did not exist), the token carries the scope the route
/// needs (403, nothing done), the api-version is one this server answers (400). What the route then
/// does goes through the façade as the token's owner narrowed by its scopes, on the thread pool.
struct AzureDevOpsCall: Sendable {
    let verified: VerifiedToken
    let actor: Actor
    let organization: Organization
    /// `http://HOST/{organization}` as the client wrote it: where every area of this server lives.
    let organizationURL: String
}

extension GatehouseHTTP {
    /// Runs `body` for a checked call, and answers every refusal in Azure DevOps' error shape.
    func azureDevOps(
        _ request: Request, _ context: GatehouseRequestContext, _ location: ResourceLocation?, scope: String?,
        _ body: (AzureDevOpsCall) async throws -> Response
    ) async throws -> Response {
        do {
            let call = try await check(request, context, location, scope: scope)
            return try await body(call)
        } catch let error as AzureDevOpsError {
            return error.response
        } catch let error as GatehouseError {
            return AzureDevOpsError(error).response
        }
    }

    private func check(_ request: Request, _ context: GatehouseRequestContext, _ location: ResourceLocation?, scope: String?) async throws -> AzureDevOpsCall {
        let verified: VerifiedToken
        switch try await authenticate(request, context) {
        case let .verified(token):
            verified = token
        case let .refused(refusal):
            var headers: HTTPFields = [:]
            for name in [HTTPField.Name.wwwAuthenticate, .retryAfter] { headers[name] = refusal.headers[name] }
            let reason = refusal.headers[Responses.reason] ?? "The request does not authenticate."
            let message = String(reason.drop { $0 != ":" }.dropFirst().drop { $0 == " " })
            throw AzureDevOpsError(status: refusal.status, typeKey: refusal.status == .tooManyRequests ? "TooManyRequestsException" : "UnauthorizedRequestException",
                                   message: message.isEmpty ? reason : message, headers: headers)
        }
        let raw = context.parameters.get("organization") ?? ""
        let name = raw.removingPercentEncoding ?? raw
        guard let organization = verified.organizations.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
            throw AzureDevOpsError.notFound("The organization \u{201C}\(Responses.headerSafe(String(name.prefix(80))))\u{201D} does not exist, or this token does not work in it.",
                                            typeKey: "OrganizationNotFoundException")
        }
        if let scope, !verified.grants(scope, catalog: service.catalog) {
            throw AzureDevOpsError(status: .forbidden, typeKey: "InsufficientScopeException",
                                   message: "The token \(verified.token.handle) does not grant \(scope), which this request needs; use a token with that scope (or a higher level of its area).")
        }
        if let location, let problem = APIVersion.problem(
            with: APIVersion.requested(query: request.uri.queryParameters.get("api-version"), accept: request.headers[.accept]), for: location) {
            throw problem
        }
        let scheme = usesTLS ? "https" : "http"
        let host = request.head.authority.map { Responses.headerSafe($0) } ?? "127.0.0.1"
        let url = "\(scheme)://\(host)/\(raw.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? organization.name)"
        return AzureDevOpsCall(verified: verified, actor: AccessService.actor(for: verified), organization: organization, organizationURL: url)
    }

    /// A façade call on the thread pool (it may block on the database); its `GatehouseError` rethrown.
    func façade<T: Sendable>(_ body: @escaping @Sendable (AccessService) throws -> T) async throws -> T {
        try await verifier.blocking(body)
    }

    /// A JSON body of at most `limit` bytes, decoded, or a 400 saying what is wrong with it.
    func decodedBody<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int = 64 * 1024) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw AzureDevOpsError(status: HTTPResponse.Status(code: 413), typeKey: "RequestContentTooLargeException", message: "The request body is larger than \(limit / 1024) KiB.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw AzureDevOpsError.badRequest("The JSON body has no \u{201C}\(key.stringValue)\u{201D}.")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw AzureDevOpsError.badRequest("The JSON body's \u{201C}\(path)\u{201D} has the wrong type.")
        } catch {
            throw AzureDevOpsError.badRequest("The request body is not the JSON this route takes.")
        }
    }

    /// `{"count": n, "value": [...]}`: how Azure DevOps wraps a list.
    struct Collection<Item: Encodable>: Encodable {
        let count: Int
        let value: [Item]
        init(_ value: [Item]) {
            self.count = value.count
            self.value = value
        }
    }
}
