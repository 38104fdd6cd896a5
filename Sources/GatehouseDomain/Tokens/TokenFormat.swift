/// The token format: `gpat_` + 43 base62 characters (≥ 256 bits from the CSPRNG) + a 6-character
/// base62 CRC32 of everything before it. The prefix lets secret scanners find leaked tokens;
/// the checksum lets anyone reject a look-alike or a typo offline, before any database lookup.
/// `_` is not base64, so a double-click selects the whole token.
public enum TokenFormat {
    public static let prefix = "gpat_"
    /// 62^43 > 2^256: 43 uniformly drawn base62 characters carry 256.03 bits.
    public static let randomLength = 43
    public static let checksumLength = 6
    public static var totalLength: Int { prefix.utf8.count + randomLength + checksumLength }

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Why a string is not a well-formed token, in words a person can act on.
    public enum Problem: String, Sendable, Equatable {
        case empty = "no token was given"
        case wrongPrefix = "it does not start with gpat_, so it is not a Gatehouse token"
        case wrongLength = "it has the wrong length; copy the whole token"
        case invalidCharacter = "it contains a character that never appears in a token; check for spaces or quotes"
        case checksumMismatch = "its checksum does not match, so a character was mistyped or lost; copy it again"
    }

    public static func generate(using random: any RandomSource) -> TokenSecret {
        var body = [UInt8]()
        body.reserveCapacity(randomLength)
        // Rejection sampling keeps every character uniform: 248 = 4 × 62.
        while body.count < randomLength {
            for byte in random.bytes(count: randomLength) where byte < 248 && body.count < randomLength {
                body.append(alphabet[Int(byte % 62)])
            }
        }
        let head = Array(prefix.utf8) + body
        let token = head + encodeChecksum(CRC32.checksum(head))
        return TokenSecret(presented: String(decoding: token, as: UTF8.self))
    }

    /// The offline check: prefix, length, alphabet and checksum. No database is touched.
    public static func validate(_ candidate: String) -> Problem? {
        let bytes = Array(candidate.utf8)
        if bytes.isEmpty { return .empty }
        let prefixBytes = Array(prefix.utf8)
        guard bytes.starts(with: prefixBytes) else { return .wrongPrefix }
        guard bytes.count == totalLength else { return .wrongLength }
        let rest = bytes[prefixBytes.count...]
        guard rest.allSatisfy({ decodeDigit($0) != nil }) else { return .invalidCharacter }
        let head = Array(bytes[..<(totalLength - checksumLength)])
        let expected = encodeChecksum(CRC32.checksum(head))
        guard Array(bytes[(totalLength - checksumLength)...]) == expected else { return .checksumMismatch }
        return nil
    }

    /// A short non-secret handle to show in lists: the prefix and the last four characters.
    public static func handle(of secret: TokenSecret) -> String {
        let plaintext = secret.reveal()
        return prefix + "\u{2026}" + String(plaintext.suffix(4))
    }

    /// Six base62 digits, most significant first; 62^6 > 2^32 so every CRC fits exactly.
    static func encodeChecksum(_ value: UInt32) -> [UInt8] {
        var digits = [UInt8](repeating: alphabet[0], count: checksumLength)
        var remaining = UInt64(value)
        for position in stride(from: checksumLength - 1, through: 0, by: -1) {
            digits[position] = alphabet[Int(remaining % 62)]
            remaining /= 62
        }
        return digits
    }

    static func decodeDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 36
        default: nil
        }
    }
}

/// CRC-32 (IEEE 802.3, the zlib one), table-driven.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
