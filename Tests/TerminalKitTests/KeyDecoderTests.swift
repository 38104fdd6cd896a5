import CNcursesw
import Testing
@testable import TerminalKit

@Suite("Key decoding")
struct KeyDecoderTests {
    @Test(arguments: [
        (RawInput.character(0x61), Key.character("a")),
        (.character(0x41), .character("A")),
        (.character(0x20), .character(" ")),
        (.character(0x6F22), .character("漢")),
        (.character(0x1F680), .character("🚀")),
        (.character(0xE9), .character("é")),
        (.character(13), .enter),
        (.character(10), .enter),
        (.character(9), .tab),
        (.character(27), .escape),
        (.character(127), .backspace),
        (.character(8), .backspace),
        (.character(3), .ctrl("c")),
        (.character(1), .ctrl("a")),
        (.character(21), .ctrl("u")),
        (.character(23), .ctrl("w")),
        (.character(26), .ctrl("z")),
        (.character(0), .ctrl(" ")),
        (.character(31), .ctrl("_")),
        (.keyCode(KEY_UP), .up),
        (.keyCode(KEY_DOWN), .down),
        (.keyCode(KEY_LEFT), .left),
        (.keyCode(KEY_RIGHT), .right),
        (.keyCode(KEY_HOME), .home),
        (.keyCode(KEY_END), .end),
        (.keyCode(KEY_PPAGE), .pageUp),
        (.keyCode(KEY_NPAGE), .pageDown),
        (.keyCode(KEY_DC), .delete),
        (.keyCode(KEY_IC), .insert),
        (.keyCode(KEY_BACKSPACE), .backspace),
        (.keyCode(KEY_ENTER), .enter),
        (.keyCode(KEY_BTAB), .backTab),
        (.keyCode(KEY_RESIZE), .resize),
        (.keyCode(cn_KEY_F(1)), .function(1)),
        (.keyCode(cn_KEY_F(12)), .function(12)),
    ])
    func decodes(input: RawInput, expected: Key) {
        #expect(KeyDecoder.decode(input) == expected)
    }

    @Test(arguments: [RawInput.character(0x85), .character(0x9B), .character(0xD800), .keyCode(cn_KEY_F(30)), .keyCode(0x7FFF_FFFF)])
    func ignoresNonKeys(input: RawInput) {
        #expect(KeyDecoder.decode(input) == nil)
    }

    @Test func statusCodePairs() {
        #expect(KeyDecoder.decode(status: OK, code: 0x71) == .character("q"))
        #expect(KeyDecoder.decode(status: KEY_CODE_YES, code: UInt32(KEY_UP)) == .up)
        #expect(KeyDecoder.decode(status: ERR, code: 0x71) == nil)
    }

    @Test(arguments: [
        (RawInput.character(0x78), Key.alt("x")),
        (.character(0x2E), .alt(".")),
        (.character(27), .escape),
        (.keyCode(KEY_UP), .up),
    ])
    func escapePrefix(next: RawInput, expected: Key) {
        #expect(KeyDecoder.decode(escapeFollowedBy: next) == expected)
    }

    @Test func mouse() {
        #expect(KeyDecoder.decodeMouse(buttonState: UInt(cn_BUTTON1_CLICKED()), x: 3, y: 4)
            == .mouse(MouseEvent(kind: .click(button: 1), x: 3, y: 4)))
        #expect(KeyDecoder.decodeMouse(buttonState: UInt(cn_BUTTON4_PRESSED()), x: 0, y: 0)
            == .mouse(MouseEvent(kind: .wheelUp, x: 0, y: 0)))
        #expect(KeyDecoder.decodeMouse(buttonState: UInt(cn_BUTTON5_PRESSED()), x: 0, y: 0)
            == .mouse(MouseEvent(kind: .wheelDown, x: 0, y: 0)))
        #expect(KeyDecoder.decodeMouse(buttonState: 0, x: 0, y: 0) == nil)
    }

    @Test func displayNames() {
        #expect(Key.ctrl("c").displayName == "Ctrl-C")
        #expect(Key.function(5).displayName == "F5")
        #expect(Key.character(" ").displayName == "Space")
    }
}

@Suite("Bracketed paste")
struct BracketedPasteTests {
    func collect(_ text: String) -> BracketedPaste {
        var paste = BracketedPaste()
        for scalar in text.unicodeScalars { paste.append(scalar.value) }
        return paste
    }

    @Test func collectsUntilTheEndMarker() {
        let paste = collect("ssh-ed25519 AAAA\r\nline 2\rx\u{1b}[201~ignored")
        #expect(paste.isComplete)
        #expect(paste.text == "ssh-ed25519 AAAA\nline 2\nx")
    }

    @Test func escapesInsideAPasteStayText() {
        let paste = collect("a\u{1b}[Ab\u{1b}[201~")
        #expect(paste.text == "a\u{1b}[Ab")  // the text field refuses it, saying why
        var field = TextField()
        #expect(field.handle(.paste(paste.text)) == .refused("U+001B is a control character; it cannot be typed here"))
        #expect(field.text == "")
    }

    @Test func incompletePasteKeepsWhatArrived() {
        let paste = collect("partial")
        #expect(!paste.isComplete)
        #expect(paste.text == "partial")
    }
}
