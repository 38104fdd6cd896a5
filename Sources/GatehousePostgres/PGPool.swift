import CLibpq
import Foundation
import GatehouseDomain

/// Where a PostgreSQL directory is, as given (`postgresql://user@host:port/db`, or libpq's
/// `key=value` form), and as it may be shown: host, port and database, never a password.
public struct PostgresLocation: Sendable, Equatable {
    public let conninfo: String
    /// "host:port/database" for messages.
    public let display: String

    public init(_ text: String) {
        conninfo = text
        display = Self.describe(text)
    }

    /// True for what `--db` should open with PostgreSQL rather than as an SQLite path.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// What libpq finds wrong with the URL (a bad percent-escape, an unknown option), before
    /// anything connects; nil when it parses. A typo is the caller's to fix, not "unreachable".
    public static func syntaxProblem(_ text: String) -> String? {
        // Without libpq the URL cannot be checked here; opening says libpq is missing (exit 8).
        guard gatehouse_libpq_load(nil) == 1 else { return nil }
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &message) else {
            defer { if let message { PQfreemem(message) } }
            let detail = message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "it does not parse"
            // libpq quotes the offending part, which may be a piece of the password: dropped.
            return detail.replacingOccurrences(of: #":?\s*"[^"]*""#, with: "", options: .regularExpression)
        }
        PQconninfoFree(options)
        return nil
    }

    static func describe(_ text: String) -> String {
        if isPostgres(text), let components = URLComponents(string: text) {
            let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
            let port = components.port.map(String.init) ?? "5432"
            let database = components.path.split(separator: "/").first.map(String.init) ?? components.user ?? "postgres"
            return "\(host):\(port)/\(database)"
        }
        // key=value: host, port and dbname only.
        var pairs: [String: String] = [:]
        for word in text.split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { pairs[parts[0]] = parts[1] }
        }
        return "\(pairs["host"] ?? "localhost"):\(pairs["port"] ?? "5432")/\(pairs["dbname"] ?? "postgres")"
    }
}

/// A few libpq connections shared by the threads of one process. A connection is taken for one
/// transaction and given back; a broken one is dropped, and the next transaction connects anew,
/// so a restarted server is reconnected to without restarting Gatehouse.
final class PGPool: @unchecked Sendable {
    let location: PostgresLocation
    let maximum: Int
    private let condition = NSCondition()
    private var idle: [PGConnection] = []
    private var opened = 0

    init(location: PostgresLocation, maximum: Int) {
        self.location = location
        self.maximum = max(1, maximum)
    }

    /// A new connection outside the pool (the migration lock, the notification listener).
    func connect() throws(GatehouseError) -> PGConnection {
        do {
            return try PGConnection(conninfo: location.conninfo, location: location.display)
        } catch {
            throw .unavailable(host: location.display, detail: error.message)
        }
    }

    func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let connection = try acquire()
        var healthy = true
        defer { release(connection, healthy: healthy) }
        do {
            return try body(connection)
        } catch {
            healthy = connection.isHealthy
            throw error
        }
    }

    private func acquire() throws(GatehouseError) -> PGConnection {
        condition.lock()
        while idle.isEmpty && opened >= maximum { condition.wait() }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        opened += 1
        condition.unlock()
        do {
            return try connect()
        } catch {
            condition.lock()
            opened -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func release(_ connection: PGConnection, healthy: Bool) {
        condition.lock()
        if healthy && connection.isHealthy {
            idle.append(connection)
        } else {
            opened -= 1
        }
        condition.signal()
        condition.unlock()
    }

    /// Drops idle connections (after the server restarted, every one of them is broken).
    func discardIdle() {
        condition.lock()
        opened -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
