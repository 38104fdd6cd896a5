import GatehouseDomain
import Testing

@Suite("Damaged input never crashes the parser")
struct RobustnessTests {
    @Test("every truncation of a valid line is handled", arguments: SampleKeys.valid)
    func truncations(_ sample: SampleKey) {
        for length in 0..<sample.line.count {
            let prefix = String(sample.line.prefix(length))
            do {
                let key = try SSHPublicKey.parse(prefix)
                // Only cuts inside the comment (or of the whole comment) may still parse.
                #expect(key.fingerprint == sample.fingerprint)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test("every single-character change in the key data is handled", arguments: SampleKeys.valid)
    func substitutions(_ sample: SampleKey) {
        let characters = Array(sample.base64)
        for offset in characters.indices {
            let replacement: Character = characters[offset] == "A" ? "B" : "A"
            let line = Wire.flipping(sample.line, base64CharacterAt: offset, to: replacement)
            do {
                let key = try SSHPublicKey.parse(line)
                // A change that still parses is a different key (e.g. other RSA modulus bits).
                #expect(key.fingerprint != sample.fingerprint)
                #expect(try SSHPublicKey.parse(key.openSSHLine) == key)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }
}
