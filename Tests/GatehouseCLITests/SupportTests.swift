import Foundation
import Testing
@testable import GatehouseCLI
import GatehouseDomain

@Suite struct SupportTests {
    @Test func tableFitsTheWidthByShorteningFlexibleColumns() {
        var table = TextTable([.fixed("ID"), .flexible("NAME"), .fixed("STATUS")])
        table.append(["1", String(repeating: "n", count: 50), "Active"])
        table.append(["22", "short", "Expired"])
        let wide = table.render(width: 100)
        #expect(wide[0] == "ID  NAME" + String(repeating: " ", count: 46) + "  STATUS")
        let narrow = table.render(width: 30)
        #expect(narrow.allSatisfy { $0.count <= 30 })
        #expect(narrow[1].contains("\u{2026}"))
        // Columns stay aligned after shrinking.
        #expect(narrow[0].range(of: "STATUS")?.lowerBound.utf16Offset(in: narrow[0]) == narrow[2].range(of: "Expired")?.lowerBound.utf16Offset(in: narrow[2]))
    }

    @Test func tableCellsAreInert() {
        var table = TextTable([.fixed("NAME")])
        table.append(["evil\u{1B}[2Jname\u{9B}"])
        let line = table.render(width: 80)[1]
        #expect(!line.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B })
    }

    @Test(arguments: [("30m", 1_800.0), ("12h", 43_200.0), ("7d", 604_800.0), ("2w", 1_209_600.0), ("90D", 7_776_000.0)])
    func durations(text: String, seconds: Double) throws {
        #expect(try TimeSpan.parse(text).seconds == seconds)
    }

    @Test(arguments: ["", "7", "d", "-1d", "0d", "7days", "1y"])
    func badDurations(text: String) {
        #expect(throws: (any Error).self) { try TimeSpan.parse(text) }
    }

    @Test func isoDates() {
        let day = Date(timeIntervalSince1970: 1_772_409_600) // 2026-03-02 00:00 UTC
        #expect(ISODate.string(day.addingTimeInterval(43_200)) == "2026-03-02T12:00:00Z")
        #expect(ISODate.parse("2026-03-02") == day)
        #expect(ISODate.parse("2026-03-02T12:00:00Z") == day.addingTimeInterval(43_200))
        #expect(ISODate.parse("2026-03-02 12:30") == day.addingTimeInterval(45_000))
        #expect(ISODate.parse("2026-02-30") == nil)
        #expect(ISODate.parse("2026-03-02T25:00:00Z") == nil)
    }

    @Test func jsonKeysAreSortedAndNullsExplicit() {
        let value = JSONValue.object(["b": .int(1), "a": .null, "c": .array([.bool(true), .string("x/y")])])
        #expect(value.encoded(pretty: false) == #"{"a":null,"b":1,"c":[true,"x/y"]}"#)
    }

    /// Only `printSecret` shows a secret; only check/verify/report-leaked hand stdin to the domain.
    @Test func onlyTheAllowedPlacesRevealASecret() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/GatehouseCLI")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.allObjects as? [URL])
        var revealing: [String: Int] = [:]
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            let count = text.components(separatedBy: ".reveal()").count - 1
            if count > 0 { revealing[file.lastPathComponent] = count }
        }
        // Terminal.swift: printSecret (text and JSON). TokensVerifyCommand.swift: `tokens check`'s offline format check.
        #expect(revealing == ["Terminal.swift": 2, "TokensVerifyCommand.swift": 1])
    }
}
