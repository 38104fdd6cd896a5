/// ASCII stand-ins for non-ASCII symbols, used when the locale is not UTF-8 (curses would
/// otherwise print escape-like garbage such as `M-b~@`).
enum ASCIIFallback {
    static func character(for symbol: String) -> Unicode.Scalar {
        switch symbol {
        case "─", "━", "—", "–": return "-"
        case "│", "┃": return "|"
        case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return "+"
        case "…": return "~"
        case "▲", "↑": return "^"
        case "▼", "↓": return "v"
        case "›", "→": return ">"
        case "‹", "←": return "<"
        case "•", "●": return "*"
        case "✓": return "+"
        case "✗": return "x"
        case "ℹ": return "i"
        default: return "?"
        }
    }
}
