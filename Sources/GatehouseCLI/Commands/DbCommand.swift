import ArgumentParser
import Foundation
import GatehouseDomain
import GatehousePostgres
import GatehouseStore

/// `gatehouse db …`: the database behind the directory: its schema, and moving a directory from
/// an SQLite file up to a shared PostgreSQL database.
struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "The directory database: schema status, migrations, moving up to PostgreSQL.",
        discussion: """
            Move a directory from one host's SQLite file to PostgreSQL, then point every host at it:
              gatehouse db copy --from /var/lib/gatehouse/gatehouse.sqlite --to postgresql://gatehouse@db.example:5432/gatehouse
              export GATEHOUSE_DB=postgresql://gatehouse@db.example:5432/gatehouse
            """,
        subcommands: [Status.self, Migrate.self, Copy.self])

    /// `--db` and `--json`, and the body run with the resolved location, as `status` and `migrate` take them.
    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("The directory database: a path or postgresql://… (default: $GATEHOUSE_DB, else the default path).", valueName: "path|url"))
        var db: String?
        @OptionGroup var format: OutputOptions

        func run(_ body: (String, CommandOutput, Bool) throws(GatehouseError) -> Void) throws {
            let output = CLIEnvironment.current.output
            let location = DatabaseLocation.resolve(explicitPath: db)
            try GatehouseCommand.run(output) { () throws(GatehouseError) in try body(location, output, format.json) }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the backend, the schema migrations applied and pending, and how much the directory holds.")
        @OptionGroup var database: DbCommand.Location

        func run() throws {
            try database.run { location, output, json throws(GatehouseError) in
                let backend = PostgresLocation.isPostgres(location) ? "postgresql" : "sqlite"
                let applied: [String], pending: [String]
                let store: any DirectoryStore
                if PostgresLocation.isPostgres(location) {
                    let postgres = try PostgresDirectoryStore(url: location, migrate: false, verificationCacheCapacity: 0)
                    (applied, pending) = try postgres.migrationStatus()
                    store = postgres
                } else {
                    let sqlite = try SQLiteDirectoryStore(path: location, opening: .existing, verificationCacheCapacity: 0)
                    do { applied = try sqlite.appliedMigrations() } catch { throw AccessServiceErrors.typed(error) }
                    pending = []
                    store = sqlite
                }
                var counts: [String: Int] = [:]
                if !applied.isEmpty {
                    do {
                        try store.read { reader in
                            counts["organizations"] = try reader.organizations().count
                            counts["users"] = try reader.count(UserQuery())
                            counts["groups"] = try reader.count(GroupQuery())
                            counts["tokens"] = try reader.count(TokenQuery(), now: Date())
                            counts["auditEvents"] = try reader.count(AuditQuery())
                        }
                    } catch { throw AccessServiceErrors.typed(error) }
                }
                if json {
                    output.json(JSONValue.object([
                        "backend": .string(backend), "location": .string(StoreOpening.display(location)),
                        "appliedMigrations": .array(applied.map(JSONValue.string)), "pendingMigrations": .array(pending.map(JSONValue.string)),
                        "counts": .object(counts.mapValues(JSONValue.int)),
                    ]).encoded())
                } else {
                    output.line("Backend:       \(backend)")
                    output.line("Location:      \(StoreOpening.display(location))")
                    output.line("Schema:        \(applied.last ?? "none") (\(applied.count) migrations applied, \(pending.count) pending\(pending.isEmpty ? "" : ": run `gatehouse db migrate`"))")
                    for key in counts.keys.sorted() { output.line("\(key):".padding(toLength: 15, withPad: " ", startingAt: 0) + "\(counts[key] ?? 0)") }
                }
            }
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Create or upgrade the schema (what opening the directory does), under an advisory lock on PostgreSQL.",
            discussion: "Safe to run on several hosts at once: one applies the migrations, the others wait for it and find nothing to do.")
        @OptionGroup var database: DbCommand.Location

        func run() throws {
            try database.run { location, output, json throws(GatehouseError) in
                var applied: [String] = []
                if PostgresLocation.isPostgres(location) {
                    let store = try PostgresDirectoryStore(url: location, migrate: false, verificationCacheCapacity: 0)
                    applied = try store.migrateNow()
                } else {
                    let before: [String]
                    if case let .gatehouse(migrations) = DatabaseLocation.inspect(location) { before = migrations } else { before = [] }
                    let store = try SQLiteDirectoryStore(path: location, opening: .existing, verificationCacheCapacity: 0)
                    do { applied = try store.appliedMigrations().filter { !before.contains($0) } } catch { throw AccessServiceErrors.typed(error) }
                }
                if json {
                    output.json(JSONValue.object(["location": .string(StoreOpening.display(location)), "applied": .array(applied.map(JSONValue.string))]).encoded())
                } else {
                    output.line(applied.isEmpty ? "The schema of \(StoreOpening.display(location)) is up to date." : "Applied \(applied.joined(separator: ", ")) to \(StoreOpening.display(location)).")
                }
            }
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy a whole SQLite directory into an empty PostgreSQL database.",
            discussion: """
                One transaction: all or nothing. Tokens keep their digests (every secret still verifies), the audit \
                log keeps its order, and the copy is checked (row counts of every table, and a sample of token digests) \
                before it commits. A target that already holds a directory is refused (exit 3), nothing changed. \
                The SQLite file is only read; stop writers to it first.
                """)
        @Option(help: ArgumentHelp("The SQLite directory to copy.", valueName: "path")) var from: String
        @Option(help: ArgumentHelp("The empty PostgreSQL database: postgresql://user@host:port/db.", valueName: "url")) var to: String
        @OptionGroup var format: OutputOptions

        func validate() throws {
            guard PostgresLocation.isPostgres(to) else { throw ValidationError("--to must be a postgresql:// URL.") }
            guard !PostgresLocation.isPostgres(from) else { throw ValidationError("--from must be the path of an SQLite directory.") }
        }

        func run() throws {
            let output = CLIEnvironment.current.output
            try GatehouseCommand.run(output) { () throws(GatehouseError) in
                guard case .gatehouse = DatabaseLocation.inspect(from) else {
                    throw .notAllowed("\(from) is not a Gatehouse directory; nothing was copied.")
                }
                let target = try PostgresDirectoryStore(url: to, verificationCacheCapacity: 0)
                let report = try PostgresCopy.copy(fromSQLite: from, to: target) { output.note($0) }
                let shown = ["organization", "user", "security_group", "token", "audit_event"]
                if format.json {
                    output.json(JSONValue.object([
                        "from": .string(from), "to": .string(target.location.display),
                        "counts": .object(report.counts.mapValues(JSONValue.int)), "digestsChecked": .int(report.digestsChecked),
                    ]).encoded())
                } else {
                    output.line("Copied \(from) to \(target.location.display) in \(String(format: "%.1f", report.seconds)) s: "
                        + shown.map { "\(report.counts[$0] ?? 0) \($0.replacingOccurrences(of: "_", with: " "))s" }.joined(separator: ", ")
                        + "; counts of all \(report.counts.count) tables and \(report.digestsChecked) token digests checked.")
                }
            }
        }
    }
}
