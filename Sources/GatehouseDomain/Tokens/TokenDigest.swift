import Crypto

/// What the store keeps instead of the secret: SHA-256 of the token text.
///
/// Why plain SHA-256 and not HMAC under an installation key: the token carries 256 bits from the
/// CSPRNG, so its digest cannot be reversed or brute-forced, with or without a key. A key would add
/// a second secret to protect, back up and share between the hosts of a PostgreSQL deployment
/// (lose it and every token dies) and buys nothing against an attacker who already holds a token.
/// A deterministic digest under a unique index makes verification one indexed lookup, as GitHub does.
public struct TokenDigest: Hashable, Sendable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The bytes in one call, not one `combine` per byte: digests key the verification cache.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public init(of secret: TokenSecret) {
        self.bytes = Array(SHA256.hash(data: Array(secret.reveal().utf8)))
    }

    /// Lower-case hex, for diagnostics; built from a table, not `String(format:)` (20× slower).
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
