import GatehouseDomain
import Testing

/// An input that must be refused, and the exact error expected.
struct BadInput: Sendable, CustomTestStringConvertible {
    let name: String
    let input: String
    let expected: SSHKeyError
    var testDescription: String { name }

    init(_ name: String, _ input: String, _ expected: SSHKeyError) {
        self.name = name
        self.input = input
        self.expected = expected
    }
}

private let ed = SampleKeys.ed25519
private let p256 = SampleKeys.ecdsa256
private let rsa = SampleKeys.rsa2048
private let supportedTypes = "ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-rsa"

enum BadInputs {
    static let input: [BadInput] = [
        BadInput("empty", "", .empty),
        BadInput("whitespace only", " \t\r\n  \n", .empty),
        BadInput("too long", "ssh-ed25519 " + String(repeating: "A", count: 9000), .inputTooLong),
        BadInput("two lines", ed.line + "\n" + p256.line, .multipleKeys),
        BadInput("two lines, CRLF", ed.line + "\r\n" + p256.line + "\r\n", .multipleKeys),
        BadInput("a key and a stray second line", ed.line + "\nthanks!", .multipleKeys),
        BadInput("two keys on one line", ed.line + " " + p256.line, .multipleKeys),
        BadInput("an options line holding two keys", "no-pty " + ed.line + " " + rsa.line, .optionsNotAccepted),
        BadInput("two keys on one line, no comments", "ssh-ed25519 \(ed.base64) ssh-rsa \(rsa.base64)", .multipleKeys),
    ]

    static let privateKeys: [BadInput] = [
        BadInput("OpenSSH private key", SampleKeys.privateKeyText, .privateKey),
        BadInput("OpenSSH private key header alone", "-----BEGIN OPENSSH PRIVATE KEY-----", .privateKey),
        BadInput("PEM RSA private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", .privateKey),
        BadInput("any PEM block, after whitespace", "\n  -----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF", .privateKey),
    ]

    static let options: [BadInput] = [
        BadInput("from= option", "from=\"10.0.0.0/8\" " + ed.line, .optionsNotAccepted),
        BadInput("command= and no-pty", "command=\"echo hi\",no-pty " + rsa.line, .optionsNotAccepted),
        BadInput("restrict", "restrict " + ed.line, .optionsNotAccepted),
        BadInput("no-pty", "no-pty " + p256.line, .optionsNotAccepted),
        BadInput("cert-authority, upper case", "CERT-AUTHORITY " + ed.line, .optionsNotAccepted),
        BadInput("unknown word before a key", "environment " + ed.line, .optionsNotAccepted),
    ]

    static let types: [BadInput] = [
        BadInput("DSA", SampleKeys.dsaLine, .dsaNotSupported),
        BadInput("DSA, type only", "ssh-dss", .dsaNotSupported),
        BadInput("certificate", SampleKeys.ed25519CertificateLine, .unsupportedKeyType("ssh-ed25519-cert-v01@openssh.com")),
        BadInput("RSA certificate", "ssh-rsa-cert-v01@openssh.com AAAAHHNzaC1yc2EtY2VydC12MDFAb3BlbnNzaC5jb20=", .unsupportedKeyType("ssh-rsa-cert-v01@openssh.com")),
        BadInput("security key ed25519", "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t", .unsupportedKeyType("sk-ssh-ed25519@openssh.com")),
        BadInput("security key ecdsa", "sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20=", .unsupportedKeyType("sk-ecdsa-sha2-nistp256@openssh.com")),
        BadInput("made-up type", "ssh-foo AAAAB3NzaC1mb28=", .unsupportedKeyType("ssh-foo")),
        BadInput("type in upper case", "SSH-ED25519 " + ed.base64, .unsupportedKeyType("SSH-ED25519")),
        BadInput("signature algorithm name", "rsa-sha2-512 " + rsa.base64, .unsupportedKeyType("rsa-sha2-512")),
        BadInput("key data without type (long excerpt is cut)", ed.base64 + " alice@example",
                 .unsupportedKeyType(String(ed.base64.prefix(40)) + "...")),
        BadInput("escape codes in the type are not echoed", "\u{1B}]0;pwned\u{07}\u{1B}[2J " + ed.base64,
                 .unsupportedKeyType("?]0;pwned??[2J")),
        BadInput("RFC 4716 format", "---- BEGIN SSH2 PUBLIC KEY ----", .unsupportedKeyType("----")),
        BadInput("type only", "ssh-ed25519", .missingKeyData),
        BadInput("type only, trailing spaces", "ssh-rsa   \n", .missingKeyData),
    ]

    static let base64: [BadInput] = [
        BadInput("character outside the alphabet", "ssh-ed25519 " + ed.base64.replacingFirst("Nza", with: "N*a"), .invalidBase64),
        BadInput("base64url alphabet", Wire.flipping(p256.line, base64CharacterAt: 100, to: "-"), .invalidBase64),
        BadInput("flipped to a non-ASCII letter", Wire.flipping(ed.line, base64CharacterAt: 30, to: "é"), .invalidBase64),
        BadInput("padding removed", "ecdsa-sha2-nistp256 " + p256.base64.dropLast() + " alice@example", .invalidBase64),
        BadInput("padding in the middle", Wire.flipping(ed.line, base64CharacterAt: 20, to: "="), .invalidBase64),
        BadInput("non-zero bits after the last byte", Wire.flipping(p256.line, base64CharacterAt: 138, to: "p"), .invalidBase64),
        BadInput("length not a multiple of four", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5A", .invalidBase64),
    ]

    /// One base64 character changed, so the decoded blob is damaged.
    static let flippedCharacter: [BadInput] = [
        BadInput("flip in the embedded type name", Wire.flipping(ed.line, base64CharacterAt: 10, to: "x"),
                 .keyTypeMismatch(declared: "ssh-ed25519", embedded: "ssh,ed25519")),
        BadInput("flip in the first length field", Wire.flipping(ed.line, base64CharacterAt: 0, to: "B"), .truncatedKeyData),
        BadInput("flip making the ed25519 key length 36", Wire.flipping(ed.line, base64CharacterAt: 24, to: "J"), .truncatedKeyData),
        BadInput("flip making the ed25519 key length 16", Wire.flipping(ed.line, base64CharacterAt: 24, to: "E"), .trailingKeyData(byteCount: 16)),
        BadInput("flip in the ECDSA curve name", Wire.flipping(p256.line, base64CharacterAt: 46, to: "Q"),
                 .ecdsaCurveMismatch(expected: "nistp256", found: "nistp254")),
        BadInput("flip in the ECDSA point prefix", Wire.flipping(p256.line, base64CharacterAt: 52, to: "C"), .ecdsaPointNotUncompressed),
        BadInput("flip in the ECDSA point", Wire.flipping(p256.line, base64CharacterAt: 100, to: "Q"), .ecdsaPointNotOnCurve),
        BadInput("flip in the P-521 point", Wire.flipping(SampleKeys.ecdsa521.line, base64CharacterAt: 150, to: "a"), .ecdsaPointNotOnCurve),
        BadInput("flip making the RSA exponent even", Wire.flipping(rsa.line, base64CharacterAt: 23, to: "C"), .rsaInvalidExponent),
        BadInput("flip making the RSA modulus negative", Wire.flipping(rsa.line, base64CharacterAt: 29, to: "Y"), .rsaMalformedNumber),
    ]

    static let blobs: [BadInput] = [
        BadInput("ed25519 data under ssh-rsa", "ssh-rsa " + ed.base64, .keyTypeMismatch(declared: "ssh-rsa", embedded: "ssh-ed25519")),
        BadInput("P-256 data under nistp384", "ecdsa-sha2-nistp384 " + p256.base64,
                 .keyTypeMismatch(declared: "ecdsa-sha2-nistp384", embedded: "ecdsa-sha2-nistp256")),
        BadInput("control bytes in the embedded type are not echoed",
                 Wire.line("ssh-ed25519", Wire.blob(Array("ssh-ed25519\u{1B}[2J".utf8), Parts.ed25519Key)),
                 .keyTypeMismatch(declared: "ssh-ed25519", embedded: "ssh-ed25519?[2J")),
        BadInput("only padding", "ssh-ed25519 ====", .invalidBase64),
        BadInput("blob shorter than a length field", Wire.line("ssh-ed25519", [0, 0, 0]), .truncatedKeyData),
        BadInput("blob cut off", "ssh-ed25519 " + ed.base64.dropLast(4), .truncatedKeyData),
        BadInput("ed25519 type without key", Wire.line("ssh-ed25519", Wire.blob(Array("ssh-ed25519".utf8))), .truncatedKeyData),
        BadInput("ed25519 with a trailing byte", Wire.line("ssh-ed25519", Parts.ed25519() + [0]), .trailingKeyData(byteCount: 1)),
        BadInput("RSA with trailing bytes", Wire.line("ssh-rsa", Parts.rsa() + [1, 2, 3]), .trailingKeyData(byteCount: 3)),
        BadInput("ed25519 key of 31 bytes", Wire.line("ssh-ed25519", Parts.ed25519(key: Array(Parts.ed25519Key.dropLast()))), .ed25519KeyLength(31)),
        BadInput("ed25519 key of 33 bytes", Wire.line("ssh-ed25519", Parts.ed25519(key: Parts.ed25519Key + [0])), .ed25519KeyLength(33)),
        BadInput("ed25519 key of 0 bytes", Wire.line("ssh-ed25519", Parts.ed25519(key: [])), .ed25519KeyLength(0)),
        BadInput("nistp256 type with nistp384 curve", Wire.line("ecdsa-sha2-nistp256", Parts.p256(curve: "nistp384")),
                 .ecdsaCurveMismatch(expected: "nistp256", found: "nistp384")),
        BadInput("compressed point", Wire.line("ecdsa-sha2-nistp256", Parts.p256(point: [0x02] + Parts.p256Point[1...32])), .ecdsaPointNotUncompressed),
        BadInput("point without prefix", Wire.line("ecdsa-sha2-nistp256", Parts.p256(point: Array(Parts.p256Point.dropFirst()))), .ecdsaPointNotUncompressed),
        BadInput("point one byte short", Wire.line("ecdsa-sha2-nistp256", Parts.p256(point: Array(Parts.p256Point.dropLast()))),
                 .ecdsaPointLength(expected: 65, found: 64)),
        BadInput("P-256 point under nistp384", Wire.line("ecdsa-sha2-nistp384",
                 Wire.blob(Array("ecdsa-sha2-nistp384".utf8), Array("nistp384".utf8), Parts.p256Point)),
                 .ecdsaPointLength(expected: 97, found: 65)),
        BadInput("empty point", Wire.line("ecdsa-sha2-nistp256", Parts.p256(point: [])), .ecdsaPointLength(expected: 65, found: 0)),
        BadInput("point off the curve", Wire.line("ecdsa-sha2-nistp256", Parts.p256(point: Array(Parts.p256Point.dropLast()) + [Parts.p256Point[64] ^ 1])),
                 .ecdsaPointNotOnCurve),
        BadInput("point of zeros", Wire.line("ecdsa-sha2-nistp256", Parts.p256(point: [0x04] + [UInt8](repeating: 0, count: 64))), .ecdsaPointNotOnCurve),
    ]

    static let rsaKeys: [BadInput] = [
        BadInput("RSA 1024 from ssh-keygen", SampleKeys.rsa1024Line, .rsaKeyTooSmall(bits: 1024)),
        BadInput("RSA 2047", Wire.line("ssh-rsa", Parts.rsa(modulus: [0x40] + Parts.rsa2048Modulus.dropFirst())), .rsaKeyTooSmall(bits: 2047)),
        BadInput("RSA modulus zero", Wire.line("ssh-rsa", Parts.rsa(modulus: [])), .rsaKeyTooSmall(bits: 0)),
        BadInput("RSA 16385", Wire.line("ssh-rsa", Parts.rsa(modulus: [0x01] + [UInt8](repeating: 0xFF, count: 2048))), .rsaKeyTooLarge(bits: 16385)),
        BadInput("RSA exponent zero", Wire.line("ssh-rsa", Parts.rsa(exponent: [])), .rsaInvalidExponent),
        BadInput("RSA exponent one", Wire.line("ssh-rsa", Parts.rsa(exponent: [1])), .rsaInvalidExponent),
        BadInput("RSA exponent even", Wire.line("ssh-rsa", Parts.rsa(exponent: [0x01, 0x00, 0x00])), .rsaInvalidExponent),
        BadInput("RSA exponent negative", Wire.line("ssh-rsa", Parts.rsa(exponent: [0x81])), .rsaMalformedNumber),
        BadInput("RSA exponent with redundant zero", Wire.line("ssh-rsa", Parts.rsa(exponent: [0x00, 0x01, 0x00, 0x01])), .rsaMalformedNumber),
        BadInput("RSA modulus negative", Wire.line("ssh-rsa", Parts.rsa(modulus: Parts.rsa2048Modulus)), .rsaMalformedNumber),
        BadInput("RSA modulus with two leading zeros", Wire.line("ssh-rsa", Parts.rsa(modulus: [0, 0] + Parts.rsa2048Modulus)), .rsaMalformedNumber),
        BadInput("RSA modulus missing", Wire.line("ssh-rsa", Wire.blob(Array("ssh-rsa".utf8), Parts.rsaExponent)), .truncatedKeyData),
    ]

    static let comments: [BadInput] = [
        BadInput("escape sequence", ed.line + " \u{1B}[31mred", .commentContainsControlCharacters),
        BadInput("tab inside", ed.line + "\tlaptop", .commentContainsControlCharacters),
        BadInput("NUL", ed.line + "\u{0}", .commentContainsControlCharacters),
        BadInput("bell", ed.line + "\u{07}", .commentContainsControlCharacters),
        BadInput("vertical tab", ed.line + "\u{0B}x", .commentContainsControlCharacters),
        BadInput("DEL", ed.line + "\u{7F}", .commentContainsControlCharacters),
        BadInput("C1 CSI", "ssh-ed25519 \(ed.base64) a\u{9B}31m", .commentContainsControlCharacters),
        BadInput("C1 NEL", "ssh-ed25519 \(ed.base64) a\u{85}b", .commentContainsControlCharacters),
        BadInput("right-to-left override", "ssh-ed25519 \(ed.base64) alice\u{202E}elpmaxe", .commentContainsControlCharacters),
        BadInput("257 characters", "ssh-ed25519 \(ed.base64) " + String(repeating: "x", count: 257), .commentTooLong(length: 257)),
        BadInput("300 non-ASCII characters", "ssh-ed25519 \(ed.base64) " + String(repeating: "ü", count: 300), .commentTooLong(length: 300)),
    ]

    static let all = input + privateKeys + options + types + base64 + flippedCharacter + blobs + rsaKeys + comments
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { preconditionFailure("\(target) not found") }
        return replacingCharacters(in: range, with: replacement)
    }
}

@Suite("Refusing bad input")
struct SSHKeyErrorTests {
    @Test("each bad input is refused with the exact error", arguments: BadInputs.all)
    func refused(_ bad: BadInput) {
        #expect(throws: bad.expected) {
            try SSHPublicKey.parse(bad.input)
        }
    }

    @Test("descriptions are safe to show: printable ASCII, short, and echo at most a short excerpt", arguments: BadInputs.all)
    func descriptionIsSafe(_ bad: BadInput) throws {
        let error = try #require(throws: SSHKeyError.self) { try SSHPublicKey.parse(bad.input) }
        let description = error.description
        #expect(description.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
        #expect(description.count < 320)
        // No run of 44 input characters (one more than the longest excerpt, 40 + "...") is repeated.
        let characters = Array(bad.input)
        if characters.count > 44 {
            let echoed = (0...(characters.count - 44)).contains { start in
                description.contains(String(characters[start..<start + 44]))
            }
            #expect(!echoed)
        }
    }

    @Test("every description is a sentence", arguments: BadInputs.all.map(\.expected) + [
        .trailingKeyData(byteCount: 2), .rsaKeyTooLarge(bits: 20000), .unsupportedKeyType("x"),
    ])
    func descriptionIsASentence(_ error: SSHKeyError) throws {
        let description = error.description
        let first = try #require(description.first)
        #expect(first.isUppercase || first == "\"")
        #expect(description.hasSuffix("."))
    }

    @Test("an error built by other code with hostile text is still shown safely")
    func hostileAssociatedValues() {
        let hostile = "\u{1B}[2J\u{1B}]0;owned\u{07}" + String(repeating: "A", count: 5000) + "\u{9B}\u{202E}"
        let errors: [SSHKeyError] = [
            .unsupportedKeyType(hostile),
            .keyTypeMismatch(declared: hostile, embedded: hostile),
            .ecdsaCurveMismatch(expected: hostile, found: hostile),
        ]
        for error in errors {
            #expect(error.description.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
            #expect(error.description.count < 400)
        }
    }

    @Test("messages say what to do")
    func messageContents() {
        let tooSmall = SSHKeyError.rsaKeyTooSmall(bits: 1024).description
        #expect(tooSmall.contains("1024 bits"))
        #expect(tooSmall.contains("2048"))
        #expect(SSHKeyError.privateKey.description.contains("PRIVATE"))
        #expect(SSHKeyError.privateKey.description.contains(".pub"))
        #expect(SSHKeyError.multipleKeys.description.contains("one key at a time"))
        #expect(SSHKeyError.optionsNotAccepted.description.contains("options"))
        #expect(SSHKeyError.dsaNotSupported.description.contains("insecure"))
        #expect(SSHKeyError.dsaNotSupported.description.contains("no longer supported by OpenSSH"))
        for type in ["ssh-foo", "sk-ssh-ed25519@openssh.com", "ssh-ed25519-cert-v01@openssh.com"] {
            let description = SSHKeyError.unsupportedKeyType(type).description
            #expect(description.contains(supportedTypes))
            #expect(description.contains("\"\(type)\""))
        }
        #expect(SSHKeyError.unsupportedKeyType("ssh-rsa-cert-v01@openssh.com").description.contains("certificate"))
        #expect(SSHKeyError.commentTooLong(length: 300).description.contains("256"))
    }
}
