import Hummingbird

/// Where each route of Azure DevOps' REST API is handled (the paths are `GatehouseHTTP.azureDevOpsRoutes`).
extension GatehouseHTTP {
    func addAzureDevOpsRoutes(to router: Router<GatehouseRequestContext>) {
        let organization = "/{organization}/_apis"
        router.on("\(organization)", method: .options, use: azureOptions)
        router.get("\(organization)/resourceAreas", use: azureResourceAreas)
        router.get("\(organization)/resourceAreas/{areaId}", use: azureResourceArea)
        router.get("\(organization)/connectionData", use: azureConnectionData)
        router.get("\(organization)/graph/users", use: graphUsers)
        router.get("\(organization)/graph/users/{userDescriptor}", use: graphUser)
        router.get("\(organization)/graph/groups", use: graphGroups)
        router.get("\(organization)/graph/groups/{groupDescriptor}", use: graphGroup)
        router.get("\(organization)/graph/Memberships/{subjectDescriptor}", use: graphMemberships)
        let membership = "\(organization)/graph/memberships/{subjectDescriptor}/{containerDescriptor}"
        for method in [HTTPRequest.Method.get, .head, .put, .delete] {
            router.on(RouterPath(membership), method: method, use: graphMembership)
        }
        router.get("\(organization)/graph/descriptors/{storageKey}", use: graphDescriptor)
        router.get("\(organization)/graph/storagekeys/{subjectDescriptor}", use: graphStorageKey)
        router.get("\(organization)/tokenadmin/personalaccesstokens/{subjectDescriptor}", use: tokenAdminList)
        router.post("\(organization)/tokenadmin/revocations", use: tokenAdminRevoke)
        router.get("\(organization)/tokens/pats", use: patList)
        router.post("\(organization)/tokens/pats", use: patCreate)
        router.put("\(organization)/tokens/pats", use: patUpdate)
        router.delete("\(organization)/tokens/pats", use: patRevoke)
    }
}
