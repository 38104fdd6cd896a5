/// Finding text shaped like a token secret, wherever it comes from (an argument a parser echoes,
/// a name someone typed, a line of a log), so it is never printed back or stored as a name.
///
/// "Shaped like a token": `gpat_` (any case) followed by at least `minimumBodyLength` base62
/// characters. Shorter runs carry too little of a secret to matter, and the non-secret handle
/// (`gpat_…AbCd`) has an ellipsis right after the prefix.
public enum SecretRedaction {
    public static let minimumBodyLength = 12
    public static let replacement = "gpat_[redacted]"

    /// Whether `text` holds anything shaped like a token secret.
    public static func containsSecretShape(_ text: String) -> Bool {
        !ranges(in: Array(text.utf8)).isEmpty
    }

    /// `text` with every token-shaped run replaced by "gpat_[redacted]".
    public static func redacted(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let found = ranges(in: bytes)
        guard !found.isEmpty else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var position = 0
        for range in found {
            result += bytes[position..<range.lowerBound]
            result += Array(replacement.utf8)
            position = range.upperBound
        }
        result += bytes[position...]
        return String(decoding: result, as: UTF8.self)
    }

    /// Byte ranges of `gpat_` + base62 runs long enough to be a secret (a whole token is 54 bytes).
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        let prefix = Array("gpat_".utf8)
        var found: [Range<Int>] = []
        var index = 0
        while index + prefix.count <= bytes.count {
            let matches = (0..<prefix.count).allSatisfy { offset in
                let byte = bytes[index + offset]
                let lowered = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
                return lowered == prefix[offset]
            }
            guard matches else { index += 1; continue }
            var end = index + prefix.count
            while end < bytes.count, TokenFormat.decodeDigit(bytes[end]) != nil { end += 1 }
            if end - index - prefix.count >= minimumBodyLength {
                found.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return found
    }
}
