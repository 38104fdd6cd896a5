import Foundation
import GatehouseDomain
import Hummingbird

/// `/healthz`, `/metrics` and `/openapi.json`.
extension GatehouseHTTP {
    func health(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        do {
            try await verifier.blocking { try $0.checkReachable() }
            return Responses.json(.ok, ["status": "ok"])
        } catch {
            context.logger.error("health check failed", metadata: ["error": "\(error)"])
            return Responses.json(.serviceUnavailable, ["status": "unavailable", "message": "The directory database cannot be read."])
        }
    }

    func metricsText(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        Responses.body(.ok, Array(metrics.exposition().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    func openAPI(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        Responses.body(.ok, Array(OpenAPIDocument.json(catalog: service.catalog).utf8), contentType: "application/json")
    }
}
