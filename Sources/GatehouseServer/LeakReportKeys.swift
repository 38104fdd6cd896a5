import Crypto
import Foundation
import GatehouseDomain

/// The public keys a secret scanner signs its leak reports with (GitHub's secret-scanning partner
/// program: ECDSA P-256 over SHA-256 of the raw body, the DER signature base64 in
/// `Github-Public-Key-Signature`). An administrator saves them as PEM files; a report is accepted
/// only when one of them verifies its signature.
struct LeakReportKeys: Sendable {
    struct Key: Sendable {
        /// Hex SHA-256 of the key's DER form: what logs name it by.
        let identifier: String
        let key: P256.Signing.PublicKey
    }

    let keys: [Key]

    init(keys: [Key]) { self.keys = keys }

    /// Reads PEM files (each may hold one key). A file that is not a P-256 public key is an error
    /// that names the file.
    init(pemFiles: [String]) throws(GatehouseError) {
        var keys: [Key] = []
        for path in pemFiles {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw .invalidInput(field: "--leak-report-key", problem: "cannot read \(path) (\(error.localizedDescription)).")
            }
            do {
                keys.append(Self.key(try P256.Signing.PublicKey(pemRepresentation: text)))
            } catch {
                throw .invalidInput(field: "--leak-report-key", problem: "\(path) is not a PEM ECDSA P-256 public key (BEGIN PUBLIC KEY).")
            }
        }
        self.keys = keys
    }

    static func key(_ key: P256.Signing.PublicKey) -> Key {
        Key(identifier: SHA256.hash(data: key.derRepresentation).map { String(format: "%02x", $0) }.joined(), key: key)
    }

    /// The identifier of the key that signed `body`, or nil when the signature is missing,
    /// malformed or made by none of the keys.
    func signer(of body: [UInt8], signature: String?) -> String? {
        guard let signature, signature.utf8.count <= 512, let der = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)),
              let parsed = try? P256.Signing.ECDSASignature(derRepresentation: der) else { return nil }
        return keys.first { $0.key.isValidSignature(parsed, for: body) }?.identifier
    }
}
