import Foundation
import GatehouseDomain
import HTTPTypes
import Testing
@testable import GatehouseServer

/// Azure DevOps' own REST API under `/{organization}/_apis`, through the router as `gatehouse serve`
/// answers it: what a script written for Azure DevOps sees.
@Suite("Server: Azure DevOps REST API")
struct AzureDevOpsTests {
    static let version = "api-version=7.1-preview.1"

    /// The fixture with a few more people in Default, and a second organization the admin is not in.
    static func world(pageSize: Int = 100) throws -> (ServerFixture, Organization) {
        let fixture = try ServerFixture(options: ServerOptions(pageSize: pageSize))
        let organization = try fixture.service.organization(named: "Default", by: fixture.admin)
        for index in 1...5 {
            _ = try fixture.service.createUser(UserDraft(displayName: "Person \(index)", loginName: "person\(index)"), in: [organization.id], by: fixture.admin)
        }
        return (fixture, organization)
    }

    func json(_ answer: ServerFixture.Answer) throws -> [String: Any] {
        try #require(answer.json as? [String: Any], "not a JSON object: \(answer.body)")
    }

    func value(_ answer: ServerFixture.Answer) throws -> [[String: Any]] {
        try #require(try json(answer)["value"] as? [[String: Any]])
    }

    @Test("location discovery: OPTIONS lists the SDK's resource ids, resourceAreas points every area here")
    func locationDiscovery() async throws {
        let (fixture, _) = try Self.world()
        let admin = ServerFixture.bearer(try fixture.token("admin", scopes: .custom(["vso.graph"])).secret)
        let options = try await fixture.request(.options, "/Default/_apis", headers: admin)
        #expect(options.status == 200)
        let ids = Set(try value(options).compactMap { $0["id"] as? String })
        #expect(ids.isSuperset(of: ["005e26ec-6b77-4e4f-a986-b3827bf241f5", "af68438b-ed04-4407-9eb6-f1dbae3f922e", "00d9565f-ed9c-4a06-9a50-00e7896ccab4"]))
        let areas = try await fixture.request(.get, "/default/_apis/resourceAreas", headers: admin)
        #expect(areas.status == 200)
        #expect(try value(areas).allSatisfy { $0["locationUrl"] as? String == "http://127.0.0.1/default" })
        let connection = try await fixture.request(.get, "/Default/_apis/connectionData?\(Self.version)", headers: admin)
        let user = try #require(try json(connection)["authenticatedUser"] as? [String: Any])
        #expect(user["providerDisplayName"] as? String == fixture.admin.user.displayName)
        #expect((user["descriptor"] as? String)?.hasPrefix("aad.") == true)
    }

    @Test("a method a route does not answer is 405 with Allow")
    func methodNotAllowed() async throws {
        let (fixture, _) = try Self.world()
        let headers = ServerFixture.bearer(try fixture.token("admin", scopes: .custom(["vso.tokens"])).secret)
        let patch = try await fixture.request(.patch, "/Default/_apis/tokens/pats", headers: headers)
        #expect(patch.status == 405)
        #expect(Set((patch.header("Allow") ?? "").components(separatedBy: ", ")) == ["GET", "POST", "PUT", "DELETE"])
        #expect(try await fixture.request(.post, "/Default/_apis/graph/users", headers: headers).status == 405)
        #expect(try await fixture.request(.get, "/Default/_apis/no/such/route", headers: headers).status == 404)
    }

    @Test("--page-size takes 1 to 1000 rows")
    func pageSizeBounds() throws {
        try ServerOptions(pageSize: 1).validate()
        try ServerOptions(pageSize: 1_000).validate()
        for size in [0, -1, 1_001, Int.max, Int.min] {
            #expect(throws: GatehouseError.self) { try ServerOptions(pageSize: size).validate() }
        }
    }

    @Test("an organization the token does not work in is 404 in Azure DevOps' error shape; no token is 401")
    func organizationWall() async throws {
        let (fixture, _) = try Self.world()
        _ = try fixture.service.createOrganization(named: "Elsewhere", by: fixture.admin)
        let admin = ServerFixture.bearer(try fixture.token("admin", scopes: .custom(["vso.graph"])).secret)
        for path in ["/Elsewhere/_apis/graph/users", "/Nowhere/_apis/graph/users", "/Elsewhere/_apis"] {
            let answer = try await fixture.request(path.hasSuffix("_apis") ? .options : .get, path, headers: admin)
            #expect(answer.status == 404, "\(path)")
            #expect(try json(answer)["typeKey"] as? String == "OrganizationNotFoundException")
            #expect(try json(answer)["message"] is String)
        }
        let anonymous = try await fixture.request(.get, "/Default/_apis/graph/users")
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate") != nil)
        #expect(try json(anonymous)["typeKey"] as? String == "UnauthorizedRequestException")
    }

    @Test("Graph lists users and groups page by page with X-MS-ContinuationToken, each once")
    func graphPaging() async throws {
        let (fixture, _) = try Self.world(pageSize: 2)
        let admin = ServerFixture.bearer(try fixture.token("admin", scopes: .custom(["vso.graph"])).secret)
        var names: [String] = []
        var continuation: String?
        var pages = 0
        repeat {
            let query = continuation.map { "&continuationToken=\($0)" } ?? ""
            let answer = try await fixture.request(.get, "/Default/_apis/graph/users?\(Self.version)\(query)", headers: admin)
            #expect(answer.status == 200)
            names += try value(answer).compactMap { $0["displayName"] as? String }
            continuation = answer.header("X-MS-ContinuationToken")
            pages += 1
        } while continuation != nil && pages < 20
        #expect(pages == 3)
        #expect(names.count == 6 && Set(names).count == 6)
        #expect(names.contains("Person 3"))

        let groups = try await fixture.request(.get, "/Default/_apis/graph/groups?\(Self.version)", headers: admin)
        #expect(try value(groups).allSatisfy { ($0["descriptor"] as? String)?.hasPrefix("vssgp.") == true })
        #expect(groups.header("X-MS-ContinuationToken") != nil)

        for bad in ["garbage", "eyJ4IjoxfQ", String(repeating: "A", count: 5_000), "%00%ff"] {
            let answer = try await fixture.request(.get, "/Default/_apis/graph/users?continuationToken=\(bad)", headers: admin)
            #expect(answer.status == 400, "\(bad.prefix(20))")
            #expect(try json(answer)["typeKey"] as? String == "InvalidContinuationTokenException")
        }
    }

    @Test("a user by descriptor, its memberships both ways, storage key and descriptor round trip")
    func graphSubjects() async throws {
        let (fixture, organization) = try Self.world()
        let admin = ServerFixture.bearer(try fixture.token("admin", scopes: .custom(["vso.graph"])).secret)
        let person = try fixture.service.user(login: "person1", by: fixture.admin)
        let descriptor = SubjectDescriptor.of(person)
        let user = try await fixture.request(.get, "/Default/_apis/graph/users/\(descriptor)?\(Self.version)", headers: admin)
        #expect(try json(user)["directoryAlias"] as? String == "person1")
        #expect(try json(user)["originId"] as? String == person.id.description)

        let up = try await fixture.request(.get, "/Default/_apis/graph/Memberships/\(descriptor)", headers: admin)
        let valid = try fixture.service.group(named: DefaultGroup.projectCollectionValidUsers.name, in: organization.id, by: fixture.admin)
        #expect(try value(up).contains { $0["containerDescriptor"] as? String == SubjectDescriptor.of(valid.id) })
        let down = try await fixture.request(.get, "/Default/_apis/graph/Memberships/\(SubjectDescriptor.of(valid.id))?direction=down", headers: admin)
        #expect(try value(down).contains { $0["memberDescriptor"] as? String == descriptor })

        let key = try await fixture.request(.get, "/Default/_apis/graph/storagekeys/\(descriptor)", headers: admin)
        #expect(try json(key)["value"] as? String == person.id.description)
        let back = try await fixture.request(.get, "/Default/_apis/graph/descriptors/\(person.id.description)", headers: admin)
        #expect(try json(back)["value"] as? String == descriptor)

        for bad in ["aad.", "aad.!!!!", "vssgp.\(SubjectDescriptor.encode("not-a-uuid"))", "xyz.abc", String(repeating: "a", count: 300)] {
            let answer = try await fixture.request(.get, "/Default/_apis/graph/users/\(bad)", headers: admin)
            #expect(answer.status == 400, "\(bad.prefix(20))")
        }
        let unknown = "aad.\(SubjectDescriptor.encode(UUID().uuidString.lowercased()))"
        #expect(try await fixture.request(.get, "/Default/_apis/graph/users/\(unknown)", headers: admin).status == 404)
        #expect(try await fixture.request(.get, "/Default/_apis/graph/Memberships/\(descriptor)?direction=sideways", headers: admin).status == 400)
    }

    @Test("membership add and remove with vso.graph_manage, audited with the token's handle")
    func membershipChanges() async throws {
        let (fixture, organization) = try Self.world()
        let manage = try fixture.token("manage", scopes: .custom(["vso.graph_manage"]))
        let headers = ServerFixture.bearer(manage.secret)
        let team = try fixture.service.createGroup(named: "Team", in: organization.id, by: fixture.admin)
        let person = try fixture.service.user(login: "person2", by: fixture.admin)
        let path = "/Default/_apis/graph/memberships/\(SubjectDescriptor.of(person))/\(SubjectDescriptor.of(team.id))?\(Self.version)"
        #expect(try await fixture.request(.head, path, headers: headers).status == 404)
        let added = try await fixture.request(.put, path, headers: headers)
        #expect(added.status == 201)
        #expect(try json(added)["memberDescriptor"] as? String == SubjectDescriptor.of(person))
        #expect(try await fixture.request(.put, path, headers: headers).status == 200)
        #expect(try await fixture.request(.head, path, headers: headers).status == 200)
        #expect(try fixture.service.members(of: team.id, by: fixture.admin).map(\.member) == [.user(person.id)])
        let event = try #require(try fixture.service.auditEvents(AuditQuery(actions: [.groupMemberAdded]), page: .first(1), by: fixture.admin).items.first)
        #expect(event.details.contains { $0.value == "token \(manage.token.handle)" })

        #expect(try await fixture.request(.delete, path, headers: headers).status == 200)
        #expect(try fixture.service.members(of: team.id, by: fixture.admin).isEmpty)
        #expect(try await fixture.request(.delete, path, headers: headers).status == 404)
    }

    @Test("a token without the scope gets 403 in Azure DevOps' shape, and nothing changes")
    func lackingScope() async throws {
        let (fixture, organization) = try Self.world()
        let code = try fixture.token("code only", scopes: .custom(["vso.code"]))
        let headers = ServerFixture.bearer(code.secret)
        let team = try fixture.service.createGroup(named: "Team", in: organization.id, by: fixture.admin)
        let person = try fixture.service.user(login: "person2", by: fixture.admin)
        let membership = "/Default/_apis/graph/memberships/\(SubjectDescriptor.of(person))/\(SubjectDescriptor.of(team.id))"
        let before = try fixture.service.count(TokenQuery(), by: fixture.admin)
        let calls: [(HTTPRequest.Method, String, String)] = [
            (.get, "/Default/_apis/graph/users", ""), (.get, "/Default/_apis/graph/groups", ""), (.put, membership, ""),
            (.get, "/Default/_apis/tokenadmin/personalaccesstokens/\(SubjectDescriptor.of(fixture.admin.user))", ""),
            (.post, "/Default/_apis/tokenadmin/revocations", "[{\"authorizationId\": \"\(code.token.id)\"}]"),
            (.get, "/Default/_apis/tokens/pats", ""), (.post, "/Default/_apis/tokens/pats", "{\"displayName\": \"x\", \"scope\": \"vso.code\"}"),
            (.delete, "/Default/_apis/tokens/pats?authorizationId=\(code.token.id)", ""),
        ]
        for (method, path, body) in calls {
            let answer = try await fixture.request(method, path, headers: headers, body: Array(body.utf8))
            #expect(answer.status == 403, "\(method) \(path)")
            #expect(try json(answer)["typeKey"] as? String == "InsufficientScopeException")
            #expect(!answer.body.contains(code.secret.reveal()))
        }
        #expect(try fixture.service.members(of: team.id, by: fixture.admin).isEmpty)
        #expect(try fixture.service.count(TokenQuery(), by: fixture.admin) == before)
        #expect(try fixture.service.token(code.token.id, by: fixture.admin).revocation == nil)
    }

    @Test("Token Administration lists a user's tokens and revokes them; /auth/check refuses after")
    func tokenAdministration() async throws {
        let (fixture, _) = try Self.world(pageSize: 2)
        let administrator = ServerFixture.bearer(try fixture.token("admin", scopes: .custom(["vso.tokenadministration"])).secret)
        let victims = try (1...3).map { try fixture.token("victim \($0)") }
        let descriptor = SubjectDescriptor.of(fixture.admin.user)
        var listed: [String] = []
        var continuation: String?
        repeat {
            let query = continuation.map { "&continuationToken=\($0)" } ?? ""
            let answer = try await fixture.request(.get, "/Default/_apis/tokenadmin/personalaccesstokens/\(descriptor)?pageSize=2\(query)", headers: administrator)
            #expect(answer.status == 200)
            listed += try value(answer).compactMap { $0["authorizationId"] as? String }
            #expect(try value(answer).allSatisfy { $0["token"] is NSNull })
            continuation = try json(answer)["continuationToken"] as? String
        } while continuation != nil && listed.count < 20
        #expect(Set(listed).isSuperset(of: victims.map(\.token.id.description)))

        let check = ServerFixture.basic("", victims[0].secret.reveal())
        #expect(try await fixture.request(.get, "/auth/check?org=Default&scope=vso.code", headers: check).status == 204)
        let body = Array("[{\"authorizationId\": \"\(victims[0].token.id)\"}]".utf8)
        #expect(try await fixture.request(.post, "/Default/_apis/tokenadmin/revocations?\(Self.version)", headers: administrator, body: body).status == 204)
        #expect(try await fixture.request(.get, "/auth/check?org=Default&scope=vso.code", headers: check).status == 401)
        #expect(try fixture.service.token(victims[1].token.id, by: fixture.admin).revocation == nil)

        // One unknown id refuses the whole list: nothing is revoked.
        let mixed = Array("[{\"authorizationId\": \"\(victims[1].token.id)\"}, {\"authorizationId\": \"\(UUID())\"}]".utf8)
        #expect(try await fixture.request(.post, "/Default/_apis/tokenadmin/revocations", headers: administrator, body: mixed).status == 404)
        #expect(try fixture.service.token(victims[1].token.id, by: fixture.admin).revocation == nil)
        for bad in ["", "{}", "[{\"authorizationId\": 5}]", "[{\"authorizationId\": \"nope\"}]", "[[[[", String(repeating: "[", count: 100_000)] {
            let answer = try await fixture.request(.post, "/Default/_apis/tokenadmin/revocations", headers: administrator, body: Array(bad.utf8))
            #expect([400, 413].contains(answer.status), "\(bad.prefix(20))")
        }
        for size in ["0", "-1", "abc", "99999999999999999999999", "1e3"] {
            let answer = try await fixture.request(.get, "/Default/_apis/tokenadmin/personalaccesstokens/\(descriptor)?pageSize=\(size)", headers: administrator)
            #expect([200, 400].contains(answer.status), "\(size)")
        }
    }

    @Test("PAT lifecycle over plain HTTP: create shows the secret once, list, get, update, revoke")
    func patLifecycle() async throws {
        let (fixture, _) = try Self.world()
        let headers = ServerFixture.bearer(try fixture.token("automation", scopes: .custom(["vso.tokens"])).secret)
        let validTo = Date().addingTimeInterval(20 * 86_400).formatted(.iso8601)
        let created = try await fixture.request(.post, "/Default/_apis/tokens/pats?\(Self.version)", headers: headers,
                                                body: Array("{\"displayName\": \"rotated\", \"scope\": \"vso.code vso.build\", \"validTo\": \"\(validTo)\", \"allOrgs\": false}".utf8))
        #expect(created.status == 200, "\(created.body)")
        #expect(try json(created)["patTokenError"] as? String == "none")
        let pat = try #require(try json(created)["patToken"] as? [String: Any])
        let secret = try #require(pat["token"] as? String)
        #expect(secret.hasPrefix("gpat_"))
        let id = try #require(pat["authorizationId"] as? String)
        #expect(pat["scope"] as? String == "vso.build vso.code" || pat["scope"] as? String == "vso.code vso.build")

        let listed = try await fixture.request(.get, "/Default/_apis/tokens/pats?\(Self.version)", headers: headers)
        let tokens = try #require(try json(listed)["patTokens"] as? [[String: Any]])
        #expect(tokens.contains { $0["authorizationId"] as? String == id })
        #expect(!listed.body.contains(secret))
        let one = try await fixture.request(.get, "/Default/_apis/tokens/pats?authorizationId=\(id)", headers: headers)
        #expect(!one.body.contains(secret))
        #expect((try json(one)["patToken"] as? [String: Any])?["displayName"] as? String == "rotated")

        let updated = try await fixture.request(.put, "/Default/_apis/tokens/pats", headers: headers,
                                                body: Array("{\"authorizationId\": \"\(id)\", \"displayName\": \"renamed\", \"scope\": \"vso.code\"}".utf8))
        #expect(updated.status == 200, "\(updated.body)")
        #expect((try json(updated)["patToken"] as? [String: Any])?["displayName"] as? String == "renamed")
        let moved = try await fixture.request(.put, "/Default/_apis/tokens/pats", headers: headers,
                                              body: Array("{\"authorizationId\": \"\(id)\", \"allOrgs\": true}".utf8))
        #expect(try json(moved)["patTokenError"] as? String == "invalidTargetAccounts")

        #expect(try await fixture.request(.delete, "/Default/_apis/tokens/pats?authorizationId=\(id)", headers: headers).status == 204)
        let check = ServerFixture.basic("", secret)
        #expect(try await fixture.request(.get, "/auth/check?org=Default&scope=vso.code", headers: check).status == 401)
        let revoked = try await fixture.request(.get, "/Default/_apis/tokens/pats?displayFilterOption=revoked", headers: headers)
        #expect(try #require(try json(revoked)["patTokens"] as? [[String: Any]]).contains { $0["authorizationId"] as? String == id })

        // Someone else's token is not the caller's to see.
        let other = try fixture.token("person1's own", by: try fixture.service.resolveActor(login: "person1"))
        #expect(try await fixture.request(.get, "/Default/_apis/tokens/pats?authorizationId=\(other.token.id)", headers: headers).status == 404)
        for bad in ["authorizationId=nope", "displayFilterOption=sometimes", "sortByOption=color", "isSortAscending=maybe", "continuationToken=zzz"] {
            #expect(try await fixture.request(.get, "/Default/_apis/tokens/pats?\(bad)", headers: headers).status == 400, "\(bad)")
        }
    }

    @Test("each policy refusal is its patTokenError, and no token is made", arguments: [
        (PolicyKind.restrictFullScopedTokens, "{\"displayName\": \"t\", \"scope\": \"app_token\"}", "fullScopePatPolicyViolation"),
        (PolicyKind.restrictGlobalTokens, "{\"displayName\": \"t\", \"scope\": \"vso.code\", \"allOrgs\": true}", "globalPatPolicyViolation"),
        (PolicyKind.maximumLifespan, "{\"displayName\": \"t\", \"scope\": \"vso.code\", \"validTo\": \"VALID_TO\"}", "patLifespanPolicyViolation"),
        (PolicyKind.restrictCreation, "{\"displayName\": \"t\", \"scope\": \"vso.code\"}", "disablePatCreationPolicyViolation"),
    ])
    func policyRefusals(kind: PolicyKind, body: String, code: String) async throws {
        let (fixture, organization) = try Self.world()
        let person = try fixture.service.user(login: "person1", by: fixture.admin)
        let actor = try fixture.service.resolveActor(login: "person1")
        let headers = ServerFixture.bearer(try fixture.token("automation", scopes: .custom(["vso.tokens"]), by: actor).secret)
        let policies = try fixture.service.policies(of: organization.id, by: fixture.admin)
        _ = try fixture.service.updatePolicy(TokenPolicy(kind: kind, isEnabled: true, maximumLifespanDays: 30), in: organization.id,
                                             expectedVersion: policies.version, by: fixture.admin)
        let before = try fixture.service.count(TokenQuery(ownerID: person.id), by: fixture.admin)
        let validTo = Date().addingTimeInterval(90 * 86_400).formatted(.iso8601)
        let answer = try await fixture.request(.post, "/Default/_apis/tokens/pats?\(Self.version)", headers: headers,
                                               body: Array(body.replacingOccurrences(of: "VALID_TO", with: validTo).utf8))
        #expect([400, 403].contains(answer.status))
        #expect(try json(answer)["patTokenError"] as? String == code, "\(answer.body)")
        #expect(try json(answer)["patToken"] is NSNull)
        #expect(try fixture.service.count(TokenQuery(ownerID: person.id), by: fixture.admin) == before)
    }

    @Test("bad PAT bodies and api-versions are refused with a reason, never a trap", arguments: [
        "{\"scope\": \"vso.code\"}", "{\"displayName\": \"t\", \"scope\": \"vso.nothing\"}", "{\"displayName\": \"t\", \"scope\": \"\"}",
        "{\"displayName\": \"t\", \"scope\": \"vso.code\", \"validTo\": \"yesterday\"}",
        "{\"displayName\": \"t\", \"scope\": \"vso.code\", \"validTo\": \"1999-01-01T00:00:00Z\"}",
        "{\"displayName\": \"t\", \"scope\": \"vso.code\", \"validTo\": \"9999-12-31T23:59:59Z\"}",
        "{\"displayName\": 12}", "not json", "",
    ])
    func badPatBodies(body: String) async throws {
        let (fixture, _) = try Self.world()
        let headers = ServerFixture.bearer(try fixture.token("automation", scopes: .custom(["vso.tokens"])).secret)
        let answer = try await fixture.request(.post, "/Default/_apis/tokens/pats", headers: headers, body: Array(body.utf8))
        #expect(answer.status == 400, "\(answer.body)")
        #expect(answer.header("X-Gatehouse-Reason") != nil)
    }

    @Test("api-version: a wrong one is 400 in Azure DevOps' shape", arguments: [
        ("8.0-preview.1", "VssVersionOutOfRangeException"), ("7.1", "VssInvalidPreviewVersionException"),
        ("banana", "VssInvalidApiVersionException"), ("7.1-preview.999", "VssInvalidApiVersionException"), ("0.1-preview", "VssVersionOutOfRangeException"),
    ])
    func apiVersions(version: String, typeKey: String) async throws {
        let (fixture, _) = try Self.world()
        let headers = ServerFixture.bearer(try fixture.token("admin", scopes: .custom(["vso.graph"])).secret)
        let answer = try await fixture.request(.get, "/Default/_apis/graph/users?api-version=\(version)", headers: headers)
        #expect(answer.status == 400)
        #expect(try json(answer)["typeKey"] as? String == typeKey)
        var accept = headers
        accept[.accept] = "application/json;api-version=\(version)"
        #expect(try await fixture.request(.get, "/Default/_apis/graph/users", headers: accept).status == 400)
    }
}
