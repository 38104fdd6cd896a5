import Testing
@testable import TerminalKit

@Suite("Buffer")
struct BufferTests {
    @Test func putReturnsColumnsUsedAndTruncates() {
        var buffer = Buffer(width: 10, height: 2)
        #expect(buffer.put("hello", x: 1, y: 0) == 5)
        #expect(buffer.text(row: 0) == " hello    ")
        #expect(buffer.put("a long sentence", x: 0, y: 1, maxWidth: 6) == 6)
        #expect(buffer.text(row: 1) == "a lon…    ")
        #expect(buffer.put("x", x: 10, y: 0) == 0)
        #expect(buffer.put("x", x: 0, y: 5) == 0)
    }

    @Test func wideAndCombiningText() {
        var buffer = Buffer(width: 8, height: 1)
        #expect(buffer.put("漢字e\u{301}!", x: 0, y: 0) == 6)
        #expect(buffer.text(row: 0) == "漢字e\u{301}!  ")
        #expect(buffer.cell(atX: 1, y: 0)?.isContinuation == true)
        #expect(buffer.cell(atX: 4, y: 0)?.symbol == "e\u{301}")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buffer = Buffer(width: 6, height: 1)
        buffer.put("漢字", x: 0, y: 0)
        buffer.put("x", x: 1, y: 0)  // right half of 漢
        #expect(buffer.text(row: 0) == " x字  ")
        buffer.put("y", x: 2, y: 0)  // left half of 字
        #expect(buffer.text(row: 0) == " xy   ")
    }

    @Test func wideCharacterAtTheRightEdgeIsNotSplit() {
        var buffer = Buffer(width: 3, height: 1)
        #expect(buffer.put("a漢字", x: 0, y: 0) == 2)
        #expect(buffer.text(row: 0) == "a… ")
        var edge = Buffer(width: 3, height: 1)
        #expect(edge.put("漢", x: 2, y: 0) == 1)
        #expect(edge.text(row: 0) == "  …")
    }

    @Test func boxesInUnicodeAndASCII() {
        var buffer = Buffer(width: 12, height: 3)
        let inner = buffer.drawBox(buffer.area, title: "Title")
        #expect(buffer.lines == ["┌ Title ───┐", "│          │", "└──────────┘"])
        #expect(inner == Rect(x: 1, y: 1, width: 10, height: 1))
        var ascii = Buffer(width: 6, height: 3)
        ascii.drawBox(ascii.area, lineDrawing: .ascii)
        #expect(ascii.lines == ["+----+", "|    |", "+----+"])
    }

    @Test func fillAndStylesAreInspectable() {
        var buffer = Buffer(width: 4, height: 2)
        let style = Style(foreground: .red, attributes: .bold)
        buffer.fill(Rect(x: 1, y: 1, width: 10, height: 10), style: style)
        #expect(buffer.style(atX: 0, y: 1) == .plain)
        #expect(buffer.style(atX: 3, y: 1) == style)
        #expect(buffer.style(atX: 9, y: 9) == nil)
        buffer.put("ab", x: 0, y: 0)
        #expect(buffer.find("ab") == Point(x: 0, y: 0))
        #expect(buffer.find("zz") == nil)
    }

    @Test(arguments: [(0, 0), (1, 1), (-4, 3)])
    func degenerateBuffersDoNotCrash(width: Int, height: Int) {
        var buffer = Buffer(width: width, height: height)
        buffer.put("漢字 text", x: 0, y: 0)
        buffer.fill(buffer.area)
        buffer.drawBox(buffer.area, title: "x")
        #expect(buffer.lines.count == max(0, height))
    }

    /// Left-aligned text in a rect is cut by `put` itself: the same cells as sanitizing and cutting
    /// it to the rect first, also where the rect runs past the buffer's edge.
    @Test func leftAlignedTextInARectIsCutAsBefore() {
        let texts = ["plain ascii text", "漢字かな混じり文", "e\u{301}te\u{301}", "❤️🇫🇷 flags", "tab\there", "\u{1B}]52;c;x\u{7}", "…†▲ narrow", "", "a"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 1...3, using: &generator)).map { _ in texts.randomElement(using: &generator)! }.joined()
            let rect = Rect(x: Int.random(in: 0...12, using: &generator), y: 0, width: Int.random(in: 1...20, using: &generator), height: 1)
            var now = Buffer(width: 16, height: 1)
            var before = now
            let used = now.put(text, in: rect, alignment: .left)
            let cut = TextWidth.truncate(Sanitizer.sanitize(text), toWidth: rect.width)
            let usedBefore = before.put(cut, x: rect.x, y: rect.y, maxWidth: rect.width)
            #expect(now == before && used == usedBefore, "\(text.debugDescription) in \(rect)")
        }
    }

    /// Cells keep their grapheme inline, or number a long one: every grapheme comes back whole,
    /// and cells are equal (and hash alike) exactly when their graphemes are.
    @Test func cellsKeepEveryGraphemeWhole() {
        let texts = ["a", " ", "~", "\u{E9}", "e\u{301}", "漢", "\u{2026}", "🇫🇷", "❤️", "👨‍👩‍👧‍👦", "👩🏽‍❤️‍💋‍👨🏻",
                     "a" + String(repeating: "\u{301}", count: 30), "b" + String(repeating: "\u{301}", count: 30)]
        let cells = texts.map { text in Cell(trusted: Character(text), width: TextWidth.width(text) > 1 ? 2 : 1, style: .plain) }
        for (text, cell) in zip(texts, cells) {
            #expect(cell.symbol == text, "\(text.debugDescription)")
            let again = Cell(trusted: Character(text), width: cell.width, style: .plain)
            #expect(again == cell && again.hashValue == cell.hashValue)
        }
        #expect(Set(cells).count == texts.count, "different graphemes make different cells")
        #expect(Cell.blank.symbol == " " && Cell.continuation(style: .plain).symbol == "")
        #expect(MemoryLayout<Cell>.stride <= 32, "a cell is plain memory, no bigger than it was")
        #expect(_isPOD(Cell.self), "no reference counting per cell")
    }
}
