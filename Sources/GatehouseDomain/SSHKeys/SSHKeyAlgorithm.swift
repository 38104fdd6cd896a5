/// The OpenSSH public-key algorithms that Gatehouse accepts.
///
/// The raw value is the key-type name exactly as it appears at the start of an
/// OpenSSH public-key line (`~/.ssh/id_ed25519.pub` and friends) and inside the key blob.
public enum SSHKeyAlgorithm: String, Sendable, CaseIterable {
    case ed25519 = "ssh-ed25519"
    case ecdsaP256 = "ecdsa-sha2-nistp256"
    case ecdsaP384 = "ecdsa-sha2-nistp384"
    case ecdsaP521 = "ecdsa-sha2-nistp521"
    case rsa = "ssh-rsa"

    /// The key type as `ssh-keygen -l` shows it in parentheses: "ED25519", "ECDSA" or "RSA".
    public var displayType: String {
        switch self {
        case .ed25519: "ED25519"
        case .ecdsaP256, .ecdsaP384, .ecdsaP521: "ECDSA"
        case .rsa: "RSA"
        }
    }

    /// The supported type names, comma separated, for use in messages.
    static var supportedTypeNames: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}

extension SSHKeyAlgorithm {
    /// Parameters of an ECDSA curve as encoded in an OpenSSH key blob.
    struct ECDSACurve {
        /// The curve identifier carried inside the blob ("nistp256", ...).
        let identifier: String
        /// The curve size in bits, as `ssh-keygen -l` reports it.
        let bitLength: Int
        /// The length of an uncompressed point: 0x04 || X || Y.
        let uncompressedPointLength: Int
    }

    /// The curve for the ECDSA algorithms, `nil` for the others.
    var ecdsaCurve: ECDSACurve? {
        switch self {
        case .ecdsaP256: ECDSACurve(identifier: "nistp256", bitLength: 256, uncompressedPointLength: 65)
        case .ecdsaP384: ECDSACurve(identifier: "nistp384", bitLength: 384, uncompressedPointLength: 97)
        case .ecdsaP521: ECDSACurve(identifier: "nistp521", bitLength: 521, uncompressedPointLength: 133)
        case .ed25519, .rsa: nil
        }
    }
}
