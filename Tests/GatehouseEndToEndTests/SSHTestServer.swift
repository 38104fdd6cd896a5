import Foundation
import GatehouseDomain
import GatehouseStore
#if canImport(Glibc)
import Glibc
#endif

/// A real OpenSSH sshd on 127.0.0.1, with its own config, host key and pid file in a private
/// root-owned folder (no system sshd is touched), configured by the block `gatehouse ssh setup`
/// prints, for the service account `gatehouse`. Needs root (sshd does), sshd, ssh and ssh-keygen.
final class SSHTestServer {
    static let sshd = "/usr/sbin/sshd"
    static let ssh = "/usr/bin/ssh"
    static let keygen = "/usr/bin/ssh-keygen"
    static let serviceUser = "gatehouse"

    /// Why the SSH end-to-end tests cannot run here, or nil when they can.
    static var missingPart: String? {
        for tool in [sshd, ssh, keygen] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is not installed (apt-get install openssh-server openssh-client)"
        }
        if geteuid() != 0 { return "sshd must run as root" }
        if TmuxSession.executable == nil { return "tmux is not installed" }
        if Binary.gatehouse == nil { return "the gatehouse binary is not built (swift build)" }
        return nil
    }

    /// Root-owned, 0755 all the way up (sshd's rule for AuthorizedKeysCommand): binary, Resources, sshd's files.
    let system: URL
    /// Owned by the service account: the database, and the test's client keys.
    let data: URL
    let binary: String
    let database: String
    let port: Int
    let serviceUID: uid_t
    let serviceGID: gid_t
    private var daemon: pid_t = 0
    let log: URL

    init() throws {
        let id = UUID().uuidString.prefix(8)
        system = URL(fileURLWithPath: "/run/gatehouse-e2e-\(id)")
        data = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-ssh-e2e-\(id)")
        binary = system.appendingPathComponent("bin/gatehouse").path
        database = data.appendingPathComponent("directory.sqlite").path
        log = system.appendingPathComponent("sshd.log")
        port = try Self.freePort()
        (serviceUID, serviceGID) = try Self.ensureServiceAccount()

        let manager = FileManager.default
        try manager.createDirectory(at: system.appendingPathComponent("bin"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try Self.copyExecutable(from: Binary.gatehouse?.path ?? "", to: binary)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try manager.createDirectory(at: system.appendingPathComponent("share"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try manager.copyItem(at: repository.appendingPathComponent("Resources"), to: system.appendingPathComponent("share/gatehouse"))
        _ = try Subprocess.run("/bin/chmod", ["-R", "u=rwX,go=rX", system.path])
        try manager.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try manager.createDirectory(at: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        _ = try Subprocess.run(Self.keygen, ["-q", "-t", "ed25519", "-N", "", "-f", system.appendingPathComponent("host_key").path])
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: system)
        try? FileManager.default.removeItem(at: data)
    }

    /// The directory, as its administrator (the library, in this process); the files go back to
    /// the service account afterwards, so sshd's commands can write the database (and its -wal).
    func administer<T>(_ body: (AccessService, Actor) throws -> T) throws -> T {
        let result: T
        do {
            let store = try SQLiteDirectoryStore(path: database)
            let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let catalog = try ResourceLocator(directory: repository.appendingPathComponent("Resources")).scopeCatalog()
            let service = AccessService(store: store, catalog: catalog)
            try service.bootstrapIfEmpty(administratorLogin: "root")
            result = try body(service, try service.resolveActor(login: "root"))
        }
        try giveDataToServiceAccount()
        return result
    }

    func giveDataToServiceAccount() throws {
        chown(data.path, serviceUID, serviceGID)
        for name in try FileManager.default.contentsOfDirectory(atPath: data.path) {
            chown(data.appendingPathComponent(name).path, serviceUID, serviceGID)
        }
    }

    /// Runs the copied binary. Right after the copy, a child forked by a parallel test may still
    /// hold the copy's write descriptor until it execs, and exec fails with ETXTBSY: wait that out.
    func runBinary(_ arguments: [String]) throws -> Subprocess.Result {
        for _ in 0..<100 {
            do {
                return try Subprocess.run(binary, arguments)
            } catch SubprocessError.spawn(_, ETXTBSY) {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        return try Subprocess.run(binary, arguments)
    }

    /// A new client key pair in the data folder; returns the private key's path and the public line.
    func makeKey(_ name: String, type: String) throws -> (path: String, publicLine: String) {
        let path = data.appendingPathComponent(name).path
        var arguments = ["-q", "-t", type, "-N", "", "-C", "\(name)@e2e", "-f", path]
        if type == "rsa" { arguments += ["-b", "3072"] }
        _ = try Subprocess.run(Self.keygen, arguments)
        return (path, try String(contentsOfFile: path + ".pub", encoding: .utf8))
    }

    /// Writes sshd_config (the `ssh setup` block included), checks it with `sshd -t`, starts sshd.
    /// Returns what `ssh setup` printed.
    @discardableResult
    func start() throws -> Subprocess.Result {
        try giveDataToServiceAccount()
        let setup = try runBinary(["ssh", "setup", "--service-user", Self.serviceUser, "--db", database])
        let lines = setup.output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Match User") }) else { throw SSHTestError.setup(setup.output + setup.error) }
        let block = lines[start...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: "\n")
        let config = """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(system.appendingPathComponent("host_key").path)
            PidFile \(system.appendingPathComponent("sshd.pid").path)
            UsePAM no
            StrictModes yes
            PermitRootLogin no
            AllowUsers \(Self.serviceUser)
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            AuthorizedKeysFile none
            AcceptEnv LANG LC_*
            LogLevel VERBOSE
            \(block)

            """
        let configPath = system.appendingPathComponent("sshd_config").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let check = try Subprocess.run(Self.sshd, ["-t", "-f", configPath])
        guard check.status == 0 else { throw SSHTestError.config(check.error) }
        daemon = try Self.spawn(Self.sshd, ["-D", "-e", "-f", configPath, "-p", String(port)], log: log.path)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port: port) { return setup }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw SSHTestError.notListening(sshdLog)
    }

    func stop() {
        guard daemon > 0 else { return }
        kill(daemon, SIGTERM)
        var status: Int32 = 0
        waitpid(daemon, &status, 0)
        daemon = 0
    }

    var sshdLog: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The client options every login uses: no user config, no known_hosts, only the given key.
    func clientArguments(key: String, tty: Bool = false) -> [String] {
        (tty ? ["-tt"] : ["-T"]) + [
            "-F", "/dev/null", "-p", String(port), "-i", key,
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
            "\(Self.serviceUser)@127.0.0.1",
        ]
    }

    /// `ssh … gatehouse@127.0.0.1 COMMAND` without a terminal.
    func run(key: String, _ command: String?, input: String? = nil) throws -> Subprocess.Result {
        try Subprocess.run(Self.ssh, clientArguments(key: key) + (command.map { [$0] } ?? []), input: input)
    }

    /// The shell command that opens the console over SSH in a terminal (for tmux).
    func consoleCommand(key: String) -> String {
        ([Self.ssh] + clientArguments(key: key, tty: true)).map { "'\($0)'" }.joined(separator: " ")
    }

    /// Processes still running the forced command on this server's database.
    func sessionProcesses() -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let words = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return words.contains("session") && words.contains(database) ? pid : nil
        }
    }

    // MARK: Helpers

    private static func ensureServiceAccount() throws -> (uid_t, gid_t) {
        if getpwnam(serviceUser) == nil {
            let created = try Subprocess.run("/usr/sbin/useradd", [
                "--system", "--create-home", "--home-dir", "/var/lib/\(serviceUser)", "--shell", "/bin/sh", "--password", "*", serviceUser,
            ])
            guard created.status == 0 else { throw SSHTestError.account(created.error) }
        }
        guard let entry = getpwnam(serviceUser) else { throw SSHTestError.account("no passwd entry for \(serviceUser)") }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// Copies a program through a close-on-exec descriptor, so no child spawned meanwhile by a
    /// parallel test keeps it open for writing (which would make every exec of it fail, ETXTBSY).
    private static func copyExecutable(from source: String, to destination: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw SSHTestError.copy(destination, errno) }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var offset = 0
            while offset < raw.count {
                let count = write(descriptor, base + offset, raw.count - offset)
                if count <= 0 { return offset }
                offset += count
            }
            return offset
        }
        guard written == bytes.count else { throw SSHTestError.copy(destination, errno) }
    }

    private static func freePort() throws -> Int { try freeLoopbackPort() }

    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Starts a long-running program with stdout and stderr appended to `log`; returns its pid.
    private static func spawn(_ executable: String, _ arguments: [String], log: String) throws -> pid_t {
        try Subprocess.spawnDetached(executable, arguments, outputPath: log, append: true)
    }
}

enum SSHTestError: Error, CustomStringConvertible {
    case setup(String), config(String), notListening(String), account(String), copy(String, Int32)

    var description: String {
        switch self {
        case let .setup(text): "gatehouse ssh setup printed no Match block:\n\(text)"
        case let .config(text): "sshd -t refused the config:\n\(text)"
        case let .notListening(log): "sshd did not start listening. Its log:\n\(log)"
        case let .account(text): "cannot create the service account: \(text)"
        case let .copy(path, code): "cannot write \(path) (errno \(code))"
        }
    }
}
