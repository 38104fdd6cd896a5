import Crypto
import Foundation
import GatehouseDomain
import HTTPTypes
import Testing
@testable import GatehouseServer

@Suite("Server: other routes")
struct RoutesTests {
    @Test("the OpenAPI document lists exactly the router's routes, and each route the code declares")
    func openAPIMatchesRouter() throws {
        let fixture = try ServerFixture()
        let routed = Set(fixture.http.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        let declared = Set(GatehouseHTTP.routes.map { "\($0.method.rawValue) \($0.path)" })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json(catalog: fixture.catalog).utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(routed == documented)
        #expect(declared == documented)
    }

    @Test("connectionData answers who the token authenticates, in Azure DevOps' shape")
    func connectionData() async throws {
        let fixture = try ServerFixture()
        let read = try fixture.token("read")
        let answer = try await fixture.request(.get, "/_apis/connectionData", headers: ServerFixture.basic("", read.secret.reveal()))
        #expect(answer.status == 200)
        let json = try #require(answer.json as? [String: Any])
        let user = try #require(json["authenticatedUser"] as? [String: Any])
        #expect(user["id"] as? String == fixture.admin.user.id.description)
        #expect(user["providerDisplayName"] as? String == fixture.admin.user.displayName)
        #expect((user["descriptor"] as? String)?.hasPrefix("aad.") == true)
        #expect(json["authorizedUser"] != nil && json["instanceId"] != nil)
        #expect(try await fixture.request(.get, "/_apis/connectionData").status == 401)
    }

    @Test("introspection: claims for an active token, active false otherwise, 403 without the admin scope")
    func introspection() async throws {
        let fixture = try ServerFixture()
        let subject = try fixture.token("subject", scopes: .custom(["vso.code_write", "vso.build"]))
        let tool = try fixture.token("tool", scopes: .custom(["vso.tokenadministration"]))
        let form = Array("token=\(subject.secret.reveal())".utf8)
        var headers = ServerFixture.bearer(tool.secret)
        headers[.contentType] = "application/x-www-form-urlencoded"
        let answer = try await fixture.request(.post, "/oauth/introspect", headers: headers, body: form)
        #expect(answer.status == 200)
        let json = try #require(answer.json as? [String: Any])
        #expect(json["active"] as? Bool == true)
        #expect(json["scope"] as? String == "vso.build vso.code_write" || json["scope"] as? String == "vso.code_write vso.build")
        #expect(json["username"] as? String == "admin")
        #expect(json["sub"] as? String == fixture.admin.user.id.description)
        #expect(json["exp"] as? Int == Int(subject.token.validTo.timeIntervalSince1970))
        #expect(!answer.body.contains(subject.secret.reveal()))

        _ = try fixture.service.revokeToken(subject.token.id, by: fixture.admin)
        let inactive = try await fixture.request(.post, "/oauth/introspect", headers: headers, body: form)
        #expect(inactive.body == #"{"active":false}"#)

        let narrow = try fixture.token("narrow")
        #expect(try await fixture.request(.post, "/oauth/introspect", headers: ServerFixture.bearer(narrow.secret), body: form).status == 403)
        #expect(try await fixture.request(.post, "/oauth/introspect", headers: headers, body: Array("nothing=1".utf8)).status == 400)
        #expect(try await fixture.request(.post, "/oauth/introspect", body: form).status == 401)
    }

    @Test("a signed leak report revokes an active token by policy; unsigned or badly signed reports are refused")
    func leakReports() async throws {
        let signing = P256.Signing.PrivateKey()
        let fixture = try ServerFixture(leakKeys: LeakReportKeys(keys: [LeakReportKeys.key(signing.publicKey)]))
        let leaky = try fixture.token("leaky")
        let stranger = TokenFormat.generate(using: SystemRandomSource())
        let body = Array("""
            [{"token":"\(leaky.secret.reveal())","type":"gatehouse_pat","url":"https://github.com/o/r/blob/main/.env","source":"content"},
             {"token":"\(stranger.reveal())","type":"gatehouse_pat","url":"https://github.com/o/r","source":"content"}]
            """.utf8)
        func signed(_ bytes: [UInt8], by key: P256.Signing.PrivateKey) throws -> HTTPFields {
            let signature = try key.signature(for: bytes).derRepresentation.base64EncodedString()
            return [HTTPField.Name("Github-Public-Key-Signature")!: signature, HTTPField.Name("Github-Public-Key-Identifier")!: "abc", .contentType: "application/json"]
        }
        #expect(try await fixture.request(.post, "/_apis/tokens/leaked", body: body).status == 401)
        #expect(try await fixture.request(.post, "/_apis/tokens/leaked", headers: try signed(body, by: P256.Signing.PrivateKey()), body: body).status == 401)
        #expect((try fixture.service.verify(leaky.secret)).isSuccess)

        let answer = try await fixture.request(.post, "/_apis/tokens/leaked", headers: try signed(body, by: signing), body: body)
        #expect(answer.status == 200)
        let labels = try #require(answer.json as? [[String: String]])
        let hash = SHA256.hash(data: Data(leaky.secret.reveal().utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(labels.map { $0["label"] } == ["true_positive", "false_positive"])
        #expect(labels.first?["token_hash"] == hash)
        let revoked = try fixture.service.token(leaky.token.id, by: fixture.admin)
        #expect(revoked.revocation?.reason == "https://github.com/o/r/blob/main/.env")
        #expect(!answer.body.contains(leaky.secret.reveal()))
    }

    @Test("healthz, metrics and openapi.json answer")
    func operational() async throws {
        let fixture = try ServerFixture()
        #expect(try await fixture.request(.get, "/healthz").body == #"{"status":"ok"}"#)
        let read = try fixture.token("read")
        _ = try await fixture.request(.get, "/auth/check?org=Default", headers: ServerFixture.bearer(read.secret))
        let metrics = try await fixture.request(.get, "/metrics")
        #expect(metrics.body.contains("gatehouse_verifications_total"))
        #expect(metrics.body.contains("gatehouse_verification_cache_hit_ratio"))
        #expect(metrics.body.contains(#"gatehouse_http_requests_total{route="/auth/check",method="GET",status="204"} 1"#))
        #expect(try await fixture.request(.get, "/openapi.json").status == 200)
        #expect(try await fixture.request(.get, "/nowhere").status == 404)
        let wrongMethod = try await fixture.request(.delete, "/auth/check")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET")
    }
}
