import Foundation
import HTTPTypes
import Hummingbird

/// Small helpers for the answers every route gives: JSON bodies and Gatehouse's own headers.
enum Responses {
    static let reason = HTTPField.Name("X-Gatehouse-Reason")!
    static let user = HTTPField.Name("X-Gatehouse-User")!
    static let token = HTTPField.Name("X-Gatehouse-Token")!
    static let realIP = HTTPField.Name("X-Real-IP")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let signature = HTTPField.Name("Github-Public-Key-Signature")!
    static let keyIdentifier = HTTPField.Name("Github-Public-Key-Identifier")!

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return body(status, data, contentType: "application/json", headers: headers)
    }

    static func body(_ status: HTTPResponse.Status, _ data: some Sequence<UInt8>, contentType: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A problem for a person or a script: `{"reason": code, "message": sentence}`, the code also in
    /// X-Gatehouse-Reason (header-safe: printable ASCII only, so a login name cannot break a header).
    static func problem(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[reason] = headerSafe("\(code): \(message)")
        return json(status, ["reason": code, "message": message], headers: headers)
    }

    static func unauthorized(code: String, message: String) -> Response {
        problem(.unauthorized, code: code, message: message, headers: [.wwwAuthenticate: "Basic realm=\"Gatehouse\""])
    }

    static func tooManyFailures(retryAfter seconds: Int) -> Response {
        problem(.tooManyRequests, code: "too-many-failures",
                message: "Too many failed authentications from this address; try again in \(seconds) s.",
                headers: [.retryAfter: String(seconds)])
    }

    static func headerSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(300).map { (0x20...0x7E).contains($0.value) ? $0 : "?" }))
    }
}
