import Foundation
import GatehouseDomain
import HTTPTypes
import Hummingbird

/// An error in Azure DevOps' shape (what its SDKs read as a `WrappedException`): `message`,
/// `typeName`, `typeKey`, `errorCode`, `eventId`, with the HTTP status that goes with it.
struct AzureDevOpsError: Error {
    let status: HTTPResponse.Status
    let typeKey: String
    let message: String
    var headers: HTTPFields = [:]

    struct Body: Encodable {
        let id = "1"
        let innerException: String? = nil
        let message: String
        let typeName: String
        let typeKey: String
        let errorCode = 0
        let eventId = 3000
        enum CodingKeys: String, CodingKey { case id = "$id", innerException, message, typeName, typeKey, errorCode, eventId }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encodeNil(forKey: .innerException)
            try container.encode(message, forKey: .message)
            try container.encode(typeName, forKey: .typeName)
            try container.encode(typeKey, forKey: .typeKey)
            try container.encode(errorCode, forKey: .errorCode)
            try container.encode(eventId, forKey: .eventId)
        }
    }

    var response: Response {
        var headers = headers
        headers[Responses.reason] = Responses.headerSafe("\(typeKey): \(message)")
        return Responses.json(status, Body(message: message, typeName: "Gatehouse.\(typeKey), Gatehouse", typeKey: typeKey), headers: headers)
    }

    static func badRequest(_ message: String, typeKey: String = "InvalidArgumentValueException") -> AzureDevOpsError {
        AzureDevOpsError(status: .badRequest, typeKey: typeKey, message: message)
    }

    static func notFound(_ message: String, typeKey: String = "GraphSubjectNotFoundException") -> AzureDevOpsError {
        AzureDevOpsError(status: .notFound, typeKey: typeKey, message: message)
    }

    /// The domain's refusal, with the status Azure DevOps gives the same kind of refusal.
    init(_ error: GatehouseError) {
        switch error {
        case .invalidInput, .membershipCycle:
            self.init(status: .badRequest, typeKey: "InvalidArgumentValueException", message: error.description)
        case .policyViolation:
            self.init(status: .badRequest, typeKey: "PolicyViolationException", message: error.description)
        case .notFound:
            self.init(status: .notFound, typeKey: "NotFoundException", message: error.description)
        case .alreadyExists, .staleVersion, .duplicate:
            self.init(status: .conflict, typeKey: "ConflictException", message: error.description)
        case .permissionDenied:
            self.init(status: .forbidden, typeKey: "AccessCheckException", message: error.description)
        case .notAllowed:
            self.init(status: .forbidden, typeKey: "InvalidOperationException", message: error.description)
        case .verificationFailed:
            self.init(status: .unauthorized, typeKey: "UnauthorizedRequestException", message: error.description,
                      headers: [.wwwAuthenticate: "Basic realm=\"Gatehouse\""])
        case .storage, .busy, .unavailable:
            // The detail (a host, a driver's message) is for the server's log, not the caller.
            self.init(status: .serviceUnavailable, typeKey: "ServiceUnavailableException",
                      message: GatehouseError.directoryTroubleMessage, headers: [.retryAfter: "1"])
        }
    }

    init(status: HTTPResponse.Status, typeKey: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.typeKey = typeKey
        self.message = message
        self.headers = headers
    }
}
