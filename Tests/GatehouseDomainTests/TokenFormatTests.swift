import Foundation
import Testing
@testable import GatehouseDomain

@Suite("Token format: prefix, base62 body, checksum, and a secret that never prints")
struct TokenFormatTests {
    static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// Computed independently (Python: zlib.crc32 of "gpat_" + body, as six base62 digits).
    static let allZeros = "gpat_00000000000000000000000000000000000000000001yOVtD"

    @Test("a generated token is gpat_ + 43 base62 characters + a 6-character checksum: 54 in all")
    func shape() {
        // 43 uniform base62 characters carry at least 256 bits.
        #expect(Double(TokenFormat.randomLength) * log2(62.0) >= 256)
        for _ in 0..<50 {
            let text = TokenFormat.generate(using: SystemRandomSource()).reveal()
            #expect(text.hasPrefix("gpat_"))
            #expect(text.count == 54)
            #expect(TokenFormat.totalLength == 54)
            #expect(text.dropFirst(5).allSatisfy { Self.base62.contains($0) })
            #expect(TokenFormat.validate(text) == nil)
        }
    }

    @Test("two generated tokens differ")
    func tokensDiffer() {
        let tokens = (0..<200).map { _ in TokenFormat.generate(using: SystemRandomSource()).reveal() }
        #expect(Set(tokens).count == tokens.count)
        #expect(Set(tokens.map { $0.dropFirst(5).prefix(43) }).count == tokens.count)
    }

    @Test("a deterministic random source gives a reproducible token, with zlib's CRC-32 as checksum")
    func reproducible() {
        let a = TokenFormat.generate(using: CountingRandomSource(start: 230)).reveal()
        let b = TokenFormat.generate(using: CountingRandomSource(start: 230)).reveal()
        #expect(a == b)
        // Bytes 248…255 are skipped (rejection sampling keeps the characters uniform).
        #expect(a == "gpat_ijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNO2YVUeR")
        #expect(TokenFormat.generate(using: ConstantRandomSource(byte: 0)).reveal() == Self.allZeros)
        #expect(TokenFormat.generate(using: CountingRandomSource(start: 0)).reveal() != a)
    }

    @Test("the checksum catches every single-character substitution")
    func everySubstitutionIsCaught() {
        let sample = Array(TokenFormat.generate(using: CountingRandomSource(start: 17)).reveal())
        #expect(TokenFormat.validate(String(sample)) == nil)
        let strangers: [Character] = ["-", "_", " ", "+", "/", "=", "\"", "é", "\u{0}", "\u{200B}"]
        var tried = 0
        for position in sample.indices {
            for replacement in Self.base62 + strangers where replacement != sample[position] {
                var damaged = sample
                damaged[position] = replacement
                let problem = TokenFormat.validate(String(damaged))
                if problem == nil {
                    Issue.record("substituting \(replacement) at \(position) went unnoticed")
                }
                tried += 1
            }
        }
        #expect(tried > 54 * 61)
    }

    @Test("a lost or an extra character is caught, anywhere in the token")
    func deletionAndInsertion() {
        let sample = TokenFormat.generate(using: SystemRandomSource()).reveal()
        let characters = Array(sample)
        for position in characters.indices {
            var shorter = characters
            shorter.remove(at: position)
            #expect(TokenFormat.validate(String(shorter)) != nil, "deleting at \(position)")
            var longer = characters
            longer.insert("x", at: position)
            #expect(TokenFormat.validate(String(longer)) != nil, "inserting at \(position)")
        }
        #expect(TokenFormat.validate(sample + "a") == .wrongLength)
        #expect(TokenFormat.validate(String(sample.dropLast())) == .wrongLength)
    }

    @Test("each problem is named in words a person can act on", arguments: [
        ("", TokenFormat.Problem.empty),
        ("ghp_0123456789abcdef", .wrongPrefix),
        ("GPAT_" + String(TokenFormatTests.allZeros.dropFirst(5)), .wrongPrefix),
        ("gpat_", .wrongLength),
        (String(TokenFormatTests.allZeros.dropLast()), .wrongLength),
        (replacing(TokenFormatTests.allZeros, at: 20, with: "-"), .invalidCharacter),
        (replacing(TokenFormatTests.allZeros, at: 53, with: "\u{7F}"), .invalidCharacter),
        (replacing(TokenFormatTests.allZeros, at: 53, with: "E"), .checksumMismatch),
        (replacing(TokenFormatTests.allZeros, at: 30, with: "1"), .checksumMismatch),
    ])
    func problems(_ candidate: String, _ expected: TokenFormat.Problem) {
        #expect(TokenFormat.validate(candidate) == expected)
    }

    @Test("the handle shows the prefix and the last four characters only")
    func handle() {
        let secret = TokenSecret(presented: Self.allZeros)
        #expect(TokenFormat.handle(of: secret) == "gpat_\u{2026}OVtD")
    }

    @Test("the digest is SHA-256 of the token text")
    func digest() {
        // echo -n abc | sha256sum (the FIPS 180-2 example)
        let digest = TokenDigest(of: TokenSecret(presented: "abc"))
        #expect(digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenDigest(of: TokenSecret(presented: Self.allZeros)) != digest)
    }

    @Test("a secret never shows its plaintext: description, interpolation, reflection, dump")
    func secretIsRedacted() {
        let secret = TokenFormat.generate(using: SystemRandomSource())
        let plaintext = secret.reveal()
        let body = String(plaintext.dropFirst(5).prefix(43))
        var dumped = ""
        dump(secret, to: &dumped)
        var dumpedWrapper = ""
        let wrapped = IssuedTokenStandIn(name: "ci", secret: secret)
        dump(wrapped, to: &dumpedWrapper)
        let renderings = [
            secret.description, secret.debugDescription, "\(secret)", String(describing: secret), String(reflecting: secret),
            dumped, "\([secret])", "\(Optional(secret) as Any)", String(describing: wrapped), dumpedWrapper,
            "\(GatehouseError.verificationFailed(.unknown))",
        ]
        for text in renderings {
            #expect(!text.contains(plaintext), "\(text)")
            #expect(!text.contains(body), "\(text)")
        }
        #expect(secret.description == "<token secret redacted>")
        #expect(Mirror(reflecting: secret).children.isEmpty)
    }
}

func replacing(_ text: String, at position: Int, with character: Character) -> String {
    var characters = Array(text)
    characters[position] = character
    return String(characters)
}

/// A value that holds a secret the way `IssuedToken` does, to check that printing the container
/// does not print the secret.
struct IssuedTokenStandIn {
    let name: String
    let secret: TokenSecret
}

@Suite("Token expiration text")
struct TokenExpirationTests {
    @Test("days, days with a d, and calendar dates parse; nonsense does not", arguments: [
        ("30", TokenExpiration.days(30)),
        (" 90d ", .days(90)),
        ("2026-04-01", .endOfDay(TextFormat.parseDay("2026-04-01")!)),
    ])
    func parses(_ text: String, _ expected: TokenExpiration) {
        #expect(TokenExpiration.parse(text) == expected)
    }

    @Test("invalid expirations are refused", arguments: ["", "d", "soon", "2026-02-30", "2026-4-1", "30 days"])
    func refuses(_ text: String) {
        #expect(TokenExpiration.parse(text) == nil)
    }
}
