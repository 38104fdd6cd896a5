/// One key press (or resize, mouse event, paste), decoded from the terminal.
///
/// Control letters arrive as `.ctrl("c")` (lowercase) because the terminal runs in raw mode:
/// Ctrl-C is a key the application handles, not a signal that kills it. Tab, Enter, Backspace
/// and Esc have their own cases even though they are control codes too.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case insert, delete, backspace
    case enter, escape, tab, backTab
    /// F1...F12 (`.function(1)` is F1).
    case function(Int)
    /// Ctrl plus a lowercase letter, or one of `@ [ \ ] ^ _` (Ctrl-Space is `.ctrl(" ")`).
    case ctrl(Character)
    /// Alt (Meta) plus a character, sent by terminals as Esc followed by the character.
    case alt(Character)
    /// The terminal changed size; re-read the size and re-layout.
    case resize
    case mouse(MouseEvent)
    /// Text pasted in one go (bracketed paste), never interpreted as keys.
    case paste(String)

    /// A short human-readable name, as shown in key hints ("Ctrl-C", "PgDn", "F1", "q").
    public var displayName: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .insert: return "Ins"
        case .delete: return "Del"
        case .backspace: return "Backspace"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .function(let n): return "F\(n)"
        case .ctrl(" "): return "Ctrl-Space"
        case .ctrl(let c): return "Ctrl-\(String(c).uppercased())"
        case .alt(let c): return "Alt-\(c)"
        case .resize: return "Resize"
        case .mouse: return "Mouse"
        case .paste: return "Paste"
        }
    }
}

/// A mouse event in screen cells. Mouse input is off unless the application turns it on
/// (`--mouse`), because it steals the terminal's own text selection.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case click(button: Int)
        case doubleClick(button: Int)
        case press(button: Int)
        case release(button: Int)
        case wheelUp
        case wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}
