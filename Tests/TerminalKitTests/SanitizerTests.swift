import Testing
@testable import TerminalKit

@Suite("Sanitizer")
struct SanitizerTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a\u{00}b", "a\u{2400}b"),            // NUL
        ("a\u{07}b", "a\u{2407}b"),            // BEL
        ("a\u{08}b", "a\u{2408}b"),            // BS
        ("a\tb", "a\u{2409}b"),                // tab not allowed on one line
        ("a\nb", "a\u{240A}b"),                // newline not allowed on one line
        ("a\rb", "a\u{240D}b"),
        ("a\u{1b}b", "a\u{241B}b"),            // ESC
        ("a\u{1f}b", "a\u{241F}b"),
        ("a\u{7f}b", "a\u{2421}b"),            // DEL
        ("a\u{80}b", "a\u{FFFD}b"),            // C1
        ("a\u{9b}b", "a\u{FFFD}b"),            // CSI as a C1 control
        ("a\u{9d}b", "a\u{FFFD}b"),            // OSC as a C1 control
        ("a\u{202E}b", "a\u{FFFD}b"),          // right-to-left override
        ("a\u{202A}b", "a\u{FFFD}b"),
        ("a\u{2066}b", "a\u{FFFD}b"),          // isolates
        ("a\u{2069}b", "a\u{FFFD}b"),
        ("a\u{061C}b", "a\u{FFFD}b"),          // Arabic letter mark
        ("a\u{200F}b", "a\u{FFFD}b"),          // right-to-left mark
        ("a\u{200B}b", "ab"),                  // zero-width space
        ("a\u{200D}b", "ab"),                  // zero-width joiner
        ("a\u{FEFF}b", "ab"),                  // BOM
        ("a\u{2028}b", "a\u{FFFD}b"),          // line separator
        ("\u{301}x", "\u{25CC}\u{301}x"),      // orphan combining mark gets a base
        ("e\u{301}", "e\u{301}"),              // combining mark kept
        ("漢字🚀", "漢字🚀"),
    ])
    func singleLine(input: String, expected: String) {
        #expect(Sanitizer.sanitize(input) == expected)
    }

    @Test func newlinesAndTabsAllowedWhenAsked() {
        #expect(Sanitizer.sanitize("a\nb\tc\r\nd", allowNewlines: true) == "a\nb\tc\nd")
        #expect(Sanitizer.sanitize("a\u{1b}b", allowNewlines: true) == "a\u{241B}b")
    }

    static let attacks = [
        "name\u{1b}]0;pwned\u{07}",                 // OSC 0 title change
        "name\u{1b}]52;c;ZXZpbA==\u{07}",            // OSC 52 clipboard write
        "name\u{1b}[2J",                             // CSI clear screen
        "name\u{9b}2J\u{9d}0;x\u{9c}",               // the same with C1 controls
        "name\u{1b}P+q\u{1b}\\",                     // DCS
    ]

    @Test(arguments: attacks)
    func escapeSequencesComeOutInert(attack: String) {
        let clean = Sanitizer.sanitize(attack)
        #expect(!clean.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(clean.hasPrefix("name"))
    }

    @Test(arguments: attacks)
    func escapeSequencesNeverReachTheBuffer(attack: String) {
        var buffer = Buffer(width: 60, height: 3)
        buffer.put(attack, x: 0, y: 0)
        buffer.put(attack, in: buffer.area.row(1), alignment: .right)
        Paragraph(attack).render(into: &buffer, area: buffer.area.row(2), theme: .color)
        for cell in buffer.cells {
            #expect(!cell.symbol.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
        // The introducer stays visible: ESC as ␛, a C1 control as �.
        #expect(buffer.text(row: 0).contains("\u{241B}") || buffer.text(row: 0).contains("\u{FFFD}"))
    }

    @Test func cellsCannotHoldControls() {
        #expect(Cell("\u{1b}").symbol == "\u{241B}")
        #expect(Cell("\u{200B}").symbol == " ")
        #expect(Cell("\u{85}").symbol == "\u{FFFD}")
    }

    @Test("the fast path's scalars are ones the full check keeps, never zero-width, so skipping it changes nothing")
    func knownSafeScalarsNeedNoCheck() {
        var checked = 0
        var wrong: [String] = []
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value), Sanitizer.isKnownSafe(scalar) else { continue }
            checked += 1
            if Sanitizer.replacement(for: scalar, allowNewlines: false) != nil || TextWidth.width(ofScalar: scalar) == 0
                || scalar.properties.generalCategory == .format {
                wrong.append("U+" + String(value, radix: 16))
            }
        }
        #expect(wrong.isEmpty, "replaced, zero-width or format: \(wrong.prefix(20))")
        #expect(checked > 20_000)
        // Text mixing them with one unsafe scalar still takes the full path.
        #expect(Sanitizer.sanitize("Name ▲ \u{1B}[31m…") == "Name ▲ \u{241B}[31m…")
        #expect(Sanitizer.sanitize("a\u{AD}b") == "ab")
    }
}
