import Crypto
import Foundation
import GatehouseDomain
import Hummingbird

/// `POST /_apis/tokens/leaked`: GitHub's secret-scanning partner program posts the tokens it found,
/// signed; each active one is handed to the domain, which revokes it when the organization's
/// auto-revoke policy applies (reason: the URL it was found at) and audits the report.
extension GatehouseHTTP {
    struct LeakedToken: Decodable {
        let token: String
        let type: String?
        let url: String?
        let source: String?
    }

    struct LeakLabel: Encodable {
        let token_hash: String
        let token_type: String
        let label: String
    }

    /// Reports larger than this are refused unread.
    static let largestLeakReport = 1 << 20
    static let mostLeakedTokens = 1_000

    func leakReport(_ request: Request, _ context: GatehouseRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: Self.largestLeakReport)
        let bytes = Array(buffer: body)
        guard !leakKeys.keys.isEmpty else {
            return Responses.problem(.unauthorized, code: "not-configured", message: "No leak-report keys are configured: start the server with --leak-report-key FILE.")
        }
        guard let signer = leakKeys.signer(of: bytes, signature: request.headers[Responses.signature]) else {
            context.logger.warning("leak report refused: missing or bad signature", metadata: ["key_identifier": "\(Responses.headerSafe(request.headers[Responses.keyIdentifier] ?? "-"))"])
            return Responses.problem(.unauthorized, code: "bad-signature", message: "The report is not signed by a configured key (Github-Public-Key-Signature: base64 DER ECDSA P-256 over the body).")
        }
        guard let entries = try? JSONDecoder().decode([LeakedToken].self, from: Data(bytes)), entries.count <= Self.mostLeakedTokens else {
            return Responses.problem(.badRequest, code: "bad-request", message: "Expected a JSON array of at most \(Self.mostLeakedTokens) {token, type, url, source}.")
        }
        var labels: [LeakLabel] = []
        for entry in entries {
            let secret = TokenSecret(presented: entry.token)
            let url = entry.url ?? ""
            let reporter = "secret scanning (\(entry.source ?? "unknown source"), key \(signer.prefix(12)))"
            let outcome = try await verifier.blocking { try $0.reportLeaked(secret, reportedBy: reporter, url: url) }
            let hash = SHA256.hash(data: Data(entry.token.utf8)).map { String(format: "%02x", $0) }.joined()
            let isOurs: Bool = switch outcome {
            case .revoked, .reportedOnly, .alreadyInactive: true
            case .notFound: false
            }
            context.logger.notice("leaked token reported", metadata: ["outcome": "\(Self.describe(outcome))", "token_hash": "\(hash.prefix(16))"])
            labels.append(LeakLabel(token_hash: hash, token_type: entry.type ?? "gatehouse_personal_access_token", label: isOurs ? "true_positive" : "false_positive"))
        }
        return Responses.json(.ok, labels)
    }

    static func describe(_ outcome: LeakReportOutcome) -> String {
        switch outcome {
        case .revoked: "revoked"
        case .reportedOnly: "reported only (policy off or owner exempt)"
        case .alreadyInactive: "already inactive"
        case let .notFound(reason): "not ours (\(reason.code))"
        }
    }
}
