import Foundation
import GatehouseDomain
import HTTPTypes
import Hummingbird

/// The routes that authenticate a request: `/auth/check` (nginx auth_request) and the credential
/// handling the other routes share.
extension GatehouseHTTP {
    /// `GET /auth/check?org=NAME&scope=ID…`: 204 with X-Gatehouse-User and X-Gatehouse-Token; 401
    /// (with WWW-Authenticate) when the request does not authenticate; 403 when the token does not
    /// reach this organization or these scopes; 429 after repeated failures; 400 when the question
    /// itself is wrong (no org, an unknown scope: the gateway's configuration).
    func authCheck(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let scopes = query.getAll("scope").flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }
        let question = GatewayRequest(organization: query.get("org") ?? "", scopes: scopes)
        if let problem = question.misconfiguration(in: service.catalog) {
            return Responses.problem(.badRequest, code: "bad-request", message: problem)
        }
        let verified: VerifiedToken
        switch try await authenticate(request, context) {
        case let .refused(response): return response
        case let .verified(token): verified = token
        }
        switch GatewayDecision.decide(question, verification: .success(verified), catalog: service.catalog) {
        case let .allow(user, token, _):
            return Response(status: .noContent, headers: [Responses.user: Responses.headerSafe(user.loginName), Responses.token: token.id.description])
        case let .forbidden(denial):
            return Responses.problem(.forbidden, code: denial.code, message: denial.message)
        case let .unauthenticated(denial):
            return Responses.unauthorized(code: denial.code, message: denial.message)
        case let .misconfigured(problem):
            return Responses.problem(.badRequest, code: "bad-request", message: problem)
        }
    }

    enum Authentication {
        case verified(VerifiedToken)
        case refused(Response)
    }

    /// The request's token, verified; or the 401/429 to answer. Failures with credentials count
    /// against the client's address; a request without any does not (clients ask first without).
    func authenticate(_ request: Request, _ context: GatehouseRequestContext) async throws -> Authentication {
        let client = clientAddress(request, context)
        let now = service.clock.now
        if let wait = limiter.retryAfter(for: client, now: now) {
            return .refused(Responses.tooManyFailures(retryAfter: wait))
        }
        let failure: GatewayDenial
        switch PresentedCredential(authorization: request.headers[.authorization]) {
        case .none:
            return .refused(Responses.unauthorized(code: GatewayDenial.noCredentials.code, message: GatewayDenial.noCredentials.message))
        case .malformedHeader:
            failure = .malformedHeader
        case let .malformedToken(problem):
            failure = GatewayDenial(verification: .malformed(problem))
        case let .token(secret):
            switch try await verifier.verify(secret) {
            case let .success(verified): return .verified(verified)
            case let .failure(reason): failure = GatewayDenial(verification: reason)
            }
        }
        limiter.recordFailure(from: client, now: now)
        return .refused(Responses.unauthorized(code: failure.code, message: failure.message))
    }

    func clientAddress(_ request: Request, _ context: GatehouseRequestContext) -> String {
        clients.resolve(peer: context.peerAddress, realIP: request.headers[Responses.realIP],
                        forwardedFor: request.headers[values: Responses.forwardedFor])
    }
}
