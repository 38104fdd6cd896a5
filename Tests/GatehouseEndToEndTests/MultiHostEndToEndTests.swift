import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several hosts on one PostgreSQL directory, as processes: two `gatehouse serve` and the CLI, all
/// given the same `--db postgresql://…`. Needs GATEHOUSE_TEST_POSTGRES_URL (`.ci/postgres-cluster
/// start`); skipped with the reason without it, except with CI=true, where it fails.
@Suite("Several hosts on one PostgreSQL directory", .serialized)
struct MultiHostEndToEndTests {
    static let serverURL = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let psql = findExecutable("/usr/lib/postgresql/15/bin/psql", "psql")

    /// Why these tests cannot run here, or nil.
    static var missing: String? {
        if serverURL == nil { return "GATEHOUSE_TEST_POSTGRES_URL is not set" }
        if psql == nil { return "psql is not installed" }
        if Binary.gatehouse == nil { return "the gatehouse binary is not built" }
        return nil
    }

    /// A new database on the test server, dropped afterwards.
    final class Directory: @unchecked Sendable {
        let url: String
        let folder: URL
        private let name: String
        private let admin: String

        init() throws {
            guard let server = MultiHostEndToEndTests.serverURL, let psql = MultiHostEndToEndTests.psql else {
                throw EndToEndFailure(MultiHostEndToEndTests.missing ?? "missing parts")
            }
            admin = server
            name = "gatehouse_e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let created = try Subprocess.run(psql, [server, "-qc", "CREATE DATABASE \(name)"])
            guard created.status == 0 else { throw EndToEndFailure("psql: \(created.error)") }
            var components = URLComponents(string: server)
            components?.path = "/" + name
            url = components?.string ?? server
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-multihost-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let initialized = try cli(["init"])
            guard initialized.status == 0 else { throw EndToEndFailure("init: \(initialized.error)") }
        }

        deinit {
            if let psql = MultiHostEndToEndTests.psql { _ = try? Subprocess.run(psql, [admin, "-qc", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
            try? FileManager.default.removeItem(at: folder)
        }

        func cli(_ arguments: [String]) throws -> Subprocess.Result {
            guard let binary = Binary.gatehouse?.path else { throw EndToEndFailure("no gatehouse binary") }
            return try Subprocess.run(binary, arguments + ["--db", url])
        }

        func serve(_ label: String) throws -> (process: BackgroundProcess, port: Int) {
            guard let binary = Binary.gatehouse?.path else { throw EndToEndFailure("no gatehouse binary") }
            let process = try BackgroundProcess(binary, ["serve", "--listen", "127.0.0.1:0", "--db", url, "--log-level", "warning"],
                                                outputPath: folder.appendingPathComponent("\(label).log").path)
            let output = try process.waitForOutput("Listening on http://127.0.0.1:")
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Listening on") }),
                  let port = line.split(separator: ":").last.flatMap({ Int($0) }) else { throw EndToEndFailure("no port in \(output)") }
            return (process, port)
        }
    }

    static func check(port: Int, token: String) throws -> Int32 {
        guard let curl = findExecutable("curl") else { throw EndToEndFailure("curl is not installed") }
        let result = try Subprocess.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)",
                                               "http://127.0.0.1:\(port)/auth/check?org=Default&scope=vso.code"])
        return Int32(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Skips (printing why) on a developer's machine without PostgreSQL; fails in CI.
    static func available() -> Bool {
        guard let missing else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI=true but the multi-host tests cannot run: \(missing)")
        } else {
            print("◇ Multi-host end-to-end skipped: \(missing)")
        }
        return false
    }

    @Test("a token revoked through the CLI is refused by both servers on their next requests")
    func revocationSeenByBothServers() throws {
        guard Self.available() else { return }
        let directory = try Directory()
        let created = try directory.cli(["tokens", "create", "--name", "e2e", "--scope", "vso.code", "--expires", "30d"])
        #expect(created.status == 0, "\(created.error)")
        let secret = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let first = try directory.serve("serve-a"), second = try directory.serve("serve-b")
        #expect(try Self.check(port: first.port, token: secret) == 204)
        #expect(try Self.check(port: second.port, token: secret) == 204)
        let listed = try directory.cli(["tokens", "list", "--json"])
        let id = try #require(listed.output.firstMatch(of: /"id" *: *"([0-9a-f-]{36})"/)?.1).description
        let revoked = try directory.cli(["tokens", "revoke", id, "--reason", "multi-host test"])
        #expect(revoked.status == 0, "\(revoked.error)")
        // The next request on each server; the notification travels while curl starts.
        let started = Date()
        var statuses: [Int32] = []
        for server in [first.port, second.port] {
            var status = try Self.check(port: server, token: secret)
            while status == 204 && Date().timeIntervalSince(started) < 1 { status = try Self.check(port: server, token: secret) }
            statuses.append(status)
        }
        #expect(statuses == [401, 401], "revocation seen after \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        first.process.stop()
        second.process.stop()
    }

    /// One value from psql (`-tA`), trimmed.
    static func sql(_ url: String, _ query: String) throws -> String {
        guard let psql else { throw EndToEndFailure("psql is not installed") }
        let result = try Subprocess.run(psql, [url, "-v", "ON_ERROR_STOP=1", "-tAc", query])
        guard result.status == 0 else { throw EndToEndFailure("psql: \(result.error) for \(query)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `query` until it prints `expected` (or 20 s pass).
    static func waitForSQL(_ url: String, _ query: String, toBe expected: String, _ what: String) throws {
        let deadline = Date().addingTimeInterval(20)
        var last = ""
        while Date() < deadline {
            last = try sql(url, query)
            if last == expected { return }
            usleep(50_000)
        }
        let activity = (try? sql(url, "SELECT string_agg(concat_ws(' ', application_name, state, wait_event_type, wait_event, backend_xid, left(query, 60)), E'\\n') FROM pg_stat_activity WHERE datname = current_database()")) ?? ""
        throw EndToEndFailure("waited 20 s for \(what): \(query) printed \(last); sessions:\n\(activity)")
    }

    /// A psql session holding a lock in an open transaction until `release()` (or deinit), which
    /// ends its backend: killing psql alone would leave the server side asleep, holding the lock.
    final class LockHolder {
        private let process: BackgroundProcess
        private let url: String
        private var released = false

        init(_ directory: Directory, _ statement: String) throws {
            guard let psql = MultiHostEndToEndTests.psql else { throw EndToEndFailure("psql is not installed") }
            url = directory.url
            process = try BackgroundProcess(psql, [url, "-c", "BEGIN; \(statement); SELECT pg_sleep(120)"],
                                            outputPath: directory.folder.appendingPathComponent("lock-\(UUID().uuidString.prefix(8)).log").path,
                                            environment: ["PGAPPNAME": "gatehouse-e2e-lock"])
        }

        func release() {
            guard !released else { return }
            released = true
            _ = try? MultiHostEndToEndTests.sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gatehouse-e2e-lock'")
            process.stop(grace: 2)
        }

        deinit { release() }
    }

    static func tokenIDs(_ directory: Directory) throws -> [String: String] {
        let listed = try directory.cli(["tokens", "list", "--json"])
        guard let data = listed.output.data(using: .utf8), let tokens = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw EndToEndFailure("tokens list --json: \(listed.output) \(listed.error)")
        }
        return Dictionary(tokens.compactMap { token in (token["name"] as? String).flatMap { name in (token["id"] as? String).map { (name, $0) } } },
                          uniquingKeysWith: { first, _ in first })
    }

    /// curl and its arguments for Token Administration's bulk revocation of `ids` (one transaction).
    static func revocation(_ ids: [String], port: Int, token: String) throws -> (curl: String, arguments: [String]) {
        guard let curl = findExecutable("curl") else { throw EndToEndFailure("curl is not installed") }
        let body = "[" + ids.map { "{\"authorizationId\":\"\($0)\"}" }.joined(separator: ",") + "]"
        return (curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-u", ":\(token)",
                       "-H", "Content-Type: application/json", "--data", body,
                       "http://127.0.0.1:\(port)/Default/_apis/tokenadmin/revocations?api-version=7.1-preview.1"])
    }

    /// Revoked tokens without their audit event, and revocation events without a revoked token.
    static let halfDone = """
        SELECT (SELECT count(*) FROM token t WHERE t.revoked_at IS NOT NULL AND NOT EXISTS
                    (SELECT 1 FROM audit_event a WHERE a.action = 'token.revoke' AND lower(a.target_id) = t.id::text))
             + (SELECT count(*) FROM audit_event a WHERE a.action = 'token.revoke' AND NOT EXISTS
                    (SELECT 1 FROM token t WHERE t.id::text = lower(a.target_id) AND t.revoked_at IS NOT NULL))
        """

    @Test("a server killed inside an open write transaction (a bulk revocation stuck on a row lock) loses nothing and leaves nothing half-done")
    func killedMidTransaction() throws {
        guard Self.available() else { return }
        let directory = try Directory()
        // Committed before: a token revoked through the CLI, and the Token Administration caller's own token.
        for name in ["earlier", "target 1", "target 2", "target 3", "target 4"] {
            let created = try directory.cli(["tokens", "create", "--name", name, "--scope", "vso.code", "--expires", "30d"])
            #expect(created.status == 0, "\(created.error)")
        }
        let admin = try directory.cli(["tokens", "create", "--name", "token admin", "--scope", "vso.tokenadministration", "--expires", "30d"])
        let adminSecret = admin.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let targetSecret = try directory.cli(["tokens", "create", "--name", "target 5", "--scope", "vso.code", "--expires", "30d"])
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
        let ids = try Self.tokenIDs(directory)
        let targets = try ["target 1", "target 2", "target 3", "target 4", "target 5"].map { try #require(ids[$0]) }
        #expect(try directory.cli(["tokens", "revoke", try #require(ids["earlier"]), "--reason", "before the kill"]).status == 0)

        // psql holds the third target's row: the server's transaction revokes (and audits) the first two, then waits.
        let holder = try LockHolder(directory, "SELECT id FROM token WHERE id = '\(targets[2])' FOR UPDATE")
        try Self.waitForSQL(directory.url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'gatehouse-e2e-lock' AND backend_xid IS NOT NULL",
                            toBe: "1", "psql to lock the row")
        let server = try directory.serve("serve-killed")
        let stuck = try Self.revocation(targets, port: server.port, token: adminSecret)
        let request = try BackgroundProcess(stuck.curl, stuck.arguments, outputPath: directory.folder.appendingPathComponent("curl.log").path)
        defer { request.stop(grace: 1) }
        // The server's write transaction has written (it has a transaction id) and waits on the lock.
        try Self.waitForSQL(directory.url, """
            SELECT count(*) FROM pg_stat_activity WHERE application_name = 'gatehouse' AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL
            """, toBe: "1", "the server's revocation to wait on the locked row")
        kill(server.process.pid, SIGKILL)
        holder.release()
        // PostgreSQL rolls the orphaned transaction back once it finds the client gone.
        try Self.waitForSQL(directory.url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL",
                            toBe: "0", "the killed server's transaction to end")

        #expect(try Self.sql(directory.url, Self.halfDone) == "0", "no revocation without its audit event, and no event without its revocation")
        #expect(try Self.sql(directory.url, "SELECT count(*) FROM token WHERE revoked_at IS NOT NULL") == "1", "only the earlier revocation")
        #expect(try Self.sql(directory.url, "SELECT count(*) FROM audit_event WHERE action = 'token.revoke'") == "1")
        #expect(try Self.sql(directory.url, "SELECT count(*) FROM token") == "7", "every token committed before is there")

        // A new server serves, and the same revocation now goes through whole.
        let again = try directory.serve("serve-again")
        #expect(try Self.check(port: again.port, token: targetSecret) == 204)
        let retry = try Self.revocation(targets, port: again.port, token: adminSecret)
        #expect(try Subprocess.run(retry.curl, retry.arguments).output == "204")
        #expect(try Self.check(port: again.port, token: targetSecret) == 401)
        #expect(try Self.sql(directory.url, Self.halfDone) == "0")
        #expect(try Self.sql(directory.url, "SELECT count(*) FROM audit_event WHERE action = 'token.revoke'") == "6")
        let audit = try directory.cli(["audit", "list", "--json"])
        #expect(audit.status == 0 && audit.output.contains("before the kill"))
        again.process.stop()
    }

    /// Groups reaching themselves, by a recursive query over the stored memberships.
    static let cycles = """
        WITH RECURSIVE reach(start, node, path, closed) AS (
            SELECT group_id, member_group_id, ARRAY[group_id], member_group_id = group_id FROM group_member WHERE member_group_id IS NOT NULL
            UNION ALL
            SELECT r.start, m.member_group_id, r.path || r.node, m.member_group_id = ANY (r.path || r.node)
            FROM reach r JOIN group_member m ON m.group_id = r.node AND m.member_group_id IS NOT NULL
            WHERE NOT r.closed)
        SELECT count(*) FROM reach WHERE closed
        """

    @Test("2×100 group changes from two CLI processes at once never close a cycle, and every refusal says why with its exit status")
    func concurrentGroupChangesAcrossProcesses() throws {
        guard Self.available() else { return }
        let directory = try Directory()
        let ring = (0..<4).map { "Ring \($0)" }
        for name in ring { #expect(try directory.cli(["groups", "create", name]).status == 0) }
        // One side nests each group in the next (the fourth closes a ring of four), the other each
        // in the previous (with the first side's, a cycle of two): adds and removes in turns.
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            for step in 0..<100 {
                let index = step % 4
                let (parent, child) = side == 0 ? (ring[(index + 1) % 4], ring[index]) : (ring[index], ring[(index + 1) % 4])
                let verb = (step / 4) % 2 == 0 ? "add-member" : "remove-member"
                do {
                    outcomes.append((side, "\(verb) \(parent) --group \(child)", try directory.cli(["groups", verb, parent, "--group", child])))
                } catch {
                    outcomes.append((side, verb, Subprocess.Result(status: -1, output: "", error: "\(error)")))
                }
            }
        }
        #expect(outcomes.all.count == 200)
        var tally: [String: Int] = [:]
        for outcome in outcomes.all {
            let status = outcome.result.status, message = outcome.result.error
            tally["exit \(status)", default: 0] += 1
            guard status != 0 else { continue }
            #expect([3, 4, 5].contains(status), "\(outcome.command): exit \(status), \(message)")
            #expect(!message.isEmpty && !message.contains("could not complete") && !message.contains("PostgreSQL:"),
                    "\(outcome.command): a refusal a person can act on, not \(message)")
            // An add refused as a cycle; a remove refused because the other side's remove came first.
            let reason = outcome.command.hasPrefix("add") ? "would make a cycle" : "not a direct member"
            if status == 3 {
                #expect(message.contains(reason), "\(outcome.command): \(message)")
                tally[reason, default: 0] += 1
            }
        }
        print("◇ 2×100 concurrent group changes across processes: \(tally.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))")
        #expect(outcomes.all.contains { $0.result.status == 3 && $0.result.error.contains("cycle") }, "some changes would have closed a cycle")
        #expect(outcomes.all.contains { $0.result.status == 0 }, "and some went through")
        #expect(try Self.sql(directory.url, Self.cycles) == "0", "no group reaches itself")
        // The check itself finds a cycle when there is one (written past the façade).
        let g0 = try Self.sql(directory.url, "SELECT id FROM security_group WHERE name = 'Ring 0'")
        let g1 = try Self.sql(directory.url, "SELECT id FROM security_group WHERE name = 'Ring 1'")
        _ = try Self.sql(directory.url, "DELETE FROM group_member WHERE member_group_id IS NOT NULL")
        _ = try Self.sql(directory.url, "INSERT INTO group_member (group_id, member_group_id) VALUES ('\(g0)', '\(g1)'), ('\(g1)', '\(g0)')")
        #expect(try Self.sql(directory.url, Self.cycles) != "0")
    }

    @Test("db copy moves an SQLite directory up: every secret still verifies, the target refuses a second copy")
    func copyUp() throws {
        guard Self.available() else { return }
        let directory = try Directory()
        guard let binary = Binary.gatehouse?.path else { return }
        let sqlite = directory.folder.appendingPathComponent("local.sqlite").path
        _ = try Subprocess.run(binary, ["init", "--db", sqlite])
        let created = try Subprocess.run(binary, ["tokens", "create", "--name", "moved", "--scope", "vso.code", "--expires", "30d", "--db", sqlite])
        let secret = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        // The test directory already holds one (init): a fresh database for the copy.
        guard let server = Self.serverURL, let psql = Self.psql else { return }
        let name = "gatehouse_copy_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        _ = try Subprocess.run(psql, [server, "-qc", "CREATE DATABASE \(name)"])
        defer { _ = try? Subprocess.run(psql, [server, "-qc", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
        var components = URLComponents(string: server)
        components?.path = "/" + name
        let target = components?.string ?? server
        let copied = try Subprocess.run(binary, ["db", "copy", "--from", sqlite, "--to", target])
        #expect(copied.status == 0, "\(copied.error)")
        #expect(copied.output.contains("token digests checked"))
        let sqliteJSON = try Subprocess.run(binary, ["tokens", "list", "--json", "--db", sqlite]).output
        let postgresJSON = try Subprocess.run(binary, ["tokens", "list", "--json", "--db", target]).output
        #expect(sqliteJSON == postgresJSON)
        let usersSQLite = try Subprocess.run(binary, ["users", "list", "--json", "--db", sqlite]).output
        let usersPostgres = try Subprocess.run(binary, ["users", "list", "--json", "--db", target]).output
        #expect(usersSQLite == usersPostgres)
        // (After the comparison: verifying records "last used".)
        let verified = try Subprocess.run(binary, ["tokens", "verify", "--db", target], input: secret + "\n")
        #expect(verified.status == 0, "\(verified.output) \(verified.error)")
        let again = try Subprocess.run(binary, ["db", "copy", "--from", sqlite, "--to", target])
        #expect(again.status == 3, "\(again.error)")
        #expect(again.error.contains("already holds a directory"))
    }
}

/// What each racing command did, gathered from two threads.
private final class Outcomes: @unchecked Sendable {
    typealias Outcome = (side: Int, command: String, result: Subprocess.Result)
    private let lock = NSLock()
    private var outcomes: [Outcome] = []
    func append(_ outcome: Outcome) { lock.withLock { outcomes.append(outcome) } }
    var all: [Outcome] { lock.withLock { outcomes } }
}
