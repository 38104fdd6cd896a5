import ArgumentParser
import Foundation
import GatehouseDomain
import GatehousePostgres
import GatehouseStore

/// `gatehouse dev …`: developer tools, hidden from help. Not for production directories.
struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Developer tools (benchmark data).",
        shouldDisplay: false,
        subcommands: [Seed.self])

    /// Generates a large directory straight into a new SQLite file, for benchmarks.
    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed",
            abstract: "Fill a NEW database with a generated directory (benchmarks only).",
            discussion: """
                Creates the organizations, default groups and policies through the normal code path, makes your OS \
                login the first administrator (so `gatehouse --db PATH` opens as admin), then bulk-loads users, \
                nested groups, tokens in every state and an audit history. The database is marked as generated \
                (directory_setting "generated-by"). Token secrets are discarded, except the --secrets-out sample, \
                which exists only so the verification benchmark can present real tokens: never do this with real data.
                """)

        @Option(help: ArgumentHelp("The database to create (must be new or empty): a path, or postgresql://… (an empty database).", valueName: "path|url")) var db: String
        @Option(help: "Accounts to generate.") var users: Int = 100_000
        @Option(help: "Tokens to generate.") var tokens: Int = 1_000_000
        @Option(help: "Team groups per organization.") var teams: Int = 60
        @Option(name: .customLong("audit-every"), help: "One token.create audit event per this many tokens.") var auditEvery: Int = 10
        @Option(name: .customLong("batch"), help: "Rows per transaction.") var batch: Int = 50_000
        @Option(help: "Seed for the shape of the data (secrets always come from the CSPRNG).") var seed: UInt64 = 1
        @Option(name: .customLong("secrets-out"), help: ArgumentHelp("Write sample secrets of active tokens to this file (0600). Benchmarks only.", valueName: "path"))
        var secretsOut: String?
        @Option(name: .customLong("secrets-count"), help: "How many secrets --secrets-out writes.") var secretsCount: Int = 10_000
        @Option(name: .customLong("ssh-key-every"), help: "One SSH key for every this many accounts (0: none).") var sshKeyEvery: Int = 2

        func validate() throws {
            guard users >= 1, tokens >= 0, teams >= 1, auditEvery >= 1, batch >= 1, sshKeyEvery >= 0 else {
                throw ValidationError("--users, --teams, --audit-every and --batch must be at least 1; --tokens and --ssh-key-every at least 0.")
            }
            guard users <= 10_000_000, tokens <= 100_000_000, teams <= 10_000, auditEvery <= 1_000_000, batch <= 1_000_000, (0...1_000_000).contains(secretsCount) else {
                throw ValidationError("Out of range: --users at most 10000000, --tokens 100000000, --teams 10000, --audit-every and --batch 1000000, --secrets-count 0 to 1000000.")
            }
        }

        func run() throws {
            let output = CLIEnvironment.current.output
            try GatehouseCommand.run(output) { () throws(GatehouseError) in
                let catalog = try ResourceLocator.locate().scopeCatalog()
                var plan = BulkLoadPlan(administratorLogin: try OperatingSystemLogin.current())
                plan.users = users
                plan.tokens = tokens
                plan.teamsPerOrganization = teams
                plan.auditEveryTokens = auditEvery
                plan.batchSize = batch
                plan.seed = seed
                plan.sampleSecrets = secretsOut == nil ? 0 : secretsCount
                plan.sshKeyEvery = sshKeyEvery
                let report: BulkLoadReport
                // PostgreSQL: generated into a temporary SQLite file by the same loader, then moved
                // up by `db copy`'s code (one transaction, checked), so both backends hold the same data.
                let postgres = PostgresLocation.isPostgres(db)
                // A PostgreSQL target is reached and found empty first, not after minutes of generating.
                let target = postgres ? try PostgresDirectoryStore(url: db, verificationCacheCapacity: 0) : nil
                if let target { try PostgresCopy.requireEmpty(target) }
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-seed-\(UUID().uuidString)")
                let path = postgres ? folder.appendingPathComponent("seed.sqlite").path : db
                defer { if postgres { try? FileManager.default.removeItem(at: folder) } }
                do {
                    report = try BulkLoader.load(path: path, plan: plan, catalog: catalog) { output.note($0) }
                } catch let error as GatehouseError {
                    throw error
                } catch {
                    throw .storage(String(describing: error))
                }
                if let target {
                    let copy = try PostgresCopy.copy(fromSQLite: path, to: target) { output.note($0) }
                    output.note("Copied to \(target.location.display) in \(String(format: "%.1f", copy.seconds)) s (\(copy.digestsChecked) digests checked).")
                }
                if let secretsOut {
                    try Self.writeSecrets(report.sampleSecrets, to: secretsOut)
                    output.note("Wrote \(report.sampleSecrets.count) sample secrets to \(secretsOut) (0600; benchmarks only).")
                }
                output.note("Generated \(report.users) users, \(report.groups) groups, \(report.groupMemberships) memberships, \(report.tokens) tokens, \(report.sshKeys) SSH keys, \(report.auditEvents) audit events in \(String(format: "%.1f", report.totalSeconds)) s.")
                output.line(StoreOpening.display(db))
            }
        }

        static func writeSecrets(_ secrets: [String], to path: String) throws(GatehouseError) {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            guard descriptor >= 0 else { throw .storage("cannot write \(path) (\(String(cString: strerror(errno))))") }
            defer { close(descriptor) }
            _ = fchmod(descriptor, 0o600)
            let text = Array((secrets.joined(separator: "\n") + "\n").utf8)
            let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == text.count else { throw .storage("cannot write \(path)") }
        }
    }
}
