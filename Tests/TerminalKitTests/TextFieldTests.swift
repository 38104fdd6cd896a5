import CivilCalendar
import Testing
@testable import TerminalKit

@Suite("Text field")
struct TextFieldTests {
    func field(_ text: String, cursor: Int? = nil) -> TextField {
        var field = TextField(text: text)
        if let cursor { for _ in 0..<(text.count - cursor) { _ = field.handle(.left) } }
        return field
    }

    @Test(arguments: [
        ("hello", nil as Int?, Key.character("!"), "hello!", 6),
        ("hello", 0, .character(">"), ">hello", 1),
        ("hello", nil, .backspace, "hell", 4),
        ("hello", 0, .backspace, "hello", 0),
        ("hello", 0, .delete, "ello", 0),
        ("hello", 2, .ctrl("d"), "helo", 2),
        ("hello world", 6, .ctrl("u"), "world", 0),
        ("hello world", 6, .ctrl("k"), "hello ", 6),
        ("hello big world", nil, .ctrl("w"), "hello big ", 10),
        ("hello big  ", nil, .ctrl("w"), "hello ", 6),
        ("hello", nil, .ctrl("a"), "hello", 0),
        ("hello", 0, .ctrl("e"), "hello", 5),
        ("hello", nil, .home, "hello", 0),
        ("hello", 1, .end, "hello", 5),
        ("漢字", 1, .character("x"), "漢x字", 2),
        ("e\u{301}e\u{301}", nil, .backspace, "e\u{301}", 1),
        ("ab", 1, .paste("x\ny"), "ax yb", 4),
        ("ab", 1, .paste("x\ny\u{1b}"), "ab", 1),  // refused whole: never stored with a stand-in
    ])
    func editing(initial: String, cursor: Int?, key: Key, text: String, newCursor: Int) {
        var field = field(initial, cursor: cursor)
        _ = field.handle(key)
        #expect(field.text == text)
        #expect(field.cursor == newCursor)
    }

    @Test func outcomes() {
        var field = TextField(text: "ab", maxLength: 3)
        #expect(field.handle(.character("c")) == .changed)
        #expect(field.handle(.character("d")) == .refused("At most 3 characters"))
        #expect(field.text == "abc")
        #expect(field.handle(.enter) == .submitted)
        #expect(field.handle(.escape) == .cancelled)
        #expect(field.handle(.right) == .ignored)
        #expect(field.handle(.left) == .moved)
        #expect(field.handle(.function(3)) == .ignored)
        field.setText("toolongtext")
        #expect(field.text == "too")
    }

    @Test func rendersTextCursorAndValidation() {
        var buffer = Buffer(width: 12, height: 2)
        var field = TextField(text: "alice")
        field.validationMessage = "Already taken"
        field.render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0) == "alice       ")
        #expect(buffer.text(row: 1) == "✗ Already t…")
        #expect(buffer.cursor == Point(x: 5, y: 0))
        #expect(buffer.style(atX: 0, y: 1) == Theme.color[.errorText])
        #expect(buffer.style(atX: 8, y: 0) == Theme.color[.focusedInput])
    }

    @Test func masksSecrets() {
        var buffer = Buffer(width: 10, height: 1)
        TextField(text: "hunter2", mask: "•").render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0) == "•••••••   ")
        #expect(!buffer.contains("hunter"))
    }

    @Test func placeholderWhenEmptyAndNoCursorWhenUnfocused() {
        var buffer = Buffer(width: 16, height: 1)
        TextField(placeholder: "e.g. ci-deploy").render(into: &buffer, area: buffer.area, theme: .color, isFocused: false)
        #expect(buffer.text(row: 0).hasPrefix("e.g. ci-deploy"))
        #expect(buffer.cursor == nil)
    }

    @Test func scrollsToKeepTheCursorVisible() {
        var buffer = Buffer(width: 6, height: 1)
        let field = TextField(text: "abcdefghij")
        field.render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0) == "fghij ")
        #expect(buffer.cursor == Point(x: 5, y: 0))
        var wide = Buffer(width: 5, height: 1)
        TextField(text: "漢字漢字").render(into: &wide, area: wide.area, theme: .color)
        #expect(wide.text(row: 0) == "漢字 ")
        #expect(wide.cursor == Point(x: 4, y: 0))
    }
}

@Suite("Date field")
struct DateFieldTests {
    @Test(arguments: [
        ("2024-02-29", true), ("2025-02-29", false), ("2100-02-29", false), ("2000-02-29", true),
        ("2025-04-31", false), ("2025-12-31", true), ("2025-13-01", false), ("2025-00-10", false),
        ("2025-1-01", false), ("abcd-ef-gh", false), ("0000-01-01", false),
    ])
    func calendarDates(text: String, valid: Bool) {
        #expect((CalendarDate(parsing: text) != nil) == valid)
        if valid { #expect(CalendarDate(parsing: text)?.description == text) }
    }

    @Test func dayArithmetic() {
        let date = CalendarDate(year: 2024, month: 12, day: 31)
        #expect(date?.adding(days: 1)?.description == "2025-01-01")
        #expect(date?.adding(days: 60)?.description == "2025-03-01")
        #expect(CalendarDate(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(CalendarDate(daysSinceEpoch: 19_723)?.description == "2024-01-01")
    }

    @Test func typingValidatingAndRendering() {
        var field = DateField(maximum: CalendarDate(year: 2025, month: 12, day: 31))
        for c in "2025023" { _ = field.handle(.character(c)) }
        #expect(field.handle(.character("x")) == .ignored)
        #expect(field.text == "2025-02-3")
        #expect(field.validationMessage == "Enter a date as YYYY-MM-DD")
        _ = field.handle(.character("0"))
        #expect(field.validationMessage == "2025-02-30 is not a real date")
        #expect(field.date == nil)
        _ = field.handle(.ctrl("u"))
        _ = field.handle(.paste("2026-01-15"))
        #expect(field.validationMessage == "Choose 2025-12-31 or earlier")
        _ = field.handle(.paste("2025-03-31"))
        #expect(field.date == CalendarDate(year: 2025, month: 3, day: 31))

        var buffer = Buffer(width: 30, height: 2)
        var partial = DateField()
        for c in "20250" { _ = partial.handle(.character(c)) }
        partial.render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.text(row: 0).hasPrefix("2025-0M-DD"))
        #expect(buffer.cursor == Point(x: 6, y: 0))
        #expect(buffer.text(row: 1).contains("Enter a date as YYYY-MM-DD"))
    }

    @Test("what cannot be stored is refused with the rule, never cut, stripped or replaced", arguments: [
        ("\u{9B}", "U+009B is a control character"), ("\u{200B}", "U+200B is an invisible character"),
        ("\u{202E}", "U+202E is a text-direction control"), ("\u{FEFF}", "U+FEFF is an invisible character"),
    ])
    func invisibleAndControlCharactersAreRefused(_ typed: String, _ message: String) {
        var field = TextField(text: "name", maxLength: 100)
        guard case let .refused(reason) = field.handle(.character(Character(typed))) else {
            Issue.record("not refused")
            return
        }
        #expect(reason.contains(message))
        #expect(field.text == "name")
    }

    @Test func aPasteLongerThanTheFieldIsRefusedNotCut() {
        var field = TextField(maxLength: 100)
        #expect(field.handle(.paste(String(repeating: "n", count: 150))) == .refused("Not pasted: 150 characters; at most 100 fit"))
        #expect(field.text.isEmpty)
        #expect(field.handle(.paste(String(repeating: "n", count: 100))) == .changed)
    }
}
