import Foundation
import Testing
@testable import GatehouseCLI

/// The real `gatehouse` binary, as cron would run it: stdin in, stdout and stderr out, exit status.
@Suite(.serialized) struct EndToEndTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `gatehouse` sits beside the test bundle in the build folder (`swift build --build-tests` builds both).
    static var binary: URL {
        get throws {
            let runner = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            var folder = runner.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("gatehouse")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            throw BinaryMissing(near: runner.path)
        }
    }

    struct BinaryMissing: Error, CustomStringConvertible {
        let near: String
        var description: String { "no gatehouse executable near \(near); run `swift build --build-tests` first" }
    }

    let folder: URL
    let database: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-e2e-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("directory.sqlite").path
    }

    /// `columns: nil` runs without `COLUMNS`, as cron does (stdout is a pipe here).
    func gatehouse(_ arguments: [String], stdin: String = "", columns: String? = "120", environmentDatabase: Bool = true) throws -> Run {
        let process = Process()
        process.executableURL = try Self.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GATEHOUSE_DB"] = environmentDatabase ? database : nil
        environment["COLUMNS"] = columns
        process.environment = environment
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    @Test func createVerifyRevokeVerifyFails() throws {
        // No directory yet: a command refuses (and creates nothing); `init` makes the OS login its first administrator.
        let missing = try gatehouse(["users", "list"])
        #expect(missing.status == 1 && missing.stderr.contains("there is no Gatehouse directory at \(database)"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))
        let initialized = try gatehouse(["init"])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdout.contains("as its first administrator"))
        let first = try gatehouse(["users", "add", "--login", "svc-backup", "--name", "Backup job", "--kind", "service-account"])
        #expect(first.status == 0, "\(first.stderr)")

        let created = try gatehouse(["tokens", "create", "--name", "nightly-backup", "--for", "svc-backup", "--expires", "30d", "--scope", "vso.packaging_write"])
        #expect(created.status == 0, "\(created.stderr)")
        let secret = created.stdout.trimmingCharacters(in: .newlines)
        #expect(created.stdout == secret + "\n", "stdout holds the secret and nothing else")
        #expect(secret.hasPrefix("gpat_") && secret.count == 54)
        #expect(!created.stderr.contains(secret))

        let verified = try gatehouse(["tokens", "verify"], stdin: secret + "\n")
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("Authenticates  svc-backup (Backup job, service account)"))
        #expect(verified.stdout.contains("Packaging: Read & write\u{2020}"))

        let id = try #require(try JSONSerialization.jsonObject(with: Data(try gatehouse(["tokens", "list", "--owner", "svc-backup", "--json"]).stdout.utf8)) as? [[String: Any]]).first?["id"] as? String
        let revoked = try gatehouse(["tokens", "revoke", try #require(id), "--reason", "rotated"])
        #expect(revoked.status == 0, "\(revoked.stderr)")

        let refused = try gatehouse(["tokens", "verify", "--json"], stdin: secret)
        #expect(refused.status == 7)
        #expect(refused.stdout.contains("\"reason\" : \"revoked\""))
        #expect(refused.stderr.contains("The token was revoked on"))
        #expect(!refused.stdout.contains(secret) && !refused.stderr.contains(secret))

        // The secret was printed once, and is nowhere in the database files or the audit export.
        let export = try gatehouse(["audit", "export"])
        #expect(export.status == 0)
        #expect(export.stdout.split(separator: "\n").count >= 4)
        #expect(!export.stdout.contains(secret))
        let listing = try gatehouse(["tokens", "list", "--json"]).stdout + (try gatehouse(["tokens", "show", try #require(id), "--json"])).stdout
        #expect(!listing.contains(secret))
        let secretBytes = Data(secret.utf8)
        let randomPart = Data(secret.dropFirst(5).prefix(20).utf8)
        for suffix in ["", "-wal", "-shm"] {
            guard let bytes = FileManager.default.contents(atPath: database + suffix) else { continue }
            #expect(bytes.range(of: secretBytes) == nil, "the secret is in \(database + suffix)")
            #expect(bytes.range(of: randomPart) == nil, "part of the secret is in \(database + suffix)")
        }
    }

    @Test func aPipeGetsWholeLinesWhateverTheirLength() throws {
        #expect(try gatehouse(["init"]).status == 0)
        let email = "a.very.long.mailbox.name.for.the.nightly.backup.job@operations.contoso.example"
        let added = try gatehouse(["users", "add", "--login", "svc-nightly-backup-of-the-warehouse", "--name", "Nightly backup of the warehouse database", "--email", email, "--kind", "service-account"])
        #expect(added.status == 0, "\(added.stderr)")
        // `gatehouse users list | cat` from cron: no COLUMNS, stdout a pipe.
        let piped = try gatehouse(["users", "list"], columns: nil)
        #expect(piped.status == 0, "\(piped.stderr)")
        let line = try #require(piped.stdout.split(separator: "\n").first { $0.contains("svc-nightly") })
        #expect(line.hasSuffix(email), "\(line)")
        #expect(line.contains("Nightly backup of the warehouse database"))
        #expect(!piped.stdout.contains("\u{2026}"), "nothing is cut in a pipe")
        // An explicit COLUMNS is still obeyed.
        let narrow = try gatehouse(["users", "list"], columns: "80")
        #expect(narrow.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(narrow.stdout)")
    }

    @Test func optionsBeforeTheSubcommandWork() throws {
        #expect(try gatehouse(["init"]).status == 0)
        // As kubectl and docker allow: `gatehouse --db X tokens list`, with no GATEHOUSE_DB to fall back on.
        let listed = try gatehouse(["--db", database, "users", "list", "--json"], environmentDatabase: false)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.hasPrefix("["))
        let between = try gatehouse(["users", "--db=\(database)", "--json", "list"], environmentDatabase: false)
        #expect(between.status == 0 && between.stdout == listed.stdout, "\(between.stderr)")
        let tokens = try gatehouse(["--db", database, "tokens", "list"], environmentDatabase: false)
        #expect(tokens.status == 0, "\(tokens.stderr)")
        #expect(!tokens.stderr.contains("USAGE: gatehouse [--db"), "not the console's usage")
        // A command that takes no --db says so, with a hint, and is not the console's usage either.
        let scopes = try gatehouse(["--db", database, "tokens", "scopes"], environmentDatabase: false)
        #expect(scopes.status == 64)
        #expect(scopes.stderr.contains("Hint: --db belongs to commands that open the directory"), "\(scopes.stderr)")
    }

    @Test func exitStatusesThroughTheBinary() throws {
        #expect(try gatehouse(["users", "list"]).status == 1, "no directory yet")
        #expect(try gatehouse(["init"]).status == 0)
        #expect(try gatehouse(["init"]).status == 5, "already there")
        #expect(try gatehouse(["users", "list"]).status == 0)
        #expect(try gatehouse(["users", "show", "nobody"]).status == 4)
        #expect(try gatehouse(["groups", "create", "Readers"]).status == 5)
        #expect(try gatehouse(["tokens", "create", "--name", "x", "--expires", "30d", "--scope", "vso.nope"]).status == 3)
        #expect(try gatehouse(["tokens", "check"], stdin: "gpat_nope").status == 7)
        let typo = try gatehouse(["tokens", "lst"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("gatehouse tokens --help") || typo.stderr.contains("Usage:"))
        let help = try gatehouse(["tokens", "create", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: gatehouse tokens create"))
        let completion = try gatehouse(["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("report-leaked"))
    }

    /// A user id with no passwd entry has no identity, whatever `$USER` says (finding 5 of the
    /// organization-walls audit: `USER=aandersen gatehouse policy set …` acted as aandersen).
    @Test func noPasswdEntryMeansNoIdentity() throws {
        let uid: UInt32 = 54_321
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), getpwuid(uid) == nil else {
            let reason = "needs root, /usr/bin/setpriv and a uid without a passwd entry"
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("cannot run in CI: \(reason)") }
            print("skipped noPasswdEntryMeansNoIdentity: \(reason)")
            return
        }
        _ = try gatehouse(["users", "list"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid", String(uid), "--regid", String(uid), "--clear-groups", try Self.binary.path, "policy", "show", "--db", database]
        var environment = ProcessInfo.processInfo.environment
        environment["USER"] = "root"
        environment["LOGNAME"] = "root"
        process.environment = environment
        let error = Pipe()
        process.standardError = error
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3, "\(message)")
        #expect(message.contains("has no passwd entry"), "\(message)")
    }
}
