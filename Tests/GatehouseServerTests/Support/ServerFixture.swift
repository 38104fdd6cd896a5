import Foundation
import GatehouseDomain
import GatehouseStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
@testable import GatehouseServer

/// A real directory (SQLite in a temporary folder) with its first administrator, and the HTTP
/// layer over it, called through the router's responder: every route as `gatehouse serve` answers
/// it, without a socket.
final class ServerFixture: @unchecked Sendable {
    let folder: URL
    let service: AccessService
    let admin: Actor
    let catalog: ScopeCatalog
    let threadPool: NIOThreadPool
    let http: GatehouseHTTP
    let responder: Router<GatehouseRequestContext>.Responder

    static let resources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources")

    /// `wrapping` puts a store between the service and the SQLite file (a failing database, say).
    init(options: ServerOptions = ServerOptions(), leakKeys: LeakReportKeys = LeakReportKeys(keys: []),
         wrapping wrap: (SQLiteDirectoryStore) -> any DirectoryStore = { $0 }) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteDirectoryStore(path: folder.appendingPathComponent("gatehouse.sqlite").path)
        catalog = try ScopeCatalog(json: Data(contentsOf: Self.resources.appendingPathComponent("scopes.json")))
        service = AccessService(store: wrap(store), catalog: catalog)
        _ = try service.bootstrapIfEmpty(administratorLogin: "admin")
        admin = try service.resolveActor(login: "admin")
        threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        http = GatehouseHTTP(service: service, options: options, leakKeys: leakKeys, threadPool: threadPool, logger: logger)
        responder = http.router().buildResponder()
    }

    deinit {
        try? threadPool.syncShutdownGracefully()
        try? FileManager.default.removeItem(at: folder)
    }

    func token(_ name: String, scopes: ScopeSelection = .custom(["vso.code"]), by actor: Actor? = nil, days: Int = 30) throws -> IssuedToken {
        let organization = try service.organization(named: "Default", by: actor ?? admin)
        return try service.createToken(
            TokenRequest(displayName: name, ownerID: nil, target: .organization(organization.id), scopes: scopes, expiration: .days(days)),
            by: actor ?? admin)
    }

    struct Answer {
        let status: Int
        let headers: HTTPFields
        let body: String

        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
    }

    func request(_ method: HTTPRequest.Method = .get, _ path: String, headers: HTTPFields = [:], body: [UInt8] = [],
                 peer: String? = nil) async throws -> Answer {
        let channel = EmbeddedChannel()
        if let peer { try await channel.connect(to: SocketAddress(ipAddress: peer, port: 40_000)) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let context = GatehouseRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
        let request = Request(head: HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1", path: path, headerFields: headers),
                              body: RequestBody(buffer: ByteBuffer(bytes: body)))
        let response = try await responder.respond(to: request, context: context)
        let collected = Collected()
        try await response.body.write(CollectingWriter(collected: collected))
        return Answer(status: response.status.code, headers: response.headers, body: collected.text)
    }

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    static func bearer(_ secret: TokenSecret) -> HTTPFields { [.authorization: "Bearer \(secret.reveal())"] }
}

final class Collected: @unchecked Sendable {
    var bytes: [UInt8] = []
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

struct CollectingWriter: ResponseBodyWriter {
    let collected: Collected
    mutating func write(_ buffer: ByteBuffer) async throws { collected.bytes += Array(buffer: buffer) }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension Result {
    var isSuccess: Bool { if case .success = self { true } else { false } }
}
