import Foundation

/// The OpenAPI description of Azure DevOps' routes (`GatehouseHTTP.azureDevOpsRoutes`), added to
/// the document `/openapi.json` serves: one operation per route, its parameters, what it answers.
enum AzureDevOpsOpenAPI {
    struct Operation {
        let method: String
        let path: String
        let id: String
        let summary: String
        let scope: String?
        var success: [String: String] = ["200": "object"]
        var query: [String] = []
        var body: String? = nil
    }

    static let operations: [Operation] = [
        Operation(method: "options", path: "/{organization}/_apis", id: "azureLocations", summary: "Location discovery: the resource locations (ids, areas, route templates, versions) the SDK looks up.", scope: nil),
        Operation(method: "get", path: "/{organization}/_apis/resourceAreas", id: "azureResourceAreas", summary: "Resource areas; each lives at the organization's URL.", scope: nil),
        Operation(method: "get", path: "/{organization}/_apis/resourceAreas/{areaId}", id: "azureResourceArea", summary: "One resource area.", scope: nil),
        Operation(method: "get", path: "/{organization}/_apis/connectionData", id: "azureConnectionData", summary: "Who the token authenticates, in the organization of the path.", scope: nil),
        Operation(method: "get", path: "/{organization}/_apis/graph/users", id: "graphListUsers", summary: "The organization's members, paged with X-MS-ContinuationToken.", scope: "vso.graph",
                  query: ["continuationToken", "subjectTypes", "scopeDescriptor"]),
        Operation(method: "get", path: "/{organization}/_apis/graph/users/{userDescriptor}", id: "graphGetUser", summary: "One member by descriptor.", scope: "vso.graph"),
        Operation(method: "get", path: "/{organization}/_apis/graph/groups", id: "graphListGroups", summary: "The organization's groups, paged with X-MS-ContinuationToken.", scope: "vso.graph",
                  query: ["continuationToken", "subjectTypes", "scopeDescriptor"]),
        Operation(method: "get", path: "/{organization}/_apis/graph/groups/{groupDescriptor}", id: "graphGetGroup", summary: "One group by descriptor.", scope: "vso.graph"),
        Operation(method: "get", path: "/{organization}/_apis/graph/Memberships/{subjectDescriptor}", id: "graphListMemberships", summary: "Direct groups of a subject (direction=up) or direct members of a group (down).", scope: "vso.graph",
                  query: ["direction", "depth"]),
        Operation(method: "get", path: "/{organization}/_apis/graph/memberships/{subjectDescriptor}/{containerDescriptor}", id: "graphGetMembership", summary: "A membership, when it exists.", scope: "vso.graph"),
        Operation(method: "head", path: "/{organization}/_apis/graph/memberships/{subjectDescriptor}/{containerDescriptor}", id: "graphCheckMembership", summary: "200 when the membership exists, else 404.", scope: "vso.graph",
                  success: ["200": ""]),
        Operation(method: "put", path: "/{organization}/_apis/graph/memberships/{subjectDescriptor}/{containerDescriptor}", id: "graphAddMembership", summary: "Adds the subject to the group (201; 200 when it was a member).", scope: "vso.graph_manage",
                  success: ["200": "object", "201": "object"]),
        Operation(method: "delete", path: "/{organization}/_apis/graph/memberships/{subjectDescriptor}/{containerDescriptor}", id: "graphRemoveMembership", summary: "Removes the subject from the group.", scope: "vso.graph_manage",
                  success: ["200": ""]),
        Operation(method: "get", path: "/{organization}/_apis/graph/descriptors/{storageKey}", id: "graphGetDescriptor", summary: "The descriptor of a user's or group's id.", scope: "vso.graph"),
        Operation(method: "get", path: "/{organization}/_apis/graph/storagekeys/{subjectDescriptor}", id: "graphGetStorageKey", summary: "The id behind a descriptor.", scope: "vso.graph"),
        Operation(method: "get", path: "/{organization}/_apis/tokenadmin/personalaccesstokens/{subjectDescriptor}", id: "tokenAdminListTokens", summary: "A user's PATs that work in the organization (never a secret). Needs Manage others' tokens.", scope: "vso.tokenadministration",
                  query: ["pageSize", "continuationToken", "isPublic"]),
        Operation(method: "post", path: "/{organization}/_apis/tokenadmin/revocations", id: "tokenAdminRevoke", summary: "Revokes the listed authorizations, all or none. Needs Manage others' tokens.", scope: "vso.tokenadministration",
                  success: ["204": ""], query: ["isPublic"], body: #"{"type": "array", "items": {"type": "object", "required": ["authorizationId"], "properties": {"authorizationId": {"type": "string"}}}}"#),
        Operation(method: "get", path: "/{organization}/_apis/tokens/pats", id: "patList", summary: "The caller's PATs in the organization, or one (authorizationId).", scope: "vso.tokens",
                  query: ["authorizationId", "displayFilterOption", "sortByOption", "isSortAscending", "continuationToken"]),
        Operation(method: "post", path: "/{organization}/_apis/tokens/pats", id: "patCreate", summary: "Creates a PAT; the secret is in this answer and nowhere else.", scope: "vso.tokens",
                  body: #"{"type": "object", "properties": {"displayName": {"type": "string"}, "scope": {"type": "string"}, "validTo": {"type": "string"}, "allOrgs": {"type": "boolean"}}}"#),
        Operation(method: "put", path: "/{organization}/_apis/tokens/pats", id: "patUpdate", summary: "Renames a PAT, changes its scopes or its expiry.", scope: "vso.tokens",
                  body: #"{"type": "object", "required": ["authorizationId"], "properties": {"authorizationId": {"type": "string"}, "displayName": {"type": "string"}, "scope": {"type": "string"}, "validTo": {"type": "string"}, "allOrgs": {"type": "boolean"}}}"#),
        Operation(method: "delete", path: "/{organization}/_apis/tokens/pats", id: "patRevoke", summary: "Revokes the caller's PAT.", scope: "vso.tokens",
                  success: ["204": ""], query: ["authorizationId"]),
    ]

    static var errorSchema: [String: Any] { [
        "type": "object",
        "description": "Azure DevOps' error shape ({message, typeKey, typeName, errorCode, eventId}); PAT Lifecycle refusals answer {patToken: null, patTokenError, message}.",
        "properties": ["message": ["type": "string"], "typeKey": ["type": "string"], "patTokenError": ["type": "string"]],
    ] }

    /// The document with these operations added to the end of its `paths` (the rest of the text
    /// stays as written). None of these paths is in the template.
    static func adding(to document: String) -> String {
        var paths: [String: [String: Any]] = [:]
        for operation in operations { paths[operation.path, default: [:]][operation.method] = describe(operation) }
        guard let data = try? JSONSerialization.data(withJSONObject: paths, options: [.sortedKeys, .withoutEscapingSlashes]),
              let end = document.range(of: "\n  }\n}", options: .backwards) else { return document }
        let entries = String(decoding: data, as: UTF8.self).dropFirst().dropLast()
        return document.replacingCharacters(in: end, with: ",\n    \(entries)\n  }\n}")
    }

    static func describe(_ operation: Operation) -> [String: Any] {
        let pathNames = operation.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
        var parameters: [[String: Any]] = pathNames.map { ["name": $0, "in": "path", "required": true, "schema": ["type": "string"]] }
        parameters += (["api-version"] + operation.query).map { ["name": $0, "in": "query", "required": false, "schema": ["type": "string"]] }
        let error: [String: Any] = ["description": "Refused, in Azure DevOps' error shape.", "content": ["application/json": ["schema": errorSchema]]]
        var responses: [String: Any] = [:]
        for status in ["400", "403", "404", "409", "413", "429", "503"] { responses[status] = error }
        responses["401"] = ["description": "No credentials, or the token does not authenticate.",
                            "headers": ["WWW-Authenticate": ["$ref": "#/components/headers/WWWAuthenticate"]],
                            "content": ["application/json": ["schema": errorSchema]]]
        for (status, kind) in operation.success {
            responses[status] = kind.isEmpty ? ["description": "Done."] as [String: Any]
                : ["description": "Done.", "content": ["application/json": ["schema": ["type": kind]]]]
        }
        var described: [String: Any] = [
            "operationId": operation.id,
            "summary": operation.summary + (operation.scope.map { " Token scope: \($0)." } ?? ""),
            "security": [["basic": [String]()], ["bearer": [String]()]],
            "parameters": parameters,
            "responses": responses,
        ]
        if let body = operation.body, let schema = try? JSONSerialization.jsonObject(with: Data(body.utf8)) {
            described["requestBody"] = ["required": true, "content": ["application/json": ["schema": schema]]]
        }
        return described
    }
}
