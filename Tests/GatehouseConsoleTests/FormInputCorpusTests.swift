import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// What a form cannot store is refused on the spot, with the rule, instead of being cut,
/// stripped or replaced: control, invisible and direction characters, and pastes longer than
/// the field. Nothing is saved, and what was typed before stays as it was.
@MainActor @Suite struct FormInputCorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let form: String
        /// Keys that open the form and focus the field.
        let open: [Key]
        let typedBefore: String
        let bad: Key
        let message: String
        var testDescription: String {
            let what: String
            switch bad {
            case let .character(c): what = "U+" + String(c.unicodeScalars.first!.value, radix: 16, uppercase: true)
            case let .paste(text): what = "paste of \(text.count)"
            default: what = "\(bad)"
            }
            return "\(form): \(what)"
        }
    }

    nonisolated static let forms: [(name: String, open: [Key], maximum: Int)] = [
        ("user display name", [.character("n")], 100),
        ("user login", [.character("n"), .tab], 64),
        ("user email", [.character("n"), .tab, .tab], 254),
        ("group name", [.character("2"), .character("n")], 64),
        ("group description", [.character("2"), .character("n"), .tab], 500),
        // The field holds up to 1,000 so an over-long name stays whole and Enter refuses it with
        // the limit of 100 (FieldMessageTests); a paste beyond the field's own bound is refused.
        ("token wizard name", [.character("3"), .character("n"), .enter], 1_000),
    ]

    nonisolated static let cases: [Case] = forms.flatMap { form in
        [("\u{9B}", "U+009B is a control character"), ("\u{200B}", "U+200B is an invisible character"), ("\u{202E}", "U+202E is a text-direction control"),
         ("\u{2066}", "U+2066 is a text-direction control"), ("\u{FEFF}", "U+FEFF is an invisible character"), ("\u{7F}", "U+007F is a control character")]
            .map { Case(form: form.name, open: form.open, typedBefore: "ab", bad: .character(Character($0.0)), message: $0.1) }
        + [Case(form: form.name, open: form.open, typedBefore: "", bad: .paste(String(repeating: "n", count: form.maximum + 50)),
                message: "Not pasted: \(form.maximum + 50) characters; at most \(form.maximum) fit"),
           Case(form: form.name, open: form.open, typedBefore: "ab", bad: .paste("x\u{1B}[2Jy"), message: "U+001B is a control character")]
    }

    @Test(arguments: cases)
    func refusedWithTheRule(_ bad: Case) throws {
        let console = try DemoConsole()
        let before = (try console.userCount(), try console.groupCount(), try console.tokenCount(), try console.auditCount())
        console.send(bad.open)
        if bad.form == "token wizard name" { #expect(console.shows("Name the token"), "\(console.dump)") }
        console.type(bad.typedBefore)
        console.send(bad.bad)
        #expect(console.screen.contains(bad.message), "\(console.dump)")
        if !bad.typedBefore.isEmpty { #expect(console.shows(bad.typedBefore), "what was typed before stays") }
        #expect(!console.screen.contains("\u{FFFD}"), "nothing was stored as a stand-in")
        let after = (try console.userCount(), try console.groupCount(), try console.tokenCount(), try console.auditCount())
        #expect(before == after)
    }
}
