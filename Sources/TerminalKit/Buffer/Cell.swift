/// One terminal cell: a single grapheme and its style. A wide grapheme (CJK, most emoji)
/// occupies its cell and the next one, which is marked `isContinuation` and drawn by nobody.
///
/// The symbol is always sanitized: there is no way to put a control character in a cell.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown, `" "` for a blank cell, `""` for the right half of a wide grapheme.
    public private(set) var symbol: String
    public var style: Style
    /// Display width of `symbol`: 1 or 2 (0 for a continuation cell).
    public private(set) var width: Int

    /// A cell holding `character` (sanitized; an invisible character becomes a blank).
    public init(_ character: Character = " ", style: Style = .plain) {
        let clean = Sanitizer.sanitize(String(character))
        let first = clean.first ?? " "
        self.symbol = String(first)
        self.style = style
        self.width = max(1, TextWidth.width(of: first))
    }

    /// Internal: a grapheme already sanitized by `Buffer.put`.
    init(trusted grapheme: Character, width: Int, style: Style) {
        self.symbol = String(grapheme)
        self.style = style
        self.width = width
    }

    static func continuation(style: Style) -> Cell {
        var cell = Cell(" ", style: style)
        cell.symbol = ""
        cell.width = 0
        return cell
    }

    public static let blank = Cell()

    /// True for the right half of a wide grapheme.
    public var isContinuation: Bool { width == 0 }
}
