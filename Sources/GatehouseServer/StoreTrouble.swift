import GatehouseDomain
import HTTPTypes
import Hummingbird

/// A directory database that cannot answer (down, unreachable, or still colliding after the
/// store's retries) is the server's temporary trouble, not a fault in the request: 503 with
/// `Retry-After`, so a gateway or script retries instead of treating the token as bad. The
/// detail (host, driver message) stays in the server's log; the client gets one sentence.
struct StoreTrouble: RouterMiddleware {
    typealias Context = GatehouseRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatehouseError where error.isDirectoryTrouble {
            context.logger.error("directory database trouble", metadata: ["error": "\(error.description)"])
            return Responses.problem(.serviceUnavailable, code: "directory-unavailable", message: GatehouseError.directoryTroubleMessage,
                                     headers: [.retryAfter: "1"])
        }
    }
}

extension GatehouseError {
    /// The database's trouble rather than the request's: worth retrying, and its detail (a host,
    /// a driver's message) is for the server's log only.
    var isDirectoryTrouble: Bool {
        switch self {
        case .storage, .busy, .unavailable: true
        default: false
        }
    }

    static let directoryTroubleMessage = "The directory database is not answering; try again shortly."
}
