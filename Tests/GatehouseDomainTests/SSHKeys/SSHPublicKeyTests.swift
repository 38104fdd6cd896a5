import GatehouseDomain
import Testing

@Suite("Parsing valid OpenSSH public keys")
struct SSHPublicKeyTests {
    @Test("matches ssh-keygen -lf", arguments: SampleKeys.valid)
    func matchesSSHKeygen(_ sample: SampleKey) throws {
        let key = try SSHPublicKey.parse(sample.line)
        #expect(key.algorithm == sample.algorithm)
        #expect(key.fingerprint == sample.fingerprint)
        #expect(key.bitLength == sample.bitLength)
        #expect(key.displayType == sample.displayType)
        #expect(key.comment == "alice@example")
        #expect(key.blob == Wire.decode(sample.base64))
        #expect(key.openSSHLine == sample.line)
    }

    @Test("parse(openSSHLine) round-trips", arguments: SampleKeys.valid)
    func roundTrips(_ sample: SampleKey) throws {
        let key = try SSHPublicKey.parse(sample.line)
        let again = try SSHPublicKey.parse(key.openSSHLine)
        #expect(again == key)
        #expect(again.openSSHLine == key.openSSHLine)
    }

    @Test("a key without comment has an empty comment and a two-field line", arguments: SampleKeys.valid)
    func withoutComment(_ sample: SampleKey) throws {
        let bare = sample.algorithm.rawValue + " " + sample.base64
        let key = try SSHPublicKey.parse(bare)
        #expect(key.comment.isEmpty)
        #expect(key.openSSHLine == bare)
        #expect(key.fingerprint == sample.fingerprint)
        #expect(try SSHPublicKey.parse(key.openSSHLine) == key)
    }

    @Test("surrounding whitespace, tabs between fields, CRLF and a byte-order mark are tolerated", arguments: [
        SampleKeys.ed25519.line + "\n",
        SampleKeys.ed25519.line + "\r\n",
        "  \t" + SampleKeys.ed25519.line + " \t \n\n",
        "ssh-ed25519\t" + SampleKeys.ed25519.base64 + "\t\talice@example",
        "ssh-ed25519    " + SampleKeys.ed25519.base64 + "   alice@example   ",
        "\u{FEFF}" + SampleKeys.ed25519.line,
    ])
    func toleratedWhitespace(_ input: String) throws {
        let key = try SSHPublicKey.parse(input)
        #expect(key.fingerprint == SampleKeys.ed25519.fingerprint)
        #expect(key.comment == "alice@example")
        #expect(key.openSSHLine == SampleKeys.ed25519.line)
    }

    @Test("the comment is everything after the key data, kept as written", arguments: [
        "alice@laptop (work)  second  space",
        "Zoë's key 🔑",
        "my old ssh-rsa key",              // names a key type but holds no second key
        String(repeating: "x", count: SSHPublicKey.maximumCommentLength),
        String(repeating: "é", count: SSHPublicKey.maximumCommentLength),
    ])
    func commentsKept(_ comment: String) throws {
        let key = try SSHPublicKey.parse("ssh-ed25519 " + SampleKeys.ed25519.base64 + " " + comment)
        #expect(key.comment == comment)
        #expect(try SSHPublicKey.parse(key.openSSHLine) == key)
    }

    @Test("the RSA bit length ignores the mpint's leading zero byte")
    func rsaLeadingZeroIsNotCounted() throws {
        let key = try SSHPublicKey.parse(SampleKeys.rsa2048.line)
        // "ssh-rsa" (4+7), exponent (4+3), then the modulus length: 257 bytes = 0x00 + 256.
        #expect(Array(key.blob[18..<23]) == [0x00, 0x00, 0x01, 0x01, 0x00])
        #expect(key.bitLength == 2048)
    }

    @Test("an RSA modulus that is not a whole number of bytes is counted to the bit")
    func rsaOddBitLength() throws {
        var modulus = Parts.rsa2048Modulus + [0xAB]   // 2056 bits with the top bit set
        modulus[0] = 0x05                               // now 2051 bits, no leading zero needed
        let key = try SSHPublicKey.parse(Wire.line("ssh-rsa", Parts.rsa(modulus: modulus), comment: "my old ssh-rsa key"))
        #expect(key.bitLength == 2051)
        // ssh-keygen -lf on this line printed:
        // 2051 SHA256:rSvuWRR1hNBh+pecbXFE8B2Jk2UhOpQDr701jSGzELE my old ssh-rsa key (RSA)
        #expect(key.fingerprint == "SHA256:rSvuWRR1hNBh+pecbXFE8B2Jk2UhOpQDr701jSGzELE")
    }

    @Test("equal keys with different comments share a fingerprint but are different values")
    func equality() throws {
        let a = try SSHPublicKey.parse(SampleKeys.ed25519.line)
        let b = try SSHPublicKey.parse("ssh-ed25519 " + SampleKeys.ed25519.base64 + " bob@example")
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.blob == b.blob)
        #expect(a != b)
        #expect(Set([a, b, a]).count == 2)
    }

    @Test("every algorithm's display type and raw name")
    func algorithmNames() {
        #expect(SSHKeyAlgorithm.allCases.map(\.rawValue) == [
            "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
        ])
        #expect(SSHKeyAlgorithm.allCases.map(\.displayType) == ["ED25519", "ECDSA", "ECDSA", "ECDSA", "RSA"])
    }
}
