/// Why a pasted OpenSSH public key was refused.
///
/// Each ``description`` is a complete sentence that tells the person who pasted the key
/// what is wrong and what to do. Descriptions never repeat more than a short excerpt of
/// the input, reduced to printable ASCII, so they are safe to show on a web page, in a
/// log or on a terminal.
public enum SSHKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing but whitespace was given.
    case empty
    /// The input is far longer than any supported public key (see ``SSHPublicKey/maximumInputByteCount``).
    case inputTooLong
    /// More than one line, or more than one key on the line.
    case multipleKeys
    /// A PEM block (`-----BEGIN ...`), such as an OpenSSH private key, was pasted.
    case privateKey
    /// The line starts with `authorized_keys` options such as `from="..."` or `no-pty`.
    case optionsNotAccepted
    /// An `ssh-dss` (DSA) key.
    case dsaNotSupported
    /// A key type other than the supported ones (including `sk-...@openssh.com` security-key
    /// types and `...-cert-v01@openssh.com` certificates). Carries a sanitized excerpt of the type.
    case unsupportedKeyType(String)
    /// The key type is not followed by any key data.
    case missingKeyData
    /// The key data is not strictly valid base64.
    case invalidBase64
    /// The type named on the line differs from the type inside the key data (both sanitized).
    case keyTypeMismatch(declared: String, embedded: String)
    /// The key data ends before a field it announces.
    case truncatedKeyData
    /// The key data has bytes left over after the last field.
    case trailingKeyData(byteCount: Int)
    /// An Ed25519 public key that is not exactly 32 bytes.
    case ed25519KeyLength(Int)
    /// The curve named inside an ECDSA key differs from the one its type implies (found is sanitized).
    case ecdsaCurveMismatch(expected: String, found: String)
    /// The ECDSA point is not in uncompressed form (first byte 0x04).
    case ecdsaPointNotUncompressed
    /// The ECDSA point has the wrong length for its curve.
    case ecdsaPointLength(expected: Int, found: Int)
    /// The ECDSA point is not on its curve.
    case ecdsaPointNotOnCurve
    /// An RSA number (`mpint`) is negative or has redundant leading zero bytes.
    case rsaMalformedNumber
    /// The RSA public exponent is zero, one or even.
    case rsaInvalidExponent
    /// The RSA modulus is shorter than ``SSHPublicKey/minimumRSABitLength`` bits.
    case rsaKeyTooSmall(bits: Int)
    /// The RSA modulus is longer than ``SSHPublicKey/maximumRSABitLength`` bits.
    case rsaKeyTooLarge(bits: Int)
    /// The comment contains control characters (C0, DEL, C1) or invisible text-direction controls.
    case commentContainsControlCharacters
    /// The comment is longer than ``SSHPublicKey/maximumCommentLength`` characters.
    case commentTooLong(length: Int)

    private static let copyAgain = "Copy the whole line from your .pub file again, without editing it."
    private static let newKeyAdvice = "Generate a new key with `ssh-keygen -t ed25519` and paste the contents of its .pub file."

    public var description: String {
        switch self {
        case .empty:
            return "No key was entered. Paste the contents of your public key file, for example ~/.ssh/id_ed25519.pub."
        case .inputTooLong:
            return "The pasted text is too long to be a single public key (more than \(SSHPublicKey.maximumInputByteCount) bytes). Paste only the contents of your .pub file."
        case .multipleKeys:
            return "The input contains more than one key or line. Paste one key at a time."
        case .privateKey:
            return "This is a PRIVATE key, which must never be shared. Paste the public key instead: the contents of the matching .pub file, for example ~/.ssh/id_ed25519.pub."
        case .optionsNotAccepted:
            return "The line starts with authorized_keys options (such as from=\"...\" or no-pty), which are not accepted here. Paste only the key: its type, its base64 data and an optional comment."
        case .dsaNotSupported:
            return "DSA keys (ssh-dss) are insecure and no longer supported by OpenSSH. " + Self.newKeyAdvice
        case .unsupportedKeyType(let type):
            let name = Self.shown(type)
            let supported = "Supported types are \(SSHKeyAlgorithm.supportedTypeNames)."
            if type.hasSuffix("-cert-v01@openssh.com") {
                return "\"\(name)\" is an SSH certificate, which is not accepted here. Paste the plain public key instead. \(supported)"
            }
            if type.hasPrefix("sk-") {
                return "\"\(name)\" is a hardware security key (FIDO) type, which is not supported. \(supported)"
            }
            return "The key type \"\(name)\" is not supported. \(supported)"
        case .missingKeyData:
            return "The key data is missing after the key type. " + Self.copyAgain
        case .invalidBase64:
            return "The key data is not valid base64, so the key was probably damaged while copying. " + Self.copyAgain
        case .keyTypeMismatch(let declared, let embedded):
            return "The line says the key type is \"\(Self.shown(declared))\" but its data holds a \"\(Self.shown(embedded))\" key. " + Self.copyAgain
        case .truncatedKeyData:
            return "The key data ends too early, so the key was probably cut off while copying. " + Self.copyAgain
        case .trailingKeyData(let byteCount):
            return "The key data has \(byteCount) unexpected extra \(byteCount == 1 ? "byte" : "bytes") at the end. " + Self.copyAgain
        case .ed25519KeyLength(let length):
            return "The Ed25519 key is \(length) bytes long but must be exactly 32 bytes. " + Self.copyAgain
        case .ecdsaCurveMismatch(let expected, let found):
            return "The key type calls for curve \"\(Self.shown(expected))\" but the key data is for curve \"\(Self.shown(found))\". " + Self.copyAgain
        case .ecdsaPointNotUncompressed:
            return "The ECDSA public key is not in the uncompressed form OpenSSH uses. " + Self.copyAgain
        case .ecdsaPointLength(let expected, let found):
            return "The ECDSA public key is \(found) bytes long but must be \(expected) bytes for its curve. " + Self.copyAgain
        case .ecdsaPointNotOnCurve:
            return "The ECDSA public key is not a valid point on its curve, so the key data is damaged. " + Self.copyAgain
        case .rsaMalformedNumber:
            return "The RSA key contains a badly encoded number (negative, or with redundant leading zeros). " + Self.copyAgain
        case .rsaInvalidExponent:
            return "The RSA key's public exponent is invalid: it must be an odd number of at least 3. " + Self.newKeyAdvice
        case .rsaKeyTooSmall(let bits):
            return "This RSA key is only \(bits) bits; the minimum is \(SSHPublicKey.minimumRSABitLength) bits. Generate a stronger key with `ssh-keygen -t ed25519` (recommended) or `ssh-keygen -t rsa -b 4096`."
        case .rsaKeyTooLarge(let bits):
            return "This RSA key is \(bits) bits, more than the \(SSHPublicKey.maximumRSABitLength)-bit maximum that OpenSSH supports. " + Self.newKeyAdvice
        case .commentContainsControlCharacters:
            return "The comment after the key contains control characters (such as tabs or terminal escape codes). Remove them, or leave the comment out."
        case .commentTooLong(let length):
            return "The comment after the key is \(length) characters long; the maximum is \(SSHPublicKey.maximumCommentLength). Shorten it, or leave it out."
        }
    }
}

extension SSHKeyError {
    /// The longest excerpt of user input that an error carries or shows, in characters
    /// (an ellipsis "..." is appended when the input was longer).
    static let maximumExcerptLength = 40

    /// A short, display-safe excerpt of untrusted text: at most ``maximumExcerptLength``
    /// characters, each one printable ASCII, anything else replaced by "?".
    static func excerpt<Text: StringProtocol>(_ text: Text) -> String {
        excerpt(scalarValues: text.unicodeScalars.lazy.map(\.value), limit: maximumExcerptLength)
    }

    /// A short, display-safe excerpt of untrusted bytes (for strings read from a key blob).
    static func excerpt(bytes: [UInt8]) -> String {
        excerpt(scalarValues: bytes.lazy.map(UInt32.init), limit: maximumExcerptLength)
    }

    /// Sanitizes an associated value again when it is shown, in case the error was built
    /// by other code than the parser. Leaves the parser's own excerpts unchanged.
    private static func shown(_ text: String) -> String {
        excerpt(scalarValues: text.unicodeScalars.lazy.map(\.value), limit: maximumExcerptLength + 3)
    }

    private static func excerpt<Values: Sequence<UInt32>>(scalarValues: Values, limit: Int) -> String {
        var result = ""
        var count = 0
        for value in scalarValues {
            if count == limit {
                result += "..."
                break
            }
            result.unicodeScalars.append((0x20...0x7E).contains(value) ? Unicode.Scalar(UInt8(value)) : "?")
            count += 1
        }
        return result
    }
}
