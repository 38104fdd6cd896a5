import CNcursesw
import Glibc

/// The real terminal, through ncursesw. All curses state lives in this one main-actor object.
///
/// Start it with `run` (restores the terminal however the body ends) or `start`/`stop`:
/// ```
/// try await NcursesBackend.run(options: options) { terminal in
///     await runLoop(backend: terminal, render: ..., handle: ...)
/// }
/// ```
/// Frames are drawn with the rows that changed since the last frame + `wnoutrefresh` + `doupdate`
/// (never `clear`), so curses sends only the cells that changed: moving a selection costs tens of
/// bytes, and giving curses only the changed rows keeps a 200x60 frame from costing 12,000 cell
/// writes when two rows changed.
@MainActor
public final class NcursesBackend: Backend {
    public let theme: Theme
    /// False when the locale is not UTF-8: non-ASCII text is then shown as ASCII stand-ins.
    public let isUnicode: Bool
    public let options: TerminalOptions
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var colorPairs: ColorPairs
    private var cursorShown: Bool?
    private var isStopped = false
    /// The last frame given to curses and the screen size then: the next frame writes only the rows
    /// that differ. nil after anything that may have changed curses' window behind it.
    private var drawn: (buffer: Buffer, screen: Size)?
    private var pendingKeys: [Key] = []
    /// Reads in a row that found the tty readable but gave no key: end of file or EIO.
    private var deadReads = 0
    public private(set) var isInputClosed = false
    /// The terminating signal (SIGHUP, SIGTERM, SIGINT, SIGQUIT) that arrived while a secret was
    /// shown, the exit having been left to the program; 0: none.
    public private(set) var pendingSignal: Int32 = 0
    public var shouldStop: Bool { isInputClosed || pendingSignal != 0 }
    /// Wakes `readKey` from another thread (work finished off the main loop): polled with the
    /// terminal's input, so a result is drawn at once. nil: no pipe could be made (the tick remains).
    public let wakeup = LoopWakeup()

    /// Starts full-screen mode, or throws a `TerminalError` saying why it cannot.
    /// The checks `start` makes before touching the terminal, for programs that want to refuse
    /// early (before opening files or databases) when there is no usable terminal.
    public static func preflight(options: TerminalOptions = TerminalOptions()) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1 else { throw .notATerminal(stream: "standard input") }
        guard isatty(STDOUT_FILENO) == 1 else { throw .notATerminal(stream: "standard output") }
        guard let term = options.environmentValue("TERM"), !term.isEmpty else { throw .terminalTypeUnset }
        guard term != "dumb" else { throw .dumbTerminal }
    }

    public static func start(options: TerminalOptions = TerminalOptions()) throws(TerminalError) -> NcursesBackend {
        // Locale first: without it curses mangles non-ASCII text and box characters.
        setlocale(LC_ALL, "")
        try preflight(options: options)
        guard let term = options.environmentValue("TERM"), !term.isEmpty else { throw .terminalTypeUnset }
        SignalGuard.saveTerminalModes()
        // newterm, never initscr: initscr prints its own error and exits on an unknown TERM.
        guard let screen = newterm(term, cn_stdout(), cn_stdin()) else { throw .unknownTerminal(term) }
        return NcursesBackend(screen: screen, options: options)
    }

    private init(screen: OpaquePointer, options: TerminalOptions) {
        self.screen = screen
        self.options = options
        set_term(screen)
        window = cn_stdscr()
        SignalGuard.install(restoreSequence: SignalGuard.restoreSequence(mouse: options.mouse, bracketedPaste: options.bracketedPaste))

        raw()  // Ctrl-C, Ctrl-Z, Ctrl-S are keys, not signals or flow control
        noecho()
        nonl()
        keypad(window, true)
        // A frame goes out in one write: curses otherwise polls the input before each line and
        // flushes what it has so far (one write per changed line); our frames take well under a
        // millisecond, so there is nothing to gain by stopping one halfway for a key.
        typeahead(-1)
        // When the list scrolls, curses may shift the lines on the terminal (insert/delete line)
        // and send only the new one, instead of rewriting every row.
        idlok(window, true)
        set_escdelay(Int32(max(0, options.escapeDelayMilliseconds)))
        wtimeout(window, 50)

        isUnicode = cn_locale_is_utf8() != 0
        let hasColors = has_colors()
        theme = Theme.select(
            environment: ["NO_COLOR": options.environmentValue("NO_COLOR") ?? ""],
            noColorFlag: options.noColor, terminalHasColors: hasColors,
            lineDrawing: isUnicode ? .unicode : .ascii)
        var defaultColorsWork = false
        if theme.usesColor {
            start_color()
            // Keep the terminal's own background (tmux themes, transparency).
            defaultColorsWork = use_default_colors() == OK
        }
        colorPairs = ColorPairs(enabled: theme.usesColor, defaultColorsWork: defaultColorsWork)
        if options.mouse {
            mousemask(cn_ALL_MOUSE_EVENTS(), nil)
        }
        setCursorVisible(false)
        if options.bracketedPaste { writeDirectly(BracketedPaste.enable) }
    }

    /// Leaves full-screen mode and gives the terminal back as it was. Safe to call twice.
    public func stop() {
        guard !isStopped else { return }
        isStopped = true
        if options.mouse { mousemask(0, nil) }
        if options.bracketedPaste { writeDirectly(BracketedPaste.disable) }
        curs_set(1)
        endwin()
        delscreen(screen)
        SignalGuard.uninstall()
    }

    /// Starts the terminal, runs `body`, and stops the terminal whether `body` returns or throws.
    public static func run<T>(
        options: TerminalOptions = TerminalOptions(), _ body: (NcursesBackend) async throws -> T
    ) async throws -> T {
        let terminal = try start(options: options)
        do {
            let result = try await body(terminal)
            terminal.stop()
            return result
        } catch {
            terminal.stop()
            throw error
        }
    }

    public var size: Size {
        Size(width: Int(cn_getmaxx(window)), height: Int(cn_getmaxy(window)))
    }

    // MARK: - Drawing

    public func draw(_ buffer: Buffer) {
        guard !isStopped else { return }
        let screenSize = size
        let previous = drawn.flatMap { $0.buffer.size == buffer.size && $0.screen == screenSize ? $0.buffer : nil }
        if previous == nil { werase(window) }
        var characters = [wchar_t](repeating: 0, count: Int(cn_CCHARW_MAX()) + 1)
        var cell = cchar_t()
        for y in 0..<min(buffer.height, screenSize.height) {
            if let previous {
                let row = y * buffer.width..<(y + 1) * buffer.width
                if previous.cells[row] == buffer.cells[row] { continue }
                wmove(window, Int32(y), 0)
                wclrtoeol(window)
            }
            for x in 0..<min(buffer.width, screenSize.width) {
                guard let source = buffer.cell(atX: x, y: y), !source.isContinuation else { continue }
                if source.width == 2 && x + 1 >= screenSize.width { continue }
                let pair = colorPairs.pair(foreground: source.style.foreground, background: source.style.background)
                // curses measures a grapheme by its first scalar; an emoji drawn 2 wide whose first
                // scalar is narrow (❤️, 🇫🇷) is written as two one-column cells curses agrees with
                // (the flag's two indicators, or the base without VS16 and a blank), so curses'
                // idea of the cursor never drifts from the terminal's. Other cells go as they are,
                // without building an array for each (a 200x60 frame has 12,000 cells).
                guard Self.needsSplitting(source) else {
                    fillCharacters(&characters, from: source)
                    setcchar(&cell, characters, attributes(source.style.attributes), pair, nil)
                    mvwadd_wch(window, Int32(y), Int32(x), &cell)
                    continue
                }
                for (offset, part) in Self.cursesCells(source).enumerated() {
                    fillCharacters(&characters, from: part)
                    setcchar(&cell, characters, attributes(source.style.attributes), pair, nil)
                    mvwadd_wch(window, Int32(y), Int32(x + offset), &cell)
                }
            }
        }
        if let cursor = buffer.cursor, cursor.x < screenSize.width, cursor.y < screenSize.height {
            setCursorVisible(true)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            setCursorVisible(false)
        }
        wnoutrefresh(window)
        doupdate()
        drawn = (buffer, screenSize)
    }

    /// The cells curses is given for `cell`: itself, or for a two-column emoji whose first scalar
    /// is narrow, two one-column cells.
    nonisolated static func cursesCells(_ cell: Cell) -> [Cell] {
        guard needsSplitting(cell), let character = cell.symbol.first else { return [cell] }
        let scalars = Array(character.unicodeScalars)
        if TextWidth.isRegionalIndicator(scalars[0]) {
            return scalars.prefix(2).map { Cell(trusted: Character($0), width: 1, style: cell.style) }
        }
        var base = String.UnicodeScalarView()
        base.append(contentsOf: scalars.filter { $0.value != 0xFE0F })
        // Never traps: without VS16 the rest is one grapheme, and if it were not, its first would do.
        return [Cell(trusted: String(base).first ?? " ", width: 1, style: cell.style), Cell(trusted: " ", width: 1, style: cell.style)]
    }

    /// A two-column emoji whose first scalar is narrow: curses gets it as two cells (`cursesCells`).
    nonisolated static func needsSplitting(_ cell: Cell) -> Bool {
        cell.width == 2 && cell.symbol.first.map(TextWidth.isEmojiPresentation) == true
    }

    /// The spacing scalar of the grapheme plus its zero-width marks, as curses wants them.
    private func fillCharacters(_ characters: inout [wchar_t], from cell: Cell) {
        if let byte = cell.asciiByte {
            characters[0] = wchar_t(byte)
            characters[1] = 0
            return
        }
        let limit = characters.count - 1
        var count = 0
        if !isUnicode, !cell.symbol.allSatisfy(\.isASCII) {
            characters[0] = wchar_t(ASCIIFallback.character(for: cell.symbol).value)
            count = 1
        } else {
            for scalar in cell.symbol.unicodeScalars where count < limit {
                if count > 0 && TextWidth.width(ofScalar: scalar) != 0 { break }
                characters[count] = wchar_t(bitPattern: scalar.value)
                count += 1
            }
            if count == 0 {
                characters[0] = 32
                count = 1
            }
        }
        characters[count] = 0
    }

    private func attributes(_ attributes: TextAttributes) -> attr_t {
        var result = cn_A_NORMAL()
        if attributes.contains(.bold) { result |= cn_A_BOLD() }
        if attributes.contains(.dim) { result |= cn_A_DIM() }
        if attributes.contains(.underline) { result |= cn_A_UNDERLINE() }
        if attributes.contains(.reverse) { result |= cn_A_REVERSE() }
        return result
    }

    private func setCursorVisible(_ visible: Bool) {
        guard cursorShown != visible else { return }
        cursorShown = visible
        curs_set(visible ? 1 : 0)
        // A hidden cursor may stay wherever drawing left it: no cursor move after every frame
        // (about 10 bytes per key over SSH).
        leaveok(window, !visible)
    }

    // MARK: - Input

    public func readKey(timeoutMilliseconds: Int) async -> Key? {
        guard !isStopped, !shouldStop else { return nil }
        if !pendingKeys.isEmpty { return pendingKeys.removeFirst() }
        let signal = SignalGuard.takePendingSignal()
        if signal != 0 {
            pendingSignal = signal
            return nil
        }
        if SignalGuard.takeContinued() {
            // Back from a stop (kill -TSTP, then fg): whatever was written meanwhile is repainted.
            invalidate()
            return .resize
        }
        defer { wtimeout(window, 50) }
        if let wakeup {
            // What curses holds already (the rest of a sequence read ahead) comes first.
            wtimeout(window, 0)
            if let raw = readRaw() {
                deadReads = 0
                return decode(raw)
            }
            // Then wait for the terminal or a wake-up, whichever comes first.
            var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: wakeup.readDescriptor, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, 2, Int32(min(max(0, timeoutMilliseconds), 1000)))
            if ready > 0, descriptors[1].revents & Int16(POLLIN) != 0 { wakeup.drain() }
            guard ready > 0, descriptors[0].revents != 0 else {
                // A tick, a wake-up or a signal: let other main-actor work run, then the loop looks.
                await Task.yield()
                return nil
            }
            // Input is there; the rest of a sequence follows within curses' escape delay.
            wtimeout(window, 50)
        } else {
            wtimeout(window, Int32(min(max(0, timeoutMilliseconds), 1000)))
        }
        guard let raw = readRaw() else {
            if Self.inputIsGone() {
                deadReads += 1
                // A few in a row, so a half-read escape sequence is not taken for a hangup.
                if deadReads >= 3 { isInputClosed = true }
            } else {
                deadReads = 0
            }
            // Let other main-actor work (background results) run before the next read.
            await Task.yield()
            return nil
        }
        deadReads = 0
        return decode(raw)
    }

    /// One key from what curses read: a mouse event, Alt-x (Esc x), a paste, or a plain key.
    private func decode(_ raw: RawInput) -> Key? {
        if raw == .keyCode(KEY_MOUSE) { return readMouse() }
        guard raw == .character(27) else { return KeyDecoder.decode(raw) }
        // Esc: curses already waited ESCDELAY for a known sequence. A character already waiting
        // now was typed with Alt (terminals send Alt-x as Esc x).
        wtimeout(window, 0)
        guard let next = readRaw() else { return .escape }
        if next == .keyCode(KEY_MOUSE) {
            pendingKeys += readMouse().map { [$0] } ?? []
            return .escape
        }
        if next == .character(0x5B), options.bracketedPaste {
            return readAfterCSI()
        }
        return KeyDecoder.decode(escapeFollowedBy: next)
    }

    /// After `Esc [` that curses did not recognize: a bracketed paste (`Esc [200~`), or else
    /// Alt-[ followed by whatever was read ahead.
    private func readAfterCSI() -> Key? {
        wtimeout(window, 10)
        var lookahead: [RawInput] = []
        for expected in BracketedPaste.startSuffix {
            guard let raw = readRaw() else { break }
            lookahead.append(raw)
            if raw != .character(expected) { break }
        }
        guard lookahead == BracketedPaste.startSuffix.map({ .character($0) }) else {
            pendingKeys += lookahead.compactMap { KeyDecoder.decode($0) }
            return .alt("[")
        }
        // Paste: everything up to `Esc [201~` is text, however it looks.
        wtimeout(window, 100)
        var paste = BracketedPaste()
        while !paste.isComplete, let raw = readRaw() {
            if case .character(let code) = raw { paste.append(code) }
        }
        return .paste(paste.text)
    }

    /// After a read that gave nothing: is the tty hung up or at end of file (readable, yet holding
    /// no byte), rather than quiet?
    private static func inputIsGone() -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) >= 0 else { return errno != EINTR }
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return true }
        guard descriptor.revents & Int16(POLLIN) != 0 else { return false }
        var waiting: Int32 = 0
        return ioctl(STDIN_FILENO, UInt(FIONREAD), &waiting) != 0 || waiting == 0
    }

    // MARK: - Life of the terminal

    public func invalidate() {
        guard !isStopped else { return }
        drawn = nil
        clearok(window, true)
    }

    /// Ctrl-Z: leave full-screen mode (the shell's modes back), stop with SIGTSTP as a job does,
    /// and on `fg` take the terminal again and repaint everything.
    public func suspend() {
        guard !isStopped else { return }
        if options.mouse { mousemask(0, nil) }
        if options.bracketedPaste { writeDirectly(BracketedPaste.disable) }
        endwin()
        var previous = sigaction()
        var defaultAction = sigaction()
        defaultAction.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&defaultAction.sa_mask)
        sigaction(SIGTSTP, &defaultAction, &previous)
        kill(getpid(), SIGTSTP)
        // Continued.
        sigaction(SIGTSTP, &previous, nil)
        _ = SignalGuard.takeContinued()
        reset_prog_mode()
        if options.mouse { mousemask(cn_ALL_MOUSE_EVENTS(), nil) }
        if options.bracketedPaste { writeDirectly(BracketedPaste.enable) }
        cursorShown = nil
        invalidate()
    }

    /// The bytes that wipe the screen and its scrollback: home, erase display, erase saved lines
    /// (`E3`, `\e[3J`: xterm, VTE, tmux, the Linux console; others ignore it).
    static let scrubSequence = Array("\u{1b}[H\u{1b}[2J\u{1b}[3J".utf8)

    /// Marks a secret as shown (or no longer): while shown, a terminating signal scrubs the screen
    /// before anything else and leaves the exit to the program.
    public func setSecretShown(_ shown: Bool) {
        SignalGuard.setSecretShown(shown, scrub: Self.scrubSequence)
    }

    /// Wipes the screen and the scrollback now, then repaints on the next frame: after a secret
    /// was shown on a terminal without an alternate screen (TERM=vt100, linux), nothing of it stays.
    public func scrubScreen() {
        guard !isStopped else { return }
        werase(window)
        wnoutrefresh(window)
        doupdate()
        fflush(cn_stdout())
        FileDescriptorOutput.write(String(decoding: Self.scrubSequence, as: UTF8.self), to: STDOUT_FILENO)
        invalidate()
    }

    private func readRaw() -> RawInput? {
        var code: wint_t = 0
        let status = wget_wch(window, &code)
        switch status {
        case OK: return .character(UInt32(code))
        case KEY_CODE_YES: return .keyCode(Int32(bitPattern: UInt32(code)))
        default: return nil
        }
    }

    private func readMouse() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        return KeyDecoder.decodeMouse(buttonState: UInt(event.bstate), x: Int(event.x), y: Int(event.y))
    }

    // MARK: - Clipboard

    /// Copies text to the clipboard of the terminal the user sits at (over SSH too) with OSC 52.
    /// Inside tmux the sequence is sent both as-is (for `set-clipboard on`) and wrapped for
    /// passthrough (for `allow-passthrough on`). Terminals without OSC 52 ignore it.
    public func copyToClipboard(_ text: String) {
        guard !isStopped else { return }
        let insideTmux = !(options.environmentValue("TMUX") ?? "").isEmpty
        var sequences = [Clipboard.osc52Sequence(for: text, insideTmux: false)]
        if insideTmux { sequences.append(Clipboard.osc52Sequence(for: text, insideTmux: true)) }
        for sequence in sequences { writeDirectly(sequence) }
    }

    /// Writes straight to the tty, after curses has flushed its own output, so the two are not
    /// interleaved. Only for sequences that do not move the cursor or change the screen.
    private func writeDirectly(_ text: String) {
        fflush(cn_stdout())
        FileDescriptorOutput.write(text, to: STDOUT_FILENO)
    }
}
