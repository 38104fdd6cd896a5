import Foundation
import GatehouseDomain
import HTTPTypes
import Hummingbird

/// Graph: users, groups, memberships (up and down), descriptors and storage keys of the
/// organization in the path. Reads need `vso.graph`; membership changes `vso.graph_manage`. Lists
/// page with `X-MS-ContinuationToken`: its presence is the only sign that more follows.
extension GatehouseHTTP {
    static let continuationHeader = HTTPField.Name("X-MS-ContinuationToken")!
    static let graphRead = "vso.graph"
    static let graphManage = "vso.graph_manage"

    func graphUsers(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .users, scope: Self.graphRead) { call in
            let types = try Self.subjectTypes(request)
            let position = try Self.pageRequest(request, list: "users", size: pageSize)
            let page = try await façade { try $0.users(UserQuery(organizationID: call.organization.id), page: position, by: call.actor) }
            let users = page.items.filter { types.isEmpty || types.contains(SubjectDescriptor.subjectType(of: $0)) }
            return Self.paged(Collection(users.map { GraphUserBody($0, organizationURL: call.organizationURL) }), page, list: "users")
        }
    }

    func graphUser(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .users, scope: Self.graphRead) { call in
            guard case let .user(id) = try Self.descriptor(context, "userDescriptor") else {
                throw AzureDevOpsError.badRequest("That descriptor names a group; users have descriptors like aad.…, msa.…, svc.….")
            }
            let user = try await façade { try Self.member(id, of: call, $0) }
            return Responses.json(.ok, GraphUserBody(user, organizationURL: call.organizationURL))
        }
    }

    func graphGroups(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .groups, scope: Self.graphRead) { call in
            let position = try Self.pageRequest(request, list: "groups", size: pageSize)
            let page = try await façade { try $0.groups(GroupQuery(organizationID: call.organization.id), page: position, by: call.actor) }
            return Self.paged(Collection(page.items.map { GraphGroupBody($0, organization: call.organization, organizationURL: call.organizationURL) }), page, list: "groups")
        }
    }

    func graphGroup(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .groups, scope: Self.graphRead) { call in
            guard case let .group(id) = try Self.descriptor(context, "groupDescriptor") else {
                throw AzureDevOpsError.badRequest("That descriptor names a user; groups have descriptors like vssgp.….")
            }
            let group = try await façade { try Self.group(id, of: call, $0) }
            return Responses.json(.ok, GraphGroupBody(group, organization: call.organization, organizationURL: call.organizationURL))
        }
    }

    /// `GET …/graph/Memberships/{subjectDescriptor}?direction=up|down`: the groups a user or group
    /// belongs to directly (up, the default), or a group's direct members (down).
    func graphMemberships(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .membershipList, scope: Self.graphRead) { call in
            let subject = try Self.descriptor(context, "subjectDescriptor")
            let direction = (request.uri.queryParameters.get("direction") ?? "up").lowercased()
            guard direction == "up" || direction == "down" else {
                throw AzureDevOpsError.badRequest("direction is up (the groups it belongs to) or down (a group's members).")
            }
            let memberships: [GraphMembershipBody] = try await façade { service in
                switch (subject, direction) {
                case let (.user(id), "up"):
                    let user = try Self.member(id, of: call, service)
                    return try service.groups(of: user.id, by: call.actor).filter { $0.organizationID == call.organization.id }.map {
                        GraphMembershipBody(member: SubjectDescriptor.of(user), container: SubjectDescriptor.of($0.id), organizationURL: call.organizationURL)
                    }
                case let (.user(id), _):
                    _ = try Self.member(id, of: call, service)
                    return []
                case let (.group(id), "up"):
                    _ = try Self.group(id, of: call, service)
                    return try service.groups(containing: id, by: call.actor).filter { $0.organizationID == call.organization.id }.map {
                        GraphMembershipBody(member: SubjectDescriptor.of(id), container: SubjectDescriptor.of($0.id), organizationURL: call.organizationURL)
                    }
                case let (.group(id), _):
                    _ = try Self.group(id, of: call, service)
                    return try service.members(of: id, by: call.actor).map { member in
                        let descriptor = switch member {
                        case let .user(user): SubjectDescriptor.of(user)
                        case let .group(group): SubjectDescriptor.of(group.id)
                        }
                        return GraphMembershipBody(member: descriptor, container: SubjectDescriptor.of(id), organizationURL: call.organizationURL)
                    }
                }
            }
            return Responses.json(.ok, Collection(memberships))
        }
    }

    /// `GET`/`HEAD`/`PUT`/`DELETE …/graph/memberships/{subjectDescriptor}/{containerDescriptor}`.
    func graphMembership(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        let changes = request.method == .put || request.method == .delete
        return try await azureDevOps(request, context, .membership, scope: changes ? Self.graphManage : Self.graphRead) { call in
            let subject = try Self.descriptor(context, "subjectDescriptor")
            guard case let .group(containerID) = try Self.descriptor(context, "containerDescriptor") else {
                throw AzureDevOpsError.badRequest("The container must be a group (a vssgp.… descriptor).")
            }
            let method = request.method
            let (isMember, member): (Bool, String) = try await façade { service in
                _ = try Self.group(containerID, of: call, service)
                let member = try Self.canonical(subject, of: call, service)
                let present = try service.members(of: containerID, by: call.actor).contains { $0.member == subject.member }
                if method == .put, !present { try service.addMember(subject.member, to: containerID, by: call.actor) }
                if method == .delete, present { try service.removeMember(subject.member, from: containerID, by: call.actor) }
                return (present, member)
            }
            let body = GraphMembershipBody(member: member, container: SubjectDescriptor.of(containerID), organizationURL: call.organizationURL)
            switch method {
            case .put: return Responses.json(isMember ? .ok : .created, body)
            case .delete:
                guard isMember else { throw AzureDevOpsError.notFound("That subject is not a direct member of the group.", typeKey: "GraphMembershipNotFoundException") }
                return Response(status: .ok)
            default:
                guard isMember else { throw AzureDevOpsError.notFound("That subject is not a direct member of the group.", typeKey: "GraphMembershipNotFoundException") }
                return method == .head ? Response(status: .ok) : Responses.json(.ok, body)
            }
        }
    }

    /// `GET …/graph/descriptors/{storageKey}`: the descriptor of a user's or group's id.
    func graphDescriptor(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .descriptors, scope: Self.graphRead) { call in
            let key = context.parameters.get("storageKey") ?? ""
            guard let uuid = UUID(uuidString: key) else {
                throw AzureDevOpsError.badRequest("A storage key is an id (a UUID such as 3f2a9c1d-…).")
            }
            let descriptor: String = try await façade { service in
                do {
                    return SubjectDescriptor.of(try Self.member(UserID(uuid), of: call, service))
                } catch GatehouseError.notFound {
                    return SubjectDescriptor.of(try Self.group(GroupID(uuid), of: call, service).id)
                }
            }
            return Responses.json(.ok, GraphValueBody(value: descriptor, _links: GraphLinks.subject(descriptor, url: "\(call.organizationURL)/_apis/graph/descriptors/\(key)", organizationURL: call.organizationURL)))
        }
    }

    /// `GET …/graph/storagekeys/{subjectDescriptor}`: the id behind a descriptor.
    func graphStorageKey(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        try await azureDevOps(request, context, .storageKeys, scope: Self.graphRead) { call in
            let subject = try Self.descriptor(context, "subjectDescriptor")
            let descriptor = try await façade { try Self.canonical(subject, of: call, $0) }
            let key = switch subject {
            case let .user(id): id.description
            case let .group(id): id.description
            }
            return Responses.json(.ok, GraphValueBody(value: key, _links: GraphLinks.subject(descriptor, url: "\(call.organizationURL)/_apis/graph/storagekeys/\(descriptor)", organizationURL: call.organizationURL)))
        }
    }

    // MARK: Shared

    static func descriptor(_ context: GatehouseRequestContext, _ name: String) throws -> SubjectDescriptor {
        let raw = context.parameters.get(name) ?? ""
        guard let descriptor = SubjectDescriptor(raw.removingPercentEncoding ?? raw) else {
            throw AzureDevOpsError.badRequest("\u{201C}\(Responses.headerSafe(String(raw.prefix(60))))\u{201D} is not a subject descriptor; Gatehouse's look like aad.… (users) and vssgp.… (groups), as Graph lists them.",
                                              typeKey: "InvalidSubjectDescriptorException")
        }
        return descriptor
    }

    /// The account, when it is a member of the call's organization (and the caller may see it).
    static func member(_ id: UserID, of call: AzureDevOpsCall, _ service: AccessService) throws -> User {
        let user = try service.user(id, by: call.actor)
        guard try service.organizations(of: id, by: call.actor).contains(where: { $0.id == call.organization.id }) else {
            throw GatehouseError.notFound(kind: .user, reference: id.description)
        }
        return user
    }

    static func group(_ id: GroupID, of call: AzureDevOpsCall, _ service: AccessService) throws -> SecurityGroup {
        let group = try service.group(id, by: call.actor)
        guard group.organizationID == call.organization.id else { throw GatehouseError.notFound(kind: .group, reference: id.description) }
        return group
    }

    /// The subject's descriptor as Gatehouse makes it now, once it is known to be in the organization.
    static func canonical(_ subject: SubjectDescriptor, of call: AzureDevOpsCall, _ service: AccessService) throws -> String {
        switch subject {
        case let .user(id): SubjectDescriptor.of(try member(id, of: call, service))
        case let .group(id): SubjectDescriptor.of(try group(id, of: call, service).id)
        }
    }

    /// `subjectTypes=aad,svc`: the descriptor prefixes to keep.
    static func subjectTypes(_ request: Request) throws -> Set<String> {
        let types = Set((request.uri.queryParameters.get("subjectTypes") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        let unknown = types.subtracting(SubjectDescriptor.userPrefixes)
        guard unknown.isEmpty else {
            throw AzureDevOpsError.badRequest("subjectTypes takes \(SubjectDescriptor.userPrefixes.sorted().joined(separator: ", ")) (comma-separated).")
        }
        return types
    }

    /// The page a `continuationToken` asks for (the first without one).
    static func pageRequest(_ request: Request, list: String, size: Int, parameter: String = "continuationToken") throws -> PageRequest {
        guard let text = request.uri.queryParameters.get(parameter), !text.isEmpty else { return .first(size) }
        guard let cursor = ContinuationToken.cursor(text, list: list) else {
            throw AzureDevOpsError.badRequest("The continuation token is not one this list gave; start again without it.", typeKey: "InvalidContinuationTokenException")
        }
        return PageRequest(.after(cursor), limit: size)
    }

    static func paged(_ body: some Encodable, _ page: Page<some Sendable>, list: String) -> Response {
        var headers: HTTPFields = [:]
        if page.hasMoreAfter, let last = page.lastCursor {
            headers[continuationHeader] = ContinuationToken(list: list, cursor: last).encoded
        }
        return Responses.json(.ok, body, headers: headers)
    }
}
