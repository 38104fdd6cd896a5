import Foundation
import GatehouseDomain
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// `gatehouse serve`: builds the HTTP layer over a façade and runs it until SIGTERM or SIGINT,
/// then stops accepting, finishes the requests in flight and writes what verifications deferred.
public enum GatehouseServer {
    /// Runs until a shutdown signal. `onListening` gets the bound port (the one picked when 0 was asked).
    public static func run(service: AccessService, options: ServerOptions, logger: Logger,
                           onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        try options.validate()
        let leakKeys = try LeakReportKeys(pemFiles: options.leakReportKeyFiles)
        let threadPool = NIOThreadPool(numberOfThreads: options.threads)
        threadPool.start()
        let http = GatehouseHTTP(service: service, options: options, leakKeys: leakKeys, threadPool: threadPool, logger: logger)
        let server: HTTPServerBuilder
        if let certificate = options.tlsCertificate, let key = options.tlsKey {
            server = try .tls(.http1(), tlsConfiguration: tlsConfiguration(certificate: certificate, key: key))
        } else {
            server = .http1()
        }
        let app = Application(
            router: http.router(), server: server,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: nil),
            services: [http.writes],
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? options.port) },
            logger: logger)
        // SIGTERM and SIGINT: stop accepting, finish what is in flight, write what is deferred.
        do {
            try await app.runService()
        } catch {
            try? await threadPool.shutdownGracefully()
            throw error
        }
        try? await threadPool.shutdownGracefully()
    }

    static func tlsConfiguration(certificate: String, key: String) throws(GatehouseError) -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        } catch {
            throw .invalidInput(field: "--tls-cert", problem: "cannot load the certificate \(certificate) or the key \(key) as PEM (\(error)).")
        }
    }
}
