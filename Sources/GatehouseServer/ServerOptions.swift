import Foundation
import GatehouseDomain

/// How `gatehouse serve` listens and whom it believes: what the command line says, checked.
public struct ServerOptions: Sendable {
    public var host: String
    public var port: Int
    /// Peers whose X-Real-IP / X-Forwarded-For name the client (exact IP addresses).
    public var trustedProxies: [String]
    /// PEM files of the public keys leak reports are signed with.
    public var leakReportKeyFiles: [String]
    /// Serve plain HTTP on a non-loopback address anyway.
    public var insecureHTTP: Bool
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Failed authentications per client address per `failureWindow` before 429.
    public var failureLimit: Int
    public var failureWindow: TimeInterval
    /// How often deferred "last used" stamps are written.
    public var writeInterval: Duration
    /// Threads for database work (misses, writes).
    public var threads: Int
    /// Rows per page of the Azure DevOps lists (Graph users and groups, PATs): 1 to 1000.
    public var pageSize: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, trustedProxies: [String] = [], leakReportKeyFiles: [String] = [],
                insecureHTTP: Bool = false, tlsCertificate: String? = nil, tlsKey: String? = nil,
                failureLimit: Int = 20, failureWindow: TimeInterval = 60, writeInterval: Duration = .seconds(1), threads: Int = 4,
                pageSize: Int = 100) {
        self.host = host
        self.port = port
        self.trustedProxies = trustedProxies
        self.leakReportKeyFiles = leakReportKeyFiles
        self.insecureHTTP = insecureHTTP
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.failureLimit = failureLimit
        self.failureWindow = failureWindow
        self.writeInterval = writeInterval
        self.threads = threads
        self.pageSize = pageSize
    }

    /// `HOST:PORT` (an IPv6 host in brackets: `[::1]:8080`). Port 0 picks a free one.
    public static func parseListen(_ text: String) throws(GatehouseError) -> (host: String, port: Int) {
        let problem = "give HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080."
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .invalidInput(field: "--listen", problem: problem)
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidInput(field: "--listen", problem: problem) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else {
            throw .invalidInput(field: "--listen", problem: problem + " The port is a number from 0 to 65535.")
        }
        return (String(host), port)
    }

    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var usesTLS: Bool { tlsCertificate != nil }

    /// Refuses what would put tokens on the wire in clear text, and half a TLS configuration.
    public func validate() throws(GatehouseError) {
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw .invalidInput(field: "--tls-cert", problem: "give both --tls-cert and --tls-key (PEM files), or neither.")
        }
        if !isLoopback && !usesTLS && !insecureHTTP {
            throw .notAllowed("Refusing to serve plain HTTP on \(host): tokens would cross the network in clear text. Listen on 127.0.0.1 behind a TLS proxy (nginx), give --tls-cert and --tls-key, or --insecure-http if the network is trusted.")
        }
        guard failureLimit > 0, failureWindow > 0, threads > 0, threads <= 256 else {
            throw .invalidInput(field: "--failure-limit", problem: "the failure limit, its window and the thread count must be positive (threads at most 256).")
        }
        guard (1...1_000).contains(pageSize) else {
            throw .invalidInput(field: "--page-size", problem: "a page holds 1 to 1000 rows.")
        }
    }
}
