import CNcursesw

/// What one `wget_wch` call produced, as plain values so decoding is testable without a terminal.
public enum RawInput: Hashable, Sendable {
    /// `wget_wch` returned `OK`: a character code.
    case character(UInt32)
    /// `wget_wch` returned `KEY_CODE_YES`: a curses `KEY_*` code.
    case keyCode(Int32)
}

/// Pure translation from curses input to `Key`.
public enum KeyDecoder {
    /// Decodes the `(status, code)` pair of one `wget_wch` call; nil for `ERR` or unknown codes.
    public static func decode(status: Int32, code: UInt32) -> Key? {
        switch status {
        case OK: return decode(.character(code))
        case KEY_CODE_YES: return decode(.keyCode(Int32(bitPattern: code)))
        default: return nil
        }
    }

    /// Decodes one input. Esc is returned as `.escape`; the backend combines it with a character
    /// that follows at once into `.alt` (see `decode(escapeFollowedBy:)`).
    public static func decode(_ input: RawInput) -> Key? {
        switch input {
        case .character(let code): return decodeCharacter(code)
        case .keyCode(let code): return decodeKeyCode(code)
        }
    }

    /// Esc immediately followed by `next` (within the escape delay): Alt + that key.
    /// Esc followed by Esc is a single Esc; Esc before a special key is that key.
    public static func decode(escapeFollowedBy next: RawInput) -> Key? {
        guard let key = decode(next) else { return .escape }
        switch key {
        case .character(let c): return .alt(c)
        case .ctrl(let c): return .alt(c)
        case .escape: return .escape
        case .enter: return .alt("\r")
        default: return key
        }
    }

    static func decodeCharacter(_ code: UInt32) -> Key? {
        switch code {
        case 0: return .ctrl(" ")
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace  // terminals send DEL (or BS) for the Backspace key
        case 27: return .escape
        case 1...26: return Unicode.Scalar(code + 96).map { .ctrl(Character($0)) }
        case 28: return .ctrl("\\")
        case 29: return .ctrl("]")
        case 30: return .ctrl("^")
        case 31: return .ctrl("_")
        case 0x80...0x9F: return nil  // C1 controls are never keys
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .character(Character(scalar))
        }
    }

    static func decodeKeyCode(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME, KEY_A1: return .home
        case KEY_END, KEY_C1: return .end
        case KEY_PPAGE, KEY_A3: return .pageUp
        case KEY_NPAGE, KEY_C3: return .pageDown
        case KEY_IC: return .insert
        case KEY_DC: return .delete
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case KEY_SLEFT: return .left
        case KEY_SRIGHT: return .right
        case KEY_SHOME: return .home
        case KEY_SEND: return .end
        default:
            let f1 = cn_KEY_F(1)
            if code >= f1 && code < f1 + 12 { return .function(Int(code - f1) + 1) }
            return nil
        }
    }

    /// Decodes a curses mouse state (`MEVENT.bstate`) at a position.
    public static func decodeMouse(buttonState: UInt, x: Int, y: Int) -> Key? {
        let state = mmask_t(buttonState)
        let kind: MouseEvent.Kind
        if state & cn_BUTTON4_PRESSED() != 0 {
            kind = .wheelUp
        } else if state & cn_BUTTON5_PRESSED() != 0 {
            kind = .wheelDown
        } else if state & cn_BUTTON1_DOUBLE_CLICKED() != 0 {
            kind = .doubleClick(button: 1)
        } else if state & cn_BUTTON1_CLICKED() != 0 {
            kind = .click(button: 1)
        } else if state & cn_BUTTON3_CLICKED() != 0 {
            kind = .click(button: 3)
        } else if state & cn_BUTTON1_PRESSED() != 0 {
            kind = .press(button: 1)
        } else if state & cn_BUTTON1_RELEASED() != 0 {
            kind = .release(button: 1)
        } else {
            return nil
        }
        return .mouse(MouseEvent(kind: kind, x: x, y: y))
    }
}
