import Foundation
import GatehouseDomain
import HTTPTypes
import Hummingbird
import Logging
import NIOPosix

/// The HTTP layer of `gatehouse serve`: routes that parse a request, ask the façade (through the
/// verifier and the domain's `GatewayDecision`), and write the answer. No rule lives here.
public struct GatehouseHTTP: Sendable {
    let service: AccessService
    let verifier: TokenVerifier
    let limiter: FailureLimiter
    let clients: ClientAddressResolver
    let leakKeys: LeakReportKeys
    let metrics: ServerMetrics
    let writes: DeferredWrites
    /// Rows per page of the Azure DevOps lists (Graph users and groups, PATs).
    let pageSize: Int
    /// Whether clients reach this server over HTTPS (the URLs of location discovery say so).
    let usesTLS: Bool

    /// Every route: method, path, and what it needs. The OpenAPI document is checked against it.
    public static let routes: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/auth/check"), (.get, "/_apis/connectionData"), (.post, "/oauth/introspect"),
        (.post, "/_apis/tokens/leaked"), (.get, "/healthz"), (.get, "/metrics"), (.get, "/openapi.json"),
    ] + azureDevOpsRoutes

    /// Azure DevOps' own REST API, under the organization's name (AzureDevOps/): the router is
    /// built from this table (`addAzureDevOpsRoutes`), so the 405s and OpenAPI cannot drift from it.
    static var azureDevOpsRoutes: [(method: HTTPRequest.Method, path: String)] {
        azureDevOpsHandlers.map { ($0.method, $0.path) }
    }

    init(service: AccessService, options: ServerOptions, leakKeys: LeakReportKeys, threadPool: NIOThreadPool, logger: Logger) {
        let metrics = ServerMetrics()
        let writes = DeferredWrites(service: service, threadPool: threadPool, interval: options.writeInterval, logger: logger)
        self.service = service
        self.metrics = metrics
        self.writes = writes
        self.verifier = TokenVerifier(service: service, threadPool: threadPool, writes: writes, metrics: metrics, threads: options.threads)
        self.limiter = FailureLimiter(limit: options.failureLimit, window: options.failureWindow)
        self.clients = ClientAddressResolver(trustedProxies: Set(options.trustedProxies))
        self.leakKeys = leakKeys
        self.pageSize = options.pageSize
        self.usesTLS = options.usesTLS
    }

    public func router() -> Router<GatehouseRequestContext> {
        let router = Router(context: GatehouseRequestContext.self)
        router.add(middleware: AccessLog(metrics: metrics, clients: clients))
        router.add(middleware: StoreTrouble())
        router.add(middleware: MethodNotAllowed())
        router.get("/auth/check", use: authCheck)
        router.get("/_apis/connectionData", use: connectionData)
        router.post("/oauth/introspect", use: introspect)
        router.post("/_apis/tokens/leaked", use: leakReport)
        router.get("/healthz", use: health)
        router.get("/metrics", use: metricsText)
        router.get("/openapi.json", use: openAPI)
        addAzureDevOpsRoutes(to: router)
        return router
    }
}

/// One structured log line and the metrics per request: method, route, status, duration, client,
/// user. Never a header's value (Authorization least of all), never a body, never the query of a
/// route other than /auth/check (whose org and scopes are the gateway's configuration).
struct AccessLog: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    let metrics: ServerMetrics
    let clients: ClientAddressResolver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, context, status: status, user: nil, reason: nil, started: started)
            if status.code >= 500 { context.logger.error("request failed", metadata: ["error": "\(type(of: error))"]) }
            throw error
        }
        // The reason's code only (before the colon): the sentence may name a login.
        let reason = response.headers[Responses.reason].map { String($0.prefix { $0 != ":" }) }
        record(request, context, status: response.status, user: response.headers[Responses.user], reason: reason, started: started)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: HTTPResponse.Status, user: String?, reason: String?, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: status.code, duration: elapsed)
        guard context.logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status.code)",
            "duration_us": "\(elapsed.nanoseconds / 1_000)",
            "client": "\(clients.resolve(peer: context.peerAddress, realIP: request.headers[Responses.realIP], forwardedFor: request.headers[values: Responses.forwardedFor]))",
        ]
        if route == "/auth/check" { metadata["query"] = "\(Responses.headerSafe(request.uri.query ?? ""))" }
        if let user { metadata["user"] = "\(user)" }
        if let reason { metadata["reason"] = "\(reason)" }
        context.logger.info("request", metadata: metadata)
    }
}

/// 405 with `Allow` for a known path asked with a method it does not answer (the router alone says 404).
struct MethodNotAllowed: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    static let methods: [String: [HTTPRequest.Method]] = Dictionary(grouping: GatehouseHTTP.routes, by: \.path).mapValues { $0.map(\.method) }

    /// The methods a path answers: its own, or (a path with parameters) those of the routes it matches.
    static func allowed(for path: String) -> [HTTPRequest.Method]? {
        if let exact = methods[path] { return exact }
        let segments = path.split(separator: "/")
        let matching = GatehouseHTTP.azureDevOpsRoutes.filter { route in
            let pattern = route.path.split(separator: "/")
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return matching.isEmpty ? nil : matching.map(\.method)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let allowed = Self.allowed(for: request.uri.path), !allowed.contains(request.method) {
            return Response(status: .methodNotAllowed, headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
        }
        return try await next(request, context)
    }
}
