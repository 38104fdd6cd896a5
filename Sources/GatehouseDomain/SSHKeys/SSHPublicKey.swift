import Crypto

/// An OpenSSH public key, parsed and validated from one line of a `.pub` file.
///
/// Values are only made by ``parse(_:)``, which accepts exactly one
/// `type base64 [comment]` line and refuses anything else with an ``SSHKeyError``.
/// Parsing is pure: no file, network or clock access.
///
/// Only canonical key encodings are accepted, so ``blob`` is byte-for-byte the blob that
/// `ssh-keygen` hashes and ``fingerprint`` is identical to what `ssh-keygen -lf` prints.
///
/// Two values are equal when algorithm, blob and comment are all equal; compare
/// ``fingerprint`` (or ``blob``) to ask whether two lines hold the same key.
public struct SSHPublicKey: Sendable, Hashable {
    /// The key algorithm.
    public let algorithm: SSHKeyAlgorithm
    /// The decoded key blob, in SSH wire format.
    public let blob: [UInt8]
    /// The comment after the key data; may be empty. Never contains control characters.
    public let comment: String
    /// The key size in bits as `ssh-keygen -l` reports it: 256 for Ed25519, the curve size
    /// (256, 384 or 521) for ECDSA, the modulus size for RSA.
    public let bitLength: Int

    /// Smallest RSA modulus accepted, in bits.
    public static let minimumRSABitLength = 2048
    /// Largest RSA modulus accepted, in bits (OpenSSH's own limit).
    public static let maximumRSABitLength = 16384
    /// Longest comment accepted, in Unicode scalars.
    public static let maximumCommentLength = 256
    /// Longest input accepted, in UTF-8 bytes; a 16384-bit RSA key with a maximal comment fits.
    public static let maximumInputByteCount = 8192

    private init(algorithm: SSHKeyAlgorithm, blob: [UInt8], comment: String, bitLength: Int) {
        self.algorithm = algorithm
        self.blob = blob
        self.comment = comment
        self.bitLength = bitLength
    }

    /// The SHA-256 fingerprint exactly as `ssh-keygen -lf` prints it:
    /// `"SHA256:"` followed by the unpadded base64 of SHA-256 over ``blob``.
    public var fingerprint: String {
        "SHA256:" + SSHBase64.encode(Array(SHA256.hash(data: blob)), padded: false)
    }

    /// The canonical public-key line: `type base64`, then a space and the comment if there is one.
    public var openSSHLine: String {
        let line = algorithm.rawValue + " " + SSHBase64.encode(blob)
        return comment.isEmpty ? line : line + " " + comment
    }

    /// The key type as `ssh-keygen -l` shows it in parentheses: "ED25519", "ECDSA" or "RSA".
    public var displayType: String { algorithm.displayType }
}

// MARK: - Parsing

extension SSHPublicKey {
    /// Parses one OpenSSH public-key line: `type base64 [comment]`.
    ///
    /// Whitespace around the line (including a trailing newline) is ignored, and the fields
    /// may be separated by spaces or tabs. Everything after the key data is the comment.
    public static func parse(_ line: String) throws(SSHKeyError) -> SSHPublicKey {
        if line.utf8.containsSubsequence(pemMarker) { throw .privateKey }
        guard line.utf8.count <= maximumInputByteCount else { throw .inputTooLong }

        let text = trimmed(line)
        guard !text.isEmpty else { throw .empty }
        guard !text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { throw .multipleKeys }

        let fields = LineFields(text)
        let algorithm = try algorithm(named: fields.type, followedBy: fields.rest)
        if fields.containsSecondKey { throw .multipleKeys }
        guard let data = fields.data else { throw .missingKeyData }
        guard let blob = SSHBase64.decode(data) else { throw .invalidBase64 }
        let bitLength = try validateBlob(blob, as: algorithm)
        let comment = try validatedComment(fields.comment)
        return SSHPublicKey(algorithm: algorithm, blob: blob, comment: comment, bitLength: bitLength)
    }

    private static let pemMarker = Array("-----BEGIN".utf8)

    /// Drops a byte-order mark and surrounding whitespace, including line breaks.
    private static func trimmed(_ line: String) -> Substring {
        var text = Substring(line)
        if text.unicodeScalars.first == "\u{FEFF}" { text = Substring(text.unicodeScalars.dropFirst()) }
        let start = text.firstIndex(where: { !$0.isWhitespace }) ?? text.endIndex
        let end = text.lastIndex(where: { !$0.isWhitespace }).map { text.index(after: $0) } ?? start
        return text[start..<end]
    }

    /// Resolves the type field, telling options, DSA and other unsupported types apart.
    private static func algorithm(named type: Substring, followedBy rest: [Substring]) throws(SSHKeyError) -> SSHKeyAlgorithm {
        if let algorithm = SSHKeyAlgorithm(rawValue: String(type)) { return algorithm }
        if type == SSHKeyAlgorithm.dsaTypeName { throw .dsaNotSupported }
        if looksLikeOptions(type) || rest.first.map(SSHKeyAlgorithm.isKnownKeyTypeName) == true {
            throw .optionsNotAccepted
        }
        throw .unsupportedKeyType(SSHKeyError.excerpt(type))
    }

    /// Option names that may start an `authorized_keys` line (see sshd(8)); OpenSSH matches them
    /// case-insensitively.
    private static let authorizedKeysOptionNames: Set<String> = [
        "agent-forwarding", "cert-authority", "no-agent-forwarding", "no-port-forwarding",
        "no-pty", "no-touch-required", "no-user-rc", "no-x11-forwarding", "port-forwarding",
        "pty", "restrict", "touch-required", "user-rc", "verify-required", "x11-forwarding",
    ]

    private static func looksLikeOptions(_ field: Substring) -> Bool {
        // No key type name contains these; every option list with a value or a second option does.
        if field.contains(where: { $0 == "=" || $0 == "," || $0 == "\"" }) { return true }
        return authorizedKeysOptionNames.contains(field.lowercased())
    }

    /// Checks the wire structure and contents of a key blob; returns the key size in bits.
    private static func validateBlob(_ blob: [UInt8], as algorithm: SSHKeyAlgorithm) throws(SSHKeyError) -> Int {
        var reader = SSHWireReader(blob)
        let embeddedType = try reader.readString()
        guard embeddedType.elementsEqual(algorithm.rawValue.utf8) else {
            throw .keyTypeMismatch(declared: algorithm.rawValue, embedded: SSHKeyError.excerpt(bytes: embeddedType))
        }
        switch algorithm {
        case .ed25519:
            let key = try reader.readString()
            try expectEnd(of: reader)
            guard key.count == 32 else { throw .ed25519KeyLength(key.count) }
            return 256

        case .ecdsaP256, .ecdsaP384, .ecdsaP521:
            guard let curve = algorithm.ecdsaCurve else { preconditionFailure("ECDSA algorithm without a curve") }
            let curveName = try reader.readString()
            guard curveName.elementsEqual(curve.identifier.utf8) else {
                throw .ecdsaCurveMismatch(expected: curve.identifier, found: SSHKeyError.excerpt(bytes: curveName))
            }
            let point = try reader.readString()
            try expectEnd(of: reader)
            guard let prefix = point.first else {
                throw .ecdsaPointLength(expected: curve.uncompressedPointLength, found: 0)
            }
            guard prefix == 0x04 else { throw .ecdsaPointNotUncompressed }
            guard point.count == curve.uncompressedPointLength else {
                throw .ecdsaPointLength(expected: curve.uncompressedPointLength, found: point.count)
            }
            guard isOnCurve(point, for: algorithm) else { throw .ecdsaPointNotOnCurve }
            return curve.bitLength

        case .rsa:
            let exponent = try reader.readPositiveMPInt()
            let modulus = try reader.readPositiveMPInt()
            try expectEnd(of: reader)
            // Zero is the empty magnitude; one and even numbers are not usable exponents.
            guard let lowByte = exponent.last, lowByte & 1 == 1, exponent != [1] else {
                throw .rsaInvalidExponent
            }
            let bits = modulus.significantBitCount
            guard bits >= minimumRSABitLength else { throw .rsaKeyTooSmall(bits: bits) }
            guard bits <= maximumRSABitLength else { throw .rsaKeyTooLarge(bits: bits) }
            return bits
        }
    }

    private static func expectEnd(of reader: SSHWireReader) throws(SSHKeyError) {
        guard reader.isAtEnd else { throw .trailingKeyData(byteCount: reader.remainingCount) }
    }

    /// Whether an uncompressed point (0x04 || X || Y) lies on the algorithm's curve.
    private static func isOnCurve(_ point: [UInt8], for algorithm: SSHKeyAlgorithm) -> Bool {
        switch algorithm {
        case .ecdsaP256: (try? P256.Signing.PublicKey(x963Representation: point)) != nil
        case .ecdsaP384: (try? P384.Signing.PublicKey(x963Representation: point)) != nil
        case .ecdsaP521: (try? P521.Signing.PublicKey(x963Representation: point)) != nil
        case .ed25519, .rsa: false
        }
    }

    private static func validatedComment(_ comment: Substring) throws(SSHKeyError) -> String {
        let scalars = comment.unicodeScalars
        guard !scalars.contains(where: isForbiddenInComment) else { throw .commentContainsControlCharacters }
        guard scalars.count <= maximumCommentLength else { throw .commentTooLong(length: scalars.count) }
        return String(comment)
    }

    /// C0 controls, DEL, C1 controls, and the invisible characters that reorder or break
    /// text when shown (bidirectional overrides and isolates, line and paragraph separators).
    private static func isForbiddenInComment(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension SSHKeyAlgorithm {
    static let dsaTypeName = "ssh-dss"

    /// Whether a field is the name of a key type OpenSSH knows, supported here or not.
    static func isKnownKeyTypeName(_ field: Substring) -> Bool {
        SSHKeyAlgorithm(rawValue: String(field)) != nil
            || field == dsaTypeName
            || field.hasSuffix("@openssh.com")
    }
}

/// The whitespace-separated fields of a trimmed key line.
private struct LineFields {
    /// The first field.
    let type: Substring
    /// The second field, if any.
    let data: Substring?
    /// Everything after the second field and the separator that follows it.
    let comment: Substring
    /// The fields after the first, split on separators (to spot options and extra keys).
    let rest: [Substring]

    init(_ text: Substring) {
        func isSeparator(_ character: Character) -> Bool { character == " " || character == "\t" }
        let typeEnd = text.firstIndex(where: isSeparator) ?? text.endIndex
        type = text[..<typeEnd]
        let afterType = text[typeEnd...].drop(while: isSeparator)
        let dataEnd = afterType.firstIndex(where: isSeparator) ?? afterType.endIndex
        data = afterType.isEmpty ? nil : afterType[..<dataEnd]
        comment = afterType[dataEnd...].drop(while: isSeparator)
        rest = afterType.split(whereSeparator: isSeparator)
    }

    /// Whether a key type name followed by key data appears after the second field, as when
    /// two keys were pasted on one line. Key data always starts with "AAAA" (a small length),
    /// so a comment that merely mentions a type, like "my ssh-rsa key", is not mistaken for one.
    var containsSecondKey: Bool {
        zip(rest.dropFirst(), rest.dropFirst(2)).contains { name, data in
            SSHKeyAlgorithm.isKnownKeyTypeName(name) && data.hasPrefix("AAAA")
        }
    }
}

extension Sequence where Element: Equatable {
    /// Whether `pattern` occurs as a contiguous run of elements.
    fileprivate func containsSubsequence(_ pattern: [Element]) -> Bool {
        let elements = Array(self)
        guard pattern.count <= elements.count else { return false }
        return (0...(elements.count - pattern.count)).contains { start in
            elements[start..<start + pattern.count].elementsEqual(pattern)
        }
    }
}
