import CLibpq
import Foundation
import GatehouseDomain

/// A value sent as a statement parameter, with the type PostgreSQL is told it has (so nothing
/// depends on the server inferring a type from context). Sent in text format.
enum PGValue: Sendable {
    case null
    case text(String)
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    case uuid(UUID)
    case bytes([UInt8])
    /// `bytea[]`: the digests one batched verification looks up (`digest = ANY(?)`).
    case byteaArray([[UInt8]])

    /// NULL where the server infers the column's type (the names say which, for the reader).
    static let uuidNull = PGValue.null
    static let doubleNull = PGValue.null

    /// The type's OID (pg_type): text 25, int8 20, float8 701, bool 16, uuid 2950, bytea 17, bytea[] 1001.
    var typeOID: Oid {
        switch self {
        case .null: 0
        case .text: 25
        case .integer: 20
        case .double: 701
        case .bool: 16
        case .uuid: 2950
        case .bytes: 17
        case .byteaArray: 1001
        }
    }

    /// The text form PostgreSQL parses; nil for NULL.
    var text: String? {
        switch self {
        case .null: nil
        case let .text(value): value
        case let .integer(value): String(value)
        case let .double(value):
            value.isFinite ? "\(value)" : (value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity"))
        case let .bool(value): value ? "t" : "f"
        case let .uuid(value): value.uuidString
        // bytea's hex input; the digest type's table-driven hex serves any bytes.
        case let .bytes(value): "\\x" + TokenDigest(bytes: value).hex
        // An array literal of quoted hex inputs: `{"\\xab…","\\xcd…"}` (the backslash escaped in the quotes).
        case let .byteaArray(values): "{" + values.map { "\"\\\\x" + TokenDigest(bytes: $0).hex + "\"" }.joined(separator: ",") + "}"
        }
    }
}

/// Swift values that become statement parameters.
protocol PGValueConvertible { var pgValue: PGValue { get } }
extension String: PGValueConvertible { var pgValue: PGValue { .text(self) } }
extension Int: PGValueConvertible { var pgValue: PGValue { .integer(Int64(self)) } }
extension Int64: PGValueConvertible { var pgValue: PGValue { .integer(self) } }
extension Double: PGValueConvertible { var pgValue: PGValue { .double(self) } }
extension Bool: PGValueConvertible { var pgValue: PGValue { .bool(self) } }
extension UUID: PGValueConvertible { var pgValue: PGValue { .uuid(self) } }
extension PGValue: PGValueConvertible { var pgValue: PGValue { self } }
extension Identifier: PGValueConvertible { var pgValue: PGValue { .uuid(uuid) } }
extension Date: PGValueConvertible { var pgValue: PGValue { .double(timeIntervalSince1970) } }
extension Optional: PGValueConvertible where Wrapped: PGValueConvertible {
    var pgValue: PGValue { map(\.pgValue) ?? .null }
}

/// A failure reported by libpq or the server: the SQLSTATE (five characters, "" when the
/// connection itself failed) and the server's message (which never holds a parameter's value).
struct PGError: Error, CustomStringConvertible {
    let sqlState: String
    let message: String
    /// The constraint a violation names (unique, foreign key, check), if any.
    let constraint: String?
    let table: String?
    /// True when the connection is unusable afterwards (it is then discarded, not pooled).
    let connectionLost: Bool

    var description: String { sqlState.isEmpty ? message : "\(message) [SQLSTATE \(sqlState)]" }

    /// Serialization failure or deadlock: the transaction may succeed if run again.
    var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    var isUniqueViolation: Bool { sqlState == "23505" }
    /// The server is going away, refused or dropped us, or is starting up.
    var meansUnavailable: Bool {
        connectionLost || sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }
}

/// The rows of one statement's result, read by column name or index, in text format.
struct PGRows {
    private let owner: PGResult
    private var result: OpaquePointer { owner.pointer }
    let count: Int
    let columnCount: Int
    private let columnIndex: [String: Int]

    fileprivate init(_ owner: PGResult) {
        self.owner = owner
        let result = owner.pointer
        count = Int(PQntuples(result))
        columnCount = Int(PQnfields(result))
        var index: [String: Int] = [:]
        for column in 0..<columnCount {
            if let name = PQfname(result, Int32(column)) {
                let key = String(cString: name)
                if index[key] == nil { index[key] = column }
            }
        }
        columnIndex = index
    }

    func column(_ name: String) -> Int? { columnIndex[name] }
    /// Rows an INSERT/UPDATE/DELETE changed.
    var affected: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }
    func typeOID(_ column: Int) -> Oid { PQftype(result, Int32(column)) }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }

    func text(_ row: Int, _ column: Int) -> String? {
        guard !isNull(row, column), let value = PQgetvalue(result, Int32(row), Int32(column)) else { return nil }
        return String(cString: value)
    }

    var rows: [PGRow] { (0..<count).map { PGRow(rows: self, index: $0) } }
    var first: PGRow? { count > 0 ? PGRow(rows: self, index: 0) : nil }
}

/// One row of a result.
struct PGRow {
    let rows: PGRows
    let index: Int

    func text(_ name: String) -> String? { rows.column(name).flatMap { rows.text(index, $0) } }
    func text(at column: Int) -> String? { rows.text(index, column) }
    func has(_ name: String) -> Bool { rows.column(name) != nil }
}

/// One libpq connection, used by one thread at a time (the pool hands it out).
final class PGConnection {
    private let handle: OpaquePointer
    /// The first error of the current transaction: after it every statement fails with
    /// "current transaction is aborted" (25P02), which says nothing about why.
    private(set) var firstError: PGError?
    /// Where this connection goes, as it may be shown ("host:port/db").
    let location: String

    /// Connects with libpq's own parameter parsing (a postgresql:// URL or key=value pairs).
    init(conninfo: String, location: String) throws(PGError) {
        self.location = location
        try Self.requireLibpq()
        let keywords = ["dbname", "connect_timeout", "application_name", "client_encoding"]
        let values = [conninfo, "5", "gatehouse", "UTF8"]
        let pointer: OpaquePointer? = Self.withCStrings(keywords) { keys in
            Self.withCStrings(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let pointer else { throw PGError(sqlState: "", message: "out of memory", constraint: nil, table: nil, connectionLost: true) }
        guard PQstatus(pointer) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(pointer)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(pointer)
            throw PGError(sqlState: "", message: Self.firstLine(message), constraint: nil, table: nil, connectionLost: true)
        }
        handle = pointer
        // Server notices (e.g. "relation already exists, skipping") are not for the terminal.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// libpq is loaded when the first PostgreSQL connection opens (`CLibpq`); a machine without it
    /// gets this, naming the package, instead of failing to start every command.
    static func requireLibpq() throws(PGError) {
        var problem: UnsafePointer<CChar>?
        guard gatehouse_libpq_load(&problem) == 0 else { return }
        let why = problem.map { String(cString: $0) } ?? "it could not be loaded"
        throw PGError(sqlState: "", message: "PostgreSQL needs libpq 5, which is not installed (Debian: apt-get install libpq5): \(why)",
                      constraint: nil, table: nil, connectionLost: true)
    }

    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The libpq socket, for waiting on notifications.
    var socket: Int32 { PQsocket(handle) }

    private static func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init) ?? text
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafePointer<CChar>?] = strings.map { UnsafePointer(strdup($0)) }
        pointers.append(nil)
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Runs one statement with `?` placeholders (numbered here as $1, $2…), parameters sent with their types.
    @discardableResult
    func query(_ sql: String, _ parameters: [PGValue] = []) throws(PGError) -> PGRows {
        let numbered = Self.numberPlaceholders(sql)
        guard !parameters.isEmpty else { return try check(PQexecParams(handle, numbered, 0, nil, nil, nil, nil, 0)) }
        let types = parameters.map(\.typeOID)
        let name = try preparedName(numbered, types: types)
        let texts = parameters.map(\.text)
        var cStrings: [UnsafeMutablePointer<CChar>?] = texts.map { $0.map { strdup($0) } ?? nil }
        defer { for pointer in cStrings { free(pointer) } }
        let result: OpaquePointer? = cStrings.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) { values in
                if let name { return PQexecPrepared(handle, name, Int32(parameters.count), values, nil, nil, 0) }
                return types.withUnsafeBufferPointer { typeBuffer in
                    PQexecParams(handle, numbered, Int32(parameters.count), typeBuffer.baseAddress, values, nil, nil, 0)
                }
            }
        }
        return try check(result)
    }

    /// Statements prepared on this connection, by their text and parameter types: parsed and
    /// planned once (PostgreSQL keeps a generic plan after a few runs), not on every call. At most
    /// `maximumPrepared` (lists with IN lists of every length make many texts); past it, unprepared.
    private var prepared: [String: String] = [:]
    static let maximumPrepared = 512

    private func preparedName(_ sql: String, types: [Oid]) throws(PGError) -> String? {
        let key = sql + "\u{0}" + types.map(String.init).joined(separator: ",")
        if let name = prepared[key] { return name }
        guard prepared.count < Self.maximumPrepared else { return nil }
        let name = "gh\(prepared.count)"
        let result = types.withUnsafeBufferPointer { PQprepare(handle, name, sql, Int32(types.count), $0.baseAddress) }
        _ = try check(result)
        prepared[key] = name
        return name
    }

    /// Several statements without parameters (a migration), in one round trip.
    func execute(_ sql: String) throws(PGError) {
        let result = PQexec(handle, sql)
        _ = try check(result)
    }

    private func check(_ result: OpaquePointer?) throws(PGError) -> PGRows {
        guard let result else {
            let error = PGError(sqlState: "", message: Self.firstLine(String(cString: PQerrorMessage(handle))), constraint: nil, table: nil, connectionLost: true)
            firstError = firstError ?? error
            throw error
        }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PGRows(PGResult(result))
        default:
            func field(_ code: UInt8) -> String? {
                PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
            }
            let state = field(UInt8(ascii: "C")) ?? ""
            let message = field(UInt8(ascii: "M")) ?? Self.firstLine(String(cString: PQresultErrorMessage(result)))
            let error = PGError(sqlState: state, message: message, constraint: field(UInt8(ascii: "n")), table: field(UInt8(ascii: "t")),
                                connectionLost: PQstatus(handle) != CONNECTION_OK)
            PQclear(result)
            if firstError == nil || state != "25P02" { firstError = firstError ?? error }
            throw error
        }
    }

    /// Forgets the previous transaction's first error (at BEGIN).
    func resetTransactionState() {
        firstError = nil
    }

    /// Reads what the server sent without waiting, and returns the notifications received: (channel, payload).
    func notifications() throws(PGError) -> [(channel: String, payload: String)] {
        guard PQconsumeInput(handle) == 1 else {
            throw PGError(sqlState: "", message: Self.firstLine(String(cString: PQerrorMessage(handle))), constraint: nil, table: nil, connectionLost: true)
        }
        var received: [(String, String)] = []
        while let notify = PQnotifies(handle) {
            received.append((String(cString: notify.pointee.relname), String(cString: notify.pointee.extra)))
            PQfreemem(notify)
        }
        return received
    }
}

/// Owns one libpq result; cleared when the last `PGRows` reading it goes.
final class PGResult {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQclear(pointer) }
}

extension PGConnection {
    /// `?` → `$n`, outside quoted text and identifiers.
    static func numberPlaceholders(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                number += 1
                out += "$\(number)"
            } else {
                out.append(character)
            }
        }
        return out
    }
}
