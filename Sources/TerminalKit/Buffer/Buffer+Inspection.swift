/// Read-only helpers, mostly for tests: assert on text line by line and on styles.
extension Buffer {
    /// Each row as a string (wide graphemes once, continuation cells skipped), trailing spaces kept.
    public var lines: [String] {
        (0..<height).map { text(row: $0) }
    }

    /// Row `y` as a string.
    public func text(row y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var line = ""
        for x in 0..<width {
            let cell = cells[y * width + x]
            if !cell.isContinuation { line += cell.symbol }
        }
        return line
    }

    /// The style at a position, or nil outside.
    public func style(atX x: Int, y: Int) -> Style? {
        cell(atX: x, y: y)?.style
    }

    /// The column and row where `text` first starts, searching row by row.
    public func find(_ text: String) -> Point? {
        let needle = Array(text)
        guard !needle.isEmpty else { return nil }
        for y in 0..<height {
            var row: [(x: Int, grapheme: Character)] = []
            for x in 0..<width {
                let cell = cells[y * width + x]
                if !cell.isContinuation, let g = cell.symbol.first { row.append((x, g)) }
            }
            guard row.count >= needle.count else { continue }
            for start in 0...(row.count - needle.count)
            where (0..<needle.count).allSatisfy({ row[start + $0].grapheme == needle[$0] }) {
                return Point(x: row[start].x, y: y)
            }
        }
        return nil
    }

    /// True when `text` appears somewhere on one row.
    public func contains(_ text: String) -> Bool { find(text) != nil }

    /// All rows, trailing spaces trimmed, joined with newlines (readable test failures).
    public var renderedText: String {
        lines.map { line in
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }.joined(separator: "\n")
    }
}
