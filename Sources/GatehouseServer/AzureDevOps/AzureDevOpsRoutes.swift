import HTTPTypes
import Hummingbird

/// Where each route of Azure DevOps' REST API is handled. One table: the router, the 405 answers
/// (`GatehouseHTTP.azureDevOpsRoutes`) and the OpenAPI document all read it.
extension GatehouseHTTP {
    typealias RouteHandler = @Sendable (GatehouseHTTP) -> @Sendable (Request, GatehouseRequestContext) async throws -> Response

    static let azureDevOpsHandlers: [(method: HTTPRequest.Method, path: String, handler: RouteHandler)] = {
        let organization = "/{organization}/_apis"
        let membership = "\(organization)/graph/memberships/{subjectDescriptor}/{containerDescriptor}"
        return [
            (.options, organization, { $0.azureOptions }),
            (.get, "\(organization)/resourceAreas", { $0.azureResourceAreas }),
            (.get, "\(organization)/resourceAreas/{areaId}", { $0.azureResourceArea }),
            (.get, "\(organization)/connectionData", { $0.azureConnectionData }),
            (.get, "\(organization)/graph/users", { $0.graphUsers }),
            (.get, "\(organization)/graph/users/{userDescriptor}", { $0.graphUser }),
            (.get, "\(organization)/graph/groups", { $0.graphGroups }),
            (.get, "\(organization)/graph/groups/{groupDescriptor}", { $0.graphGroup }),
            (.get, "\(organization)/graph/Memberships/{subjectDescriptor}", { $0.graphMemberships }),
            (.get, membership, { $0.graphMembership }),
            (.head, membership, { $0.graphMembership }),
            (.put, membership, { $0.graphMembership }),
            (.delete, membership, { $0.graphMembership }),
            (.get, "\(organization)/graph/descriptors/{storageKey}", { $0.graphDescriptor }),
            (.get, "\(organization)/graph/storagekeys/{subjectDescriptor}", { $0.graphStorageKey }),
            (.get, "\(organization)/tokenadmin/personalaccesstokens/{subjectDescriptor}", { $0.tokenAdminList }),
            (.post, "\(organization)/tokenadmin/revocations", { $0.tokenAdminRevoke }),
            (.get, "\(organization)/tokens/pats", { $0.patList }),
            (.post, "\(organization)/tokens/pats", { $0.patCreate }),
            (.put, "\(organization)/tokens/pats", { $0.patUpdate }),
            (.delete, "\(organization)/tokens/pats", { $0.patRevoke }),
        ]
    }()

    func addAzureDevOpsRoutes(to router: Router<GatehouseRequestContext>) {
        for route in Self.azureDevOpsHandlers {
            let handle = route.handler(self)
            router.on(RouterPath(route.path), method: route.method) { request, context in try await handle(request, context) }
        }
    }
}
