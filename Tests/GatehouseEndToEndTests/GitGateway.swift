import Foundation
import GatehouseDomain
import GatehouseStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real parts of the git gateway: Debian's nginx (auth_request), fcgiwrap, git http-backend,
/// curl, and the built `gatehouse serve`. Tests that need them skip with the reason when they are
/// absent, except under CI=true, where a missing part is a failure.
enum GatewayParts {
    static let nginx = findExecutable("nginx")
    static let fcgiwrap = findExecutable("fcgiwrap")
    static let git = findExecutable("git")
    static let curl = findExecutable("curl")
    static let httpBackend = findExecutable("/usr/lib/git-core/git-http-backend", "/usr/libexec/git-core/git-http-backend")
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static var missing: [String] {
        [("nginx", nginx), ("fcgiwrap", fcgiwrap), ("git", git), ("curl", curl), ("git-http-backend", httpBackend),
         ("a built gatehouse binary", Binary.gatehouse?.path)].filter { $0.1 == nil }.map(\.0)
    }

    /// Run when everything is here, and always under CI (to fail there, not skip).
    static var runnable: Bool { missing.isEmpty || isCI }
    static var skipReason: Comment { "needs \(missing.joined(separator: ", ")) (apt-get install nginx fcgiwrap git curl)" }

    static func requireAll() throws {
        guard missing.isEmpty else { throw EndToEndFailure("CI=true but these are missing: \(missing.joined(separator: ", ")); .ci/run installs them") }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// One gateway for one test: a directory database, `gatehouse serve` on a free port, fcgiwrap, and
/// nginx with its own prefix and configuration in a temporary folder (no system nginx is touched),
/// serving the bare repository Default/repo.git through git http-backend, guarded by the shipped
/// snippets in Resources/nginx.
final class GitGateway: @unchecked Sendable {
    let folder: URL
    let databasePath: String
    let service: AccessService
    let catalog: ScopeCatalog
    let admin: Actor
    let fabrikam: Organization
    private(set) var gatehouse: BackgroundProcess!
    private(set) var fcgiwrap: BackgroundProcess!
    private(set) var nginx: BackgroundProcess!
    private(set) var gatehousePort = 0
    private(set) var nginxPort = 0

    init(failureLimit: Int = 1_000) throws {
        try GatewayParts.requireAll()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        databasePath = folder.appendingPathComponent("gatehouse.sqlite").path
        catalog = try ScopeCatalog(json: Data(contentsOf: GatewayParts.repository.appendingPathComponent("Resources/scopes.json")))
        service = AccessService(store: try SQLiteDirectoryStore(path: databasePath), catalog: catalog)
        // The OS login administers it, so the CLI run by this test acts as the administrator.
        let login = String(cString: getpwuid(geteuid()).pointee.pw_name)
        _ = try service.bootstrapIfEmpty(administratorLogin: login)
        admin = try service.resolveActor(login: login)
        fabrikam = try service.createOrganization(named: "Fabrikam", by: admin)
        try makeRepository()
        try startGatehouse(failureLimit: failureLimit)
        try startFcgiwrap()
        try startNginx()
    }

    deinit {
        nginx?.stop()
        fcgiwrap?.stop(grace: 0.5)  // it does not always stop on SIGTERM; it holds nothing worth waiting for
        gatehouse?.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    var gatehouseURL: String { "http://127.0.0.1:\(gatehousePort)" }
    var repositoryPath: String { "/Default/repo.git" }
    var bareRepository: String { folder.appendingPathComponent("repos/Default/repo.git").path }

    func repositoryURL(token: String) -> String { "http://x:\(token)@127.0.0.1:\(nginxPort)\(repositoryPath)" }

    // MARK: Parts

    private func makeRepository() throws {
        let git = try require(GatewayParts.git)
        let seed = folder.appendingPathComponent("seed").path
        try FileManager.default.createDirectory(atPath: bareRepository, withIntermediateDirectories: true)
        try check(Subprocess.run(git, ["init", "-q", "--bare", "--initial-branch=main", bareRepository]))
        try check(Subprocess.run(git, ["init", "-q", "--initial-branch=main", seed]))
        try "hello\n".write(toFile: seed + "/README", atomically: true, encoding: .utf8)
        try check(Subprocess.run(git, ["-C", seed, "add", "README"]))
        try check(Subprocess.run(git, ["-C", seed, "-c", "user.email=e2e@example.com", "-c", "user.name=E2E", "commit", "-q", "-m", "initial"]))
        try check(Subprocess.run(git, ["-C", seed, "push", "-q", bareRepository, "main"]))
    }

    private func startGatehouse(failureLimit: Int) throws {
        let binary = try require(Binary.gatehouse?.path)
        gatehouse = try BackgroundProcess(binary, [
            "serve", "--listen", "127.0.0.1:0", "--db", databasePath, "--trusted-proxy", "127.0.0.1",
            "--failure-limit", String(failureLimit), "--log-level", "warning",
        ], outputPath: folder.appendingPathComponent("gatehouse.log").path,
           environment: ["GATEHOUSE_RESOURCES": GatewayParts.repository.appendingPathComponent("Resources").path])
        let output = try gatehouse.waitForOutput("Listening on http://127.0.0.1:")
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Listening on") }),
              let port = line.split(separator: ":").last.flatMap({ Int($0) }) else { throw EndToEndFailure("no port in \(output)") }
        gatehousePort = port
    }

    private var socketPath: String { folder.appendingPathComponent("fcgiwrap.sock").path }

    private func startFcgiwrap() throws {
        fcgiwrap = try BackgroundProcess(try require(GatewayParts.fcgiwrap), ["-s", "unix:\(socketPath)"],
                                         outputPath: folder.appendingPathComponent("fcgiwrap.log").path)
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            guard Date() < deadline else { throw EndToEndFailure("fcgiwrap did not create its socket: \(fcgiwrap.output)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    private func startNginx() throws {
        let prefix = folder.appendingPathComponent("nginx")
        let conf = prefix.appendingPathComponent("conf")
        for sub in ["conf", "logs", "tmp"] {
            try FileManager.default.createDirectory(at: prefix.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let snippets = GatewayParts.repository.appendingPathComponent("Resources/nginx")
        for name in try FileManager.default.contentsOfDirectory(atPath: snippets.path) where name.hasSuffix(".conf") {
            try FileManager.default.copyItem(at: snippets.appendingPathComponent(name), to: conf.appendingPathComponent(name))
        }
        let params = (try? String(contentsOfFile: "/etc/nginx/fastcgi_params", encoding: .utf8)) ?? """
            fastcgi_param QUERY_STRING $query_string;
            fastcgi_param REQUEST_METHOD $request_method;
            fastcgi_param CONTENT_TYPE $content_type;
            fastcgi_param CONTENT_LENGTH $content_length;
            fastcgi_param REMOTE_ADDR $remote_addr;
            fastcgi_param SERVER_PROTOCOL $server_protocol;
            """
        try params.write(to: conf.appendingPathComponent("fastcgi_params"), atomically: true, encoding: .utf8)
        // A port free when chosen can be taken before nginx binds it (another test's client or
        // server, on a busy machine): then nginx gives up, and a fresh port is tried.
        for attempt in 1...5 {
            nginxPort = try freeLoopbackPort()
            if try startNginx(prefix: prefix, conf: conf, attempt: attempt) { return }
            nginx.stop()
        }
        throw EndToEndFailure("nginx did not start: no port could be bound in 5 tries: \(nginx.output)")
    }

    /// Starts nginx on `nginxPort`: true once it answers; false when the port was taken.
    private func startNginx(prefix: URL, conf: URL, attempt: Int) throws -> Bool {
        let tmp = prefix.appendingPathComponent("tmp").path
        let configuration = """
            daemon off;
            \(geteuid() == 0 ? "user root;" : "")
            worker_processes 1;
            pid \(prefix.path)/logs/nginx.pid;
            error_log \(prefix.path)/logs/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log \(prefix.path)/logs/access.log;
                client_body_temp_path \(tmp)/body;
                proxy_temp_path \(tmp)/proxy;
                fastcgi_temp_path \(tmp)/fastcgi;
                uwsgi_temp_path \(tmp)/uwsgi;
                scgi_temp_path \(tmp)/scgi;
                upstream gatehouse { server 127.0.0.1:\(gatehousePort); keepalive 32; }
                upstream fcgiwrap { server unix:\(socketPath); }
                include gatehouse-http.conf;
                server {
                    listen 127.0.0.1:\(nginxPort);
                    set $git_project_root \(folder.appendingPathComponent("repos").path);
                    include gatehouse-auth.conf;
                    include gatehouse-git.conf;
                }
            }
            """
        try configuration.write(to: conf.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        nginx = try BackgroundProcess(try require(GatewayParts.nginx), ["-p", prefix.path, "-c", conf.appendingPathComponent("nginx.conf").path, "-e", "\(prefix.path)/logs/error.log"],
                                      outputPath: prefix.appendingPathComponent("logs/nginx-\(attempt).out").path)
        let deadline = Date().addingTimeInterval(10)
        while ((try? curl(["http://127.0.0.1:\(nginxPort)/"]))?.status ?? 0) == 0 {
            if nginx.output.contains("Address already in use") { return false }
            guard Date() < deadline else {
                throw EndToEndFailure("nginx did not start: \(nginx.output) \((try? String(contentsOfFile: prefix.path + "/logs/error.log", encoding: .utf8)) ?? "")")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    // MARK: Using it

    struct HTTPAnswer {
        let status: Int
        let headers: [String: String]
        let body: String
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// curl with these arguments: the status, the response headers (lower-cased names) and the body.
    func curl(_ arguments: [String]) throws -> HTTPAnswer {
        let headerFile = folder.appendingPathComponent("headers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: headerFile) }
        let result = try Subprocess.run(try require(GatewayParts.curl), ["-s", "-D", headerFile, "-w", "\n%{http_code}", "--max-time", "20"] + arguments)
        var lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in ((try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? "").split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPAnswer(status: status, headers: headers, body: lines.joined(separator: "\n"))
    }

    /// GET through nginx what `git fetch` asks first, with this token as the Basic password.
    func fetchThroughNginx(token: String, service gitService: String = "git-upload-pack") throws -> HTTPAnswer {
        try curl(["-u", "x:\(token)", "http://127.0.0.1:\(nginxPort)\(repositoryPath)/info/refs?service=\(gitService)"])
    }

    func checkDirectly(token: String?, query: String) throws -> HTTPAnswer {
        try curl((token.map { ["-H", "Authorization: Bearer \($0)"] } ?? []) + ["\(gatehouseURL)/auth/check?\(query)"])
    }

    func git(_ arguments: [String], in directory: String? = nil) throws -> Subprocess.Result {
        try Subprocess.run(try require(GatewayParts.git), (directory.map { ["-C", $0] } ?? []) + [
            "-c", "user.email=e2e@example.com", "-c", "user.name=E2E", "-c", "credential.helper=", "-c", "core.askPass=true",
        ] + arguments)
    }

    /// The real CLI, in its own process, on this database.
    func cli(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(try require(Binary.gatehouse?.path), arguments + ["--db", databasePath])
    }

    func token(_ name: String, scopes: ScopeSelection, by actor: Actor? = nil, organization: Organization? = nil, days: Int = 30,
               clock: (any WallClock)? = nil) throws -> IssuedToken {
        let service = clock.map { AccessService(store: self.service.store, catalog: catalog, clock: $0) } ?? self.service
        let target = try organization ?? service.organization(named: "Default", by: actor ?? admin)
        return try service.createToken(TokenRequest(displayName: name, ownerID: nil, target: .organization(target.id), scopes: scopes, expiration: .days(days)),
                                       by: actor ?? admin)
    }

    private func require(_ path: String?) throws -> String {
        guard let path else { throw EndToEndFailure("missing: \(GatewayParts.missing)") }
        return path
    }

    private func check(_ result: Subprocess.Result) throws {
        guard result.status == 0 else { throw EndToEndFailure("exit \(result.status): \(result.output) \(result.error)") }
    }
}
