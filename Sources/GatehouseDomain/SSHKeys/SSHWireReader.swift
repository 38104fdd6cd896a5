/// Reads the SSH wire encoding (RFC 4251 §5) used inside an OpenSSH public-key blob.
///
/// Every read is bounds-checked; running past the end throws ``SSHKeyError/truncatedKeyData``.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset: Int = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// `true` once every byte has been consumed.
    var isAtEnd: Bool { offset == bytes.count }

    /// The number of bytes not yet consumed.
    var remainingCount: Int { bytes.count - offset }

    /// A big-endian `uint32`.
    mutating func readUInt32() throws(SSHKeyError) -> UInt32 {
        guard remainingCount >= 4 else { throw .truncatedKeyData }
        var value: UInt32 = 0
        for byte in bytes[offset..<offset + 4] {
            value = value << 8 | UInt32(byte)
        }
        offset += 4
        return value
    }

    /// A `string`: a `uint32` length followed by that many bytes.
    mutating func readString() throws(SSHKeyError) -> [UInt8] {
        let length = try readUInt32()
        guard UInt64(length) <= UInt64(remainingCount) else { throw .truncatedKeyData }
        let end = offset + Int(length)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }

    /// An `mpint` holding a non-negative integer, returned as its big-endian magnitude
    /// with no leading zero bytes (an empty array is zero).
    ///
    /// The encoding must be the canonical one: no sign bit set (negative numbers are refused)
    /// and no redundant leading 0x00 byte. Accepting only the canonical form keeps the blob
    /// identical to the one `ssh-keygen` re-encodes when it computes a fingerprint.
    mutating func readPositiveMPInt() throws(SSHKeyError) -> [UInt8] {
        let raw = try readString()
        guard let first = raw.first else { return [] }
        if first & 0x80 != 0 { throw .rsaMalformedNumber }
        if first == 0 {
            // A leading zero is only allowed to keep the sign bit of the next byte clear.
            guard raw.count >= 2, raw[1] & 0x80 != 0 else { throw .rsaMalformedNumber }
            return Array(raw.dropFirst())
        }
        return raw
    }
}

extension Array where Element == UInt8 {
    /// The number of significant bits of this big-endian unsigned magnitude
    /// (leading zero bytes and bits do not count).
    var significantBitCount: Int {
        guard let index = firstIndex(where: { $0 != 0 }) else { return 0 }
        let leadingByteBits = UInt8.bitWidth - self[index].leadingZeroBitCount
        return (count - index - 1) * UInt8.bitWidth + leadingByteBits
    }
}
