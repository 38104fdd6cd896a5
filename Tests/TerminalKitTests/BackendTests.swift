import Testing
@testable import TerminalKit

@Suite("Clipboard, memory backend and run loop")
struct BackendTests {
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy"), ("漢", "5ryi")])
    func base64(text: String, expected: String) {
        #expect(Clipboard.base64(Array(text.utf8)) == expected)
    }

    @Test func osc52PlainAndInsideTmux() {
        #expect(Clipboard.osc52Sequence(for: "evil", insideTmux: false) == "\u{1b}]52;c;ZXZpbA==\u{07}")
        #expect(Clipboard.osc52Sequence(for: "evil", insideTmux: true)
            == "\u{1b}Ptmux;\u{1b}\u{1b}]52;c;ZXZpbA==\u{07}\u{1b}\\")
    }

    @Test func terminalOptionsFromArguments() {
        let (options, rest) = TerminalOptions.parse(arguments: ["--mouse", "demo", "--no-color"])
        #expect(options.mouse && options.noColor)
        #expect(rest == ["demo"])
        #expect(TerminalOptions(environment: ["TERM": "xterm"]).environmentValue("TERM") == "xterm")
    }

    @Test func terminalErrorsSayWhatToDo() {
        #expect(TerminalError.dumbTerminal.description.contains("TERM"))
        #expect(TerminalError.notATerminal(stream: "standard input").description.contains("standard input"))
        #expect(TerminalError.unknownTerminal("vt999").exitStatus == 2)
    }

    @Test @MainActor func runLoopDrawsHandlesKeysAndResizes() async {
        let backend = MemoryBackend(width: 30, height: 5)
        backend.enqueue(.down, .down)
        backend.resize(to: Size(width: 20, height: 6))
        backend.enqueue(.character("q"))
        var state = TableState()
        var keys: [Key] = []
        let page = TablePage(allRows: (0..<10).map { ["row \($0)"] })
        await runLoop(
            backend: backend,
            render: { buffer in
                Table(columns: [TableColumn("Name")]).render(into: &buffer, area: buffer.area, theme: backend.theme, state: state, source: page)
            },
            handle: { event in
                guard case .key(let key) = event else { return .quit }
                keys.append(key)
                if key == .character("q") { return .quit }
                _ = state.handle(key, rowCount: 10, pageHeight: 4)
                return .redraw
            })
        #expect(keys == [.down, .down, .resize, .character("q")])
        #expect(backend.drawCount == 4)
        #expect(backend.lastFrame?.size == Size(width: 20, height: 6))
        #expect(backend.lastFrame?.style(atX: 0, y: 3) == Theme.color[.selection])
        #expect(backend.lastFrame?.text(row: 3).hasPrefix("row 2") == true)
    }
}
