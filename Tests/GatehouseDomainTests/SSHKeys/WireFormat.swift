import Foundation

/// Builds SSH wire-format key blobs and lines for hand-crafted test inputs.
enum Wire {
    static func string(_ bytes: [UInt8]) -> [UInt8] {
        let length = UInt32(bytes.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + bytes
    }

    static func string(_ text: String) -> [UInt8] { string(Array(text.utf8)) }

    /// A blob made of the given fields, each encoded as an SSH `string`.
    static func blob(_ fields: [UInt8]...) -> [UInt8] { fields.flatMap { string($0) } }

    static func line(_ type: String, _ blob: [UInt8], comment: String = "") -> String {
        let line = type + " " + Data(blob).base64EncodedString()
        return comment.isEmpty ? line : line + " " + comment
    }

    static func decode(_ base64: String) -> [UInt8] { Array(Data(base64Encoded: base64)!) }

    /// `line` with the character at `offset` of its base64 field replaced by `replacement`.
    static func flipping(_ line: String, base64CharacterAt offset: Int, to replacement: Character) -> String {
        var fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var data = Array(fields[1])
        precondition(data[offset] != replacement, "not a change")
        data[offset] = replacement
        fields[1] = String(data)
        return fields.joined(separator: " ")
    }
}

/// Raw parts taken from the sample keys, for building variants of them.
enum Parts {
    static let ed25519Key = Array(Wire.decode(SampleKeys.ed25519.base64).suffix(32))
    static let p256Point = Array(Wire.decode(SampleKeys.ecdsa256.base64).suffix(65))
    /// The 2048-bit modulus magnitude, without the mpint's leading 0x00 (its top bit is set).
    static let rsa2048Modulus = Array(Wire.decode(SampleKeys.rsa2048.base64).suffix(256))
    static let rsaExponent: [UInt8] = [0x01, 0x00, 0x01]

    static func ed25519(key: [UInt8] = ed25519Key) -> [UInt8] {
        Wire.blob(Array("ssh-ed25519".utf8), key)
    }

    static func p256(curve: String = "nistp256", point: [UInt8] = p256Point) -> [UInt8] {
        Wire.blob(Array("ecdsa-sha2-nistp256".utf8), Array(curve.utf8), point)
    }

    /// An RSA blob whose exponent and modulus are written as given (already mpint-encoded).
    static func rsa(exponent: [UInt8] = rsaExponent, modulus: [UInt8] = [0] + rsa2048Modulus) -> [UInt8] {
        Wire.blob(Array("ssh-rsa".utf8), exponent, modulus)
    }
}
