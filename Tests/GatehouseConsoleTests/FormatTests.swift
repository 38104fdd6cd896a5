import Testing
@testable import GatehouseConsole

@Suite("Number formats")
struct FormatTests {
    @Test(arguments: [(0, "0"), (7, "7"), (999, "999"), (1_000, "1,000"), (100_001, "100,001"),
                      (1_000_000, "1,000,000"), (12_345_678, "12,345,678")])
    func countsHaveThousandsSeparators(value: Int, text: String) {
        #expect(Format.count(value) == text)
    }
}
