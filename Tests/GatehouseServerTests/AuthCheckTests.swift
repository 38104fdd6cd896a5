import Foundation
import GatehouseDomain
import GatehouseStore
import HTTPTypes
import Testing
@testable import GatehouseServer

@Suite("Server: /auth/check and credentials")
struct AuthCheckTests {
    @Test("Basic with any user name (an empty one too) and Bearer are read as Azure DevOps reads them")
    func credentialForms() throws {
        let secret = TokenFormat.generate(using: SystemRandomSource())
        func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        #expect(PresentedCredential(authorization: basic("x:\(secret.reveal())")) == .token(secret))
        #expect(PresentedCredential(authorization: basic(":\(secret.reveal())")) == .token(secret))
        #expect(PresentedCredential(authorization: "bearer \(secret.reveal())") == .token(secret))
        #expect(PresentedCredential(authorization: nil) == PresentedCredential.none)
        #expect(PresentedCredential(authorization: "  ") == PresentedCredential.none)
        #expect(PresentedCredential(authorization: "Basic !!!") == .malformedHeader)
        #expect(PresentedCredential(authorization: basic("no-colon")) == .malformedHeader)
        #expect(PresentedCredential(authorization: "Digest abc") == .malformedHeader)
        #expect(PresentedCredential(authorization: "Bearer") == .malformedHeader)
        #expect(PresentedCredential(authorization: "Bearer " + String(repeating: "a", count: 5_000)) == .malformedHeader)
        #expect(PresentedCredential(authorization: "Bearer ghp_abc") == .malformedToken(.wrongPrefix))
        var typo = Array(secret.reveal())
        typo[10] = typo[10] == "a" ? "b" : "a"
        #expect(PresentedCredential(authorization: "Bearer \(String(typo))") == .malformedToken(.checksumMismatch))
    }

    @Test("204 with the user and token headers; 403 with the reason; 401 with WWW-Authenticate")
    func statuses() async throws {
        let fixture = try ServerFixture()
        let read = try fixture.token("read")
        let allowed = try await fixture.request(.get, "/auth/check?org=Default&scope=vso.code", headers: ServerFixture.basic("x", read.secret.reveal()))
        #expect(allowed.status == 204)
        #expect(allowed.header("X-Gatehouse-User") == "admin")
        #expect(allowed.header("X-Gatehouse-Token") == read.token.id.description)

        let push = try await fixture.request(.get, "/auth/check?org=Default&scope=vso.code_write", headers: ServerFixture.bearer(read.secret))
        #expect(push.status == 403)
        #expect(push.header("X-Gatehouse-Reason")?.hasPrefix("scope:") == true)

        let other = try await fixture.request(.get, "/auth/check?org=Fabrikam&scope=vso.code", headers: ServerFixture.bearer(read.secret))
        #expect(other.status == 403)
        #expect(other.header("X-Gatehouse-Reason")?.hasPrefix("organization:") == true)

        let anonymous = try await fixture.request(.get, "/auth/check?org=Default")
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate") == "Basic realm=\"Gatehouse\"")

        _ = try fixture.service.revokeToken(read.token.id, by: fixture.admin)
        let revoked = try await fixture.request(.get, "/auth/check?org=Default&scope=vso.code", headers: ServerFixture.bearer(read.secret))
        #expect(revoked.status == 401)
        #expect(revoked.header("X-Gatehouse-Reason")?.hasPrefix("revoked:") == true)

        let misconfigured = try await fixture.request(.get, "/auth/check?scope=vso.code", headers: ServerFixture.bearer(read.secret))
        #expect(misconfigured.status == 400)
        let unknownScope = try await fixture.request(.get, "/auth/check?org=Default&scope=vso.cod", headers: ServerFixture.bearer(read.secret))
        #expect(unknownScope.status == 400)
    }

    @Test("no secret in any answer: refused tokens are never echoed")
    func noSecretEchoed() async throws {
        let fixture = try ServerFixture()
        let read = try fixture.token("read")
        for path in ["/auth/check?org=Default&scope=vso.code_write", "/auth/check?org=Nope", "/_apis/connectionData?org=Nope"] {
            let answer = try await fixture.request(.get, path, headers: ServerFixture.bearer(read.secret))
            #expect(!answer.body.contains(read.secret.reveal()))
            #expect(!answer.headers.contains { $0.value.contains(read.secret.reveal()) })
        }
    }

    @Test("repeated failures from one address: 429 with Retry-After, even for a good token; other addresses unaffected")
    func failureLimit() async throws {
        var options = ServerOptions()
        options.failureLimit = 3
        options.failureWindow = 3_600  // long: a loaded machine must not let the window pass mid-test
        options.trustedProxies = ["10.0.0.1"]
        let fixture = try ServerFixture(options: options)
        let good = try fixture.token("good")
        let bad = TokenFormat.generate(using: SystemRandomSource())
        for _ in 0..<3 {
            let refused = try await fixture.request(.get, "/auth/check?org=Default", headers: ServerFixture.bearer(bad), peer: "192.0.2.7")
            #expect(refused.status == 401)
        }
        let limited = try await fixture.request(.get, "/auth/check?org=Default", headers: ServerFixture.bearer(good.secret), peer: "192.0.2.7")
        #expect(limited.status == 429)
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
        let elsewhere = try await fixture.request(.get, "/auth/check?org=Default", headers: ServerFixture.bearer(good.secret), peer: "192.0.2.8")
        #expect(elsewhere.status == 204)
        // Through the trusted proxy, the forwarded address counts; an untrusted peer cannot claim one.
        var forwarded = ServerFixture.bearer(good.secret)
        forwarded[HTTPField.Name("X-Real-IP")!] = "192.0.2.7"
        #expect(try await fixture.request(.get, "/auth/check?org=Default", headers: forwarded, peer: "10.0.0.1").status == 429)
        #expect(try await fixture.request(.get, "/auth/check?org=Default", headers: forwarded, peer: "192.0.2.9").status == 204)
    }

    @Test("the client address: the peer, unless the peer is a trusted proxy")
    func clientAddress() {
        let resolver = ClientAddressResolver(trustedProxies: ["127.0.0.1", "10.0.0.1"])
        #expect(resolver.resolve(peer: "203.0.113.5", realIP: "1.2.3.4", forwardedFor: ["5.6.7.8"]) == "203.0.113.5")
        #expect(resolver.resolve(peer: "127.0.0.1", realIP: "1.2.3.4", forwardedFor: []) == "1.2.3.4")
        #expect(resolver.resolve(peer: "127.0.0.1", realIP: nil, forwardedFor: ["9.9.9.9, 1.2.3.4, 10.0.0.1"]) == "1.2.3.4")
        #expect(resolver.resolve(peer: "127.0.0.1", realIP: nil, forwardedFor: []) == "127.0.0.1")
        #expect(resolver.resolve(peer: nil, realIP: nil, forwardedFor: []) == "unknown")
    }

    @Test("last used is written off the request path, by the deferred writes")
    func lastUsedDeferred() async throws {
        let fixture = try ServerFixture()
        let read = try fixture.token("read")
        #expect(try await fixture.request(.get, "/auth/check?org=Default", headers: ServerFixture.bearer(read.secret)).status == 204)
        #expect(try fixture.service.token(read.token.id, by: fixture.admin).lastUsedAt == nil)
        await fixture.http.writes.flush()
        #expect(try fixture.service.token(read.token.id, by: fixture.admin).lastUsedAt != nil)
    }
}

@Suite("Server: options")
struct ServerOptionsTests {
    @Test("--listen parses host:port and [v6]:port; nonsense is refused", arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080), ("[::1]:0", "::1", 0), ("0.0.0.0:443", "0.0.0.0", 443),
    ])
    func listen(text: String, host: String, port: Int) throws {
        let parsed = try ServerOptions.parseListen(text)
        #expect(parsed.host == host && parsed.port == port)
    }

    @Test("bad --listen values are refused", arguments: ["8080", "host:", ":80", "h:99999", "h:-1", "[::1]8080", "h:1e3"])
    func badListen(text: String) {
        #expect(throws: GatehouseError.self) { try ServerOptions.parseListen(text) }
    }

    @Test("plain HTTP beyond loopback is refused unless --insecure-http; half a TLS configuration is refused")
    func exposure() throws {
        try ServerOptions(host: "127.0.0.1").validate()
        try ServerOptions(host: "::1").validate()
        #expect(throws: GatehouseError.self) { try ServerOptions(host: "0.0.0.0").validate() }
        try ServerOptions(host: "0.0.0.0", insecureHTTP: true).validate()
        try ServerOptions(host: "0.0.0.0", tlsCertificate: "c.pem", tlsKey: "k.pem").validate()
        #expect(throws: GatehouseError.self) { try ServerOptions(host: "127.0.0.1", tlsCertificate: "c.pem").validate() }
    }
}

@Suite("Server: a directory database that stops answering")
struct DirectoryTroubleTests {
    /// Forwards to SQLite until `failing` is set, then answers as a PostgreSQL store does when
    /// the database host is down.
    final class FailingStore: DirectoryStore, @unchecked Sendable {
        let base: SQLiteDirectoryStore
        var failing = false
        init(_ base: SQLiteDirectoryStore) { self.base = base }
        func check() throws {
            if failing { throw GatehouseError.unavailable(host: "db.example:5432/gatehouse", detail: "connection refused") }
        }
        func read<T>(_ body: (any DirectoryReader) throws -> T) throws -> T { try check(); return try base.read(body) }
        func write<T>(_ body: (any DirectoryWriter) throws -> T) throws -> T { try check(); return try base.write(body) }
    }

    @Test("a directory database that stops answering is 503 with Retry-After, not a bad token or a 500")
    func databaseDown() async throws {
        var store: FailingStore?
        let fixture = try ServerFixture(wrapping: { let wrapped = FailingStore($0); store = wrapped; return wrapped })
        let issued = try fixture.token("ci")
        let headers = ServerFixture.basic("", issued.secret.reveal())
        #expect(try await fixture.request(.get, "/auth/check?org=Default&scope=vso.code", headers: headers).status == 204)
        store?.failing = true
        for path in ["/auth/check?org=Default&scope=vso.code", "/_apis/connectionData", "/Default/_apis/connectionData"] {
            let answer = try await fixture.request(.get, path, headers: headers)
            #expect(answer.status == 503, "\(path)")
            #expect(answer.header("Retry-After") == "1")
            #expect(!answer.body.contains("db.example"), "the host stays in the server's log")
        }
        store?.failing = false
        #expect(try await fixture.request(.get, "/auth/check?org=Default&scope=vso.code", headers: headers).status == 204)
    }
}
