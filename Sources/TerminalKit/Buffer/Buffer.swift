/// A grid of cells that widgets draw into and backends display. Immediate mode: build a new
/// buffer every frame; the ncurses backend sends only what changed since the last frame.
///
/// Every write is clipped to the buffer, sanitized and truncated, so no caller can overflow a
/// region, split a wide character, or smuggle an escape sequence to the terminal.
public struct Buffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown (a focused text field sets it); hidden if nil.
    public var cursor: Point?

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public init(size: Size) { self.init(width: size.width, height: size.height) }

    public var size: Size { Size(width: width, height: height) }
    /// The whole buffer as a rectangle.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at a position, or nil outside the buffer.
    public func cell(atX x: Int, y: Int) -> Cell? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        return cells[y * width + x]
    }

    /// Writes text at (x, y) on one line: sanitized, then cut with `…` to fit `maxWidth` and the
    /// buffer's right edge. Returns the number of columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let available = min(maxWidth ?? Int.max, width - x)
        guard available > 0 else { return 0 }
        if TextWidth.isPrintableASCII(text) { return putASCII(text, x: x, y: y, style: style, available: available) }
        if TextWidth.isSimpleNarrow(text) { return putSimpleNarrow(text, x: x, y: y, style: style, available: available) }
        let visible = TextWidth.truncate(Sanitizer.sanitize(text), toWidth: available)
        var column = x
        for character in visible {
            let w = TextWidth.width(of: character)
            guard w > 0 else { continue }  // cannot happen after sanitizing; never draw a 0-width cell
            guard column + w <= x + available else { break }
            setCell(Cell(trusted: character, width: w, style: style), x: column, y: y)
            column += w
        }
        return column - x
    }

    /// `put` for printable ASCII (nothing to sanitize, one column a byte): the same cells,
    /// without breaking the text into graphemes or measuring each.
    private mutating func putASCII(_ text: String, x: Int, y: Int, style: Style, available: Int) -> Int {
        let bytes = text.utf8
        let fits = bytes.count <= available
        // Cut as `TextWidth.truncate` cuts: the prefix that leaves room for the ellipsis.
        let shown = fits ? bytes.count : available - 1
        var column = x
        for byte in bytes.prefix(shown) {
            setCell(Cell(trustedASCII: byte, style: style), x: column, y: y)
            column += 1
        }
        if !fits {
            setCell(Cell(trusted: "\u{2026}", width: 1, style: style), x: column, y: y)
            column += 1
        }
        return column - x
    }

    /// `put` for text of one-column scalars that are graphemes of their own (`TextWidth.isSimpleNarrow`,
    /// all kept by the sanitizer): a cell per scalar, cut as `TextWidth.truncate` cuts.
    private mutating func putSimpleNarrow(_ text: String, x: Int, y: Int, style: Style, available: Int) -> Int {
        let scalars = text.unicodeScalars
        let fits = scalars.count <= available
        var column = x
        for scalar in scalars.prefix(fits ? scalars.count : available - 1) {
            setCell(Cell(trusted: Character(scalar), width: 1, style: style), x: column, y: y)
            column += 1
        }
        if !fits {
            setCell(Cell(trusted: "\u{2026}", width: 1, style: style), x: column, y: y)
            column += 1
        }
        return column - x
    }

    /// Writes one character (sanitized) at (x, y). Returns the columns used.
    @discardableResult
    public mutating func put(_ character: Character, x: Int, y: Int, style: Style = .plain) -> Int {
        put(String(character), x: x, y: y, style: style, maxWidth: nil)
    }

    /// Fills a rectangle with blanks in `style` (clipped to the buffer).
    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        let area = rect.intersection(self.area)
        var blank = Cell.blank
        blank.style = style
        for y in area.rows {
            for x in area.columns { setCell(blank, x: x, y: y) }
        }
    }

    /// Changes the style of the cells in a rectangle, keeping their text.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let area = rect.intersection(self.area)
        for y in area.rows {
            for x in area.columns { cells[y * width + x].style = style }
        }
    }

    /// Places a cell, keeping wide characters whole: overwriting either half of a wide
    /// grapheme blanks the other half.
    private mutating func setCell(_ cell: Cell, x: Int, y: Int) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let width = cell.width
        guard x + width <= self.width else { return }
        for column in x..<(x + width) { clearWideNeighbours(x: column, y: y) }
        cells[y * self.width + x] = cell
        if width == 2 { cells[y * self.width + x + 1] = .continuation(style: cell.style) }
    }

    private mutating func clearWideNeighbours(x: Int, y: Int) {
        let index = y * width + x
        let current = cells[index]
        if current.isContinuation, x > 0 {
            cells[index - 1] = Cell(" ", style: cells[index - 1].style)
            cells[index] = Cell(" ", style: current.style)
        } else if current.width == 2, x + 1 < width {
            cells[index + 1] = Cell(" ", style: cells[index + 1].style)
        }
    }
}
