@testable import GatehouseCLI
import GatehouseDomain
import Testing

@Suite struct ExitStatusTests {
    /// Scripts depend on these numbers; changing one breaks someone's cron job.
    @Test func statusesAreStable() {
        #expect(ExitStatus(GatehouseError.Category.invalid) == .invalid)
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 64])
    }

    @Test func outputSanitizerMakesEscapesInert() {
        let inert = OutputSanitizer.inert("evil\u{1b}]0;pwned\u{07}name\u{9b}2J\u{202E}")
        #expect(!inert.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
        #expect(inert.contains("evil") && inert.contains("name"))
    }
}
