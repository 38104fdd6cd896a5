import Testing
@testable import TerminalKit

@Suite("Text width and truncation")
struct TextWidthTests {
    @Test("the scalars measured by counting are each a grapheme one column wide, as wcwidth and the grapheme rules say, and the sanitizer keeps them")
    func simpleNarrowScalarsAreOneColumnEach() {
        var simple: [Unicode.Scalar] = []
        var wrong: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), TextWidth.isSimpleNarrow(scalar) else { continue }
            simple.append(scalar)
            if TextWidth.width(of: Character(scalar)) != 1 || !Sanitizer.isKnownSafe(scalar) || scalar.properties.generalCategory == .format {
                wrong.append("U+" + String(value, radix: 16))
            }
        }
        #expect(wrong.isEmpty, "not one column, or not kept: \(wrong.prefix(20))")
        #expect(simple.count > 900)
        // Side by side in any order they stay apart (no pair joins into one grapheme), so counting
        // scalars gives what the grapheme-by-grapheme measure and cut give.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0...24, using: &generator)).map { _ in simple.randomElement(using: &generator)! }))
            #expect(text.count == text.unicodeScalars.count, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(TextWidth.width(text) == text.reduce(0) { $0 + TextWidth.width(of: $1) })
            let width = Int.random(in: 0...26, using: &generator)
            var buffer = Buffer(width: 30, height: 1)
            buffer.put(text, x: 0, y: 0, maxWidth: max(1, width))
            let expected = TextWidth.truncate(text, toWidth: max(1, width))
            #expect(buffer.lines[0].trimmingSuffix() == expected.trimmingSuffix(), "\(text) at \(width)")
        }
    }

    @Test(arguments: [
        ("abc", 3), ("", 0), ("漢字", 4), ("e\u{301}", 1), ("café", 4), ("🚀", 2), ("😀x", 3),
        ("\u{FFFD}", 1), ("…", 1), ("한국어", 6), ("Ａ", 2), ("a\u{0308}\u{0301}", 1),
    ])
    func displayWidth(text: String, expected: Int) {
        #expect(TextWidth.width(text) == expected)
    }

    static let samples = [
        "hello world", "漢字テキストです", "e\u{301}e\u{301}e\u{301} cafe\u{301}", "🚀🚀 rockets 🚀",
        "mixed 漢a字b🚀c", "x",
    ]

    @Test(arguments: samples)
    func truncationNeverExceedsWidthNorSplitsGraphemes(text: String) {
        for width in 1...20 {
            let cut = TextWidth.truncate(text, toWidth: width)
            #expect(TextWidth.width(cut) <= width, "width \(width): \(cut)")
            if TextWidth.width(text) <= width {
                #expect(cut == text)
            } else {
                #expect(cut.hasSuffix("…"), "width \(width): \(cut)")
                // Every grapheme before the ellipsis is a whole grapheme of the original.
                let kept = String(cut.dropLast())
                #expect(text.hasPrefix(kept))
                #expect(Array(text).starts(with: Array(kept)))
            }
        }
    }

    @Test(arguments: samples)
    func bufferPutAtEveryWidthKeepsCellsWhole(text: String) {
        for width in 1...20 {
            var buffer = Buffer(width: 20, height: 1)
            let used = buffer.put(text, x: 0, y: 0, maxWidth: width)
            #expect(used <= width)
            // Nothing written past the limit, and every wide cell is followed by its continuation.
            for x in 0..<20 {
                guard let cell = buffer.cell(atX: x, y: 0) else { continue }
                if x >= width { #expect(cell.symbol == " ") }
                if cell.width == 2 { #expect(buffer.cell(atX: x + 1, y: 0)?.isContinuation == true) }
                if cell.isContinuation { #expect(buffer.cell(atX: x - 1, y: 0)?.width == 2) }
            }
        }
    }

    @Test func wideTextThatDoesNotFitIsCutBeforeTheWideCharacter() {
        #expect(TextWidth.truncate("漢字漢字", toWidth: 4) == "漢…")
        #expect(TextWidth.truncate("漢字漢字", toWidth: 5) == "漢字…")
        #expect(TextWidth.truncate("漢字", toWidth: 1) == "…")
        #expect(TextWidth.truncate("abc", toWidth: 0) == "")
    }

    @Test func fitPadsAndAligns() {
        #expect(TextWidth.fit("ab", width: 4) == "ab  ")
        #expect(TextWidth.fit("ab", width: 4, alignment: .right) == "  ab")
        #expect(TextWidth.fit("漢", width: 4, alignment: .center) == " 漢 ")
    }

    @Test func wrapBreaksAtSpacesAndCutsLongWords() {
        #expect(TextWrap.wrap("revoke the token now", width: 10) == ["revoke the", "token now"])
        #expect(TextWrap.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextWrap.wrap("one\ntwo", width: 10) == ["one", "two"])
        #expect(TextWrap.wrap("漢字漢字漢", width: 4) == ["漢字", "漢字", "漢"])
        #expect(TextWrap.wrap("x", width: 0) == [])
    }
}

@Suite("Emoji presentation width")
struct EmojiPresentationWidthTests {
    /// As terminals draw them: VS16 makes a narrow symbol a two-column emoji; a flag is two columns.
    @Test(arguments: [
        ("\u{2764}\u{FE0F}", 2), ("\u{2764}", 1), ("🇫🇷", 2), ("🇫🇷🇩🇪", 4), ("1\u{FE0F}\u{20E3}", 2),
        ("\u{263A}\u{FE0F}x", 3), ("a\u{FE0F}", 2),
    ])
    func width(text: String, expected: Int) {
        #expect(TextWidth.width(text) == expected)
    }

    @Test func aFlagTakesTwoCellsAndIsNeverSplit() {
        var buffer = Buffer(width: 6, height: 1)
        #expect(buffer.put("ab🇫🇷c", x: 0, y: 0) == 5)
        #expect(buffer.cell(atX: 2, y: 0)?.width == 2)
        #expect(buffer.cell(atX: 3, y: 0)?.isContinuation == true)
        #expect(buffer.cell(atX: 4, y: 0)?.symbol == "c")
        #expect(TextWidth.truncate("ab🇫🇷c", toWidth: 3) == "ab…")
    }

    @Test func cursesIsGivenCellsItMeasuresTheSameWay() throws {
        var buffer = Buffer(width: 4, height: 1)
        buffer.put("🇫🇷\u{2764}\u{FE0F}", x: 0, y: 0)
        let flag = NcursesBackend.cursesCells(try #require(buffer.cell(atX: 0, y: 0)))
        #expect(flag.map(\.symbol) == ["\u{1F1EB}", "\u{1F1F7}"])
        let heart = NcursesBackend.cursesCells(try #require(buffer.cell(atX: 2, y: 0)))
        #expect(heart.map(\.symbol) == ["\u{2764}", " "])
        #expect(heart.allSatisfy { $0.width == 1 })
    }
}

private extension String {
    func trimmingSuffix() -> Substring { self[..<(lastIndex { $0 != " " }.map { index(after: $0) } ?? startIndex)] }

    /// The ASCII fast path reads contiguous bytes; it must say what a byte-by-byte look says, for
    /// small and large strings and for substrings.
    @Test func printableASCIIIsJudgedByEveryByte() {
        let pieces = ["a", "Z", " ", "~", "\u{7F}", "\u{1F}", "\t", "\u{E9}", "漢", "plain text that is longer than fifteen bytes", ""]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let expected = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            #expect(TextWidth.isPrintableASCII(text) == expected, "\(text.debugDescription)")
            let cut = text.dropFirst(min(1, text.count))
            #expect(TextWidth.isPrintableASCII(cut) == cut.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(cut.debugDescription)")
        }
    }
}
