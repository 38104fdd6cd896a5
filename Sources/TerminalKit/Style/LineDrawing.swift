import CNcursesw

/// The glyph set for boxes and small symbols. `.ascii` is used when the locale is not UTF-8,
/// where curses would otherwise print `lqqk` or mojibake.
public enum LineDrawing: Hashable, Sendable {
    case unicode
    case ascii

    /// `.unicode` when the process locale (after `setlocale(LC_ALL, "")`) is UTF-8.
    public static func forCurrentLocale() -> LineDrawing {
        cn_locale_is_utf8() != 0 ? .unicode : .ascii
    }

    public var horizontal: Character { self == .unicode ? "─" : "-" }
    public var vertical: Character { self == .unicode ? "│" : "|" }
    public var topLeft: Character { self == .unicode ? "┌" : "+" }
    public var topRight: Character { self == .unicode ? "┐" : "+" }
    public var bottomLeft: Character { self == .unicode ? "└" : "+" }
    public var bottomRight: Character { self == .unicode ? "┘" : "+" }

    /// Between breadcrumbs: "Gatehouse › Tokens".
    public var breadcrumbSeparator: String { self == .unicode ? "›" : ">" }
    public var sortAscending: String { self == .unicode ? "▲" : "^" }
    public var sortDescending: String { self == .unicode ? "▼" : "v" }
    public var radioOn: String { self == .unicode ? "(•)" : "(*)" }
    public var radioOff: String { "( )" }
    public var checkboxOn: String { "[x]" }
    public var checkboxOff: String { "[ ]" }
    public var moreAbove: String { self == .unicode ? "↑" : "^" }
    public var moreBelow: String { self == .unicode ? "↓" : "v" }
    public var infoMark: String { self == .unicode ? "ℹ" : "i" }
    public var warningMark: String { "!" }
    public var errorMark: String { self == .unicode ? "✗" : "x" }
    public var successMark: String { self == .unicode ? "✓" : "+" }
}
