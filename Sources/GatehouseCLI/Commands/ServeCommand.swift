import ArgumentParser
import Foundation
import GatehouseDomain
import GatehousePostgres
import GatehouseServer
import GatehouseStore
import Logging

/// `gatehouse serve`: tokens authenticating HTTP requests (nginx auth_request, introspection,
/// Azure DevOps connectionData, leak reports) until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve token checks over HTTP (nginx auth_request, introspection, leak reports).",
        discussion: """
            Routes: GET /auth/check?org=NAME&scope=ID… (204 / 401 / 403 / 429, for nginx auth_request), \
            GET /_apis/connectionData, POST /oauth/introspect, POST /_apis/tokens/leaked, GET /healthz, \
            GET /metrics, GET /openapi.json, and Azure DevOps' own REST API under /{organization}/_apis \
            (location discovery, Graph, Token Administration, PAT Lifecycle Management). A token is presented as the password of HTTP Basic (any user \
            name) or as a Bearer token. Listens on loopback by default; another address needs TLS \
            (--tls-cert/--tls-key) or --insecure-http. Logs one line per request on stderr, never a secret.
            """)

    @Option(help: ArgumentHelp("Address and port to listen on (port 0 picks a free one, printed on stdout).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(name: .long, help: ArgumentHelp("The directory database: an SQLite file, or postgresql://user@host:port/db (default: $GATEHOUSE_DB, else $XDG_DATA_HOME/gatehouse/gatehouse.sqlite).", valueName: "path|url"))
    var db: String?

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp("A proxy (IP address) whose X-Real-IP / X-Forwarded-For name the client; repeatable.", valueName: "address"))
    var trustedProxies: [String] = []

    @Option(name: .customLong("leak-report-key"), help: ArgumentHelp("A PEM ECDSA P-256 public key leak reports are signed with (GitHub secret scanning); repeatable.", valueName: "file"))
    var leakReportKeys: [String] = []

    @Flag(name: .customLong("insecure-http"), help: "Serve plain HTTP on a non-loopback address anyway (tokens cross the network in clear text).")
    var insecureHTTP = false

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain: serve HTTPS.", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .customLong("failure-limit"), help: ArgumentHelp("Failed authentications per client address per window before 429.", valueName: "count"))
    var failureLimit = 20

    @Option(name: .customLong("failure-window"), help: ArgumentHelp("The failure limit's window, in seconds.", valueName: "seconds"))
    var failureWindow = 60

    @Option(name: .customLong("page-size"), help: ArgumentHelp("Rows per page of the Azure DevOps lists (Graph users and groups, PATs): 1 to 1000.", valueName: "rows"))
    var pageSize = 100

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    func run() async throws {
        let output = CLIEnvironment.current.output
        var options = ServerOptions()
        let resources: ResourceLocator
        let path = DatabaseLocation.resolve(explicitPath: db)
        let level: Logger.Level
        do throws(GatehouseError) {
            (options.host, options.port) = try ServerOptions.parseListen(listen)
            guard let parsed = Logger.Level(rawValue: logLevel.lowercased()) else {
                throw .invalidInput(field: "--log-level", problem: "give one of trace, debug, info, notice, warning, error, critical.")
            }
            level = parsed
            options.trustedProxies = trustedProxies
            options.leakReportKeyFiles = leakReportKeys
            options.insecureHTTP = insecureHTTP
            options.tlsCertificate = tlsCertificate
            options.tlsKey = tlsKey
            guard (1...1_000_000).contains(failureLimit), (1...86_400).contains(failureWindow) else {
                throw .invalidInput(field: "--failure-limit", problem: "the limit is 1 to 1000000 failures, the window 1 to 86400 seconds.")
            }
            options.failureLimit = failureLimit
            options.failureWindow = TimeInterval(failureWindow)
            options.pageSize = pageSize
            try options.validate()
            guard PostgresLocation.isPostgres(path) || FileManager.default.fileExists(atPath: path) else {
                throw .notAllowed("There is no directory database at \(path). Run gatehouse once to create one, or give --db PATH.")
            }
            resources = try ResourceLocator.locate()
        } catch {
            output.error(error.description)
            throw ExitStatus(error.category).exitCode
        }
        let service: AccessService
        do throws(GatehouseError) {
            let store = try StoreOpening.open(path, mayCreate: false).store
            service = AccessService(store: store, catalog: try resources.scopeCatalog(), clock: CLIEnvironment.current.clock)
        } catch {
            output.error(error.description)
            throw ExitStatus(error.category).exitCode
        }
        var logger = Logger(label: "gatehouse.serve")
        logger.logLevel = level
        let scheme = options.usesTLS ? "https" : "http"
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        do {
            try await GatehouseServer.run(service: service, options: options, logger: logger) { port in
                // The one line on stdout: where it listens (a test or script reads the port from it).
                output.line("Listening on \(scheme)://\(host):\(port)")
            }
        } catch let error as GatehouseError {
            output.error(error.description)
            throw ExitStatus(error.category).exitCode
        } catch {
            output.error("Cannot serve on \(listen): \(error). Is another process listening there?")
            throw ExitStatus.failure.exitCode
        }
    }
}
