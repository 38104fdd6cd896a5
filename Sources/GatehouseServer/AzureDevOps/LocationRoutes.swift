import Foundation
import GatehouseDomain
import Hummingbird

/// Location discovery, which Azure DevOps' clients do before any call: `OPTIONS {org}/_apis` (the
/// resource locations), `GET {org}/_apis/resourceAreas[/{areaId}]` and `{org}/_apis/connectionData`.
extension GatehouseHTTP {
    func azureOptions(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, nil, scope: nil) { _ in
            Responses.json(.ok, Collection(ResourceLocation.all))
        }
    }

    func azureResourceAreas(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .resourceAreas, scope: nil) { call in
            Responses.json(.ok, Collection(ResourceArea.areas.map { ResourceArea(id: $0.id, name: $0.name, locationUrl: call.organizationURL) }))
        }
    }

    func azureResourceArea(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .resourceAreas, scope: nil) { call in
            let id = (context.parameters.get("areaId") ?? "").lowercased()
            guard let area = ResourceArea.areas.first(where: { $0.id == id }) else {
                throw AzureDevOpsError.notFound("This server has no resource area \(Responses.headerSafe(String(id.prefix(40)))).", typeKey: "ResourceAreaNotFoundException")
            }
            return Responses.json(.ok, ResourceArea(id: area.id, name: area.name, locationUrl: call.organizationURL))
        }
    }

    /// `GET {org}/_apis/connectionData`: who the token authenticates, in the organization of the path.
    func azureConnectionData(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .connectionData, scope: nil) { call in
            let identity = Identity(call.verified.owner)
            return Responses.json(.ok, ConnectionData(authenticatedUser: identity, authorizedUser: identity,
                                                      instanceId: call.organization.id.description, deploymentId: call.organization.id.description))
        }
    }
}
