/// An aligned table that fits a width: columns shrink, widest flexible one first, and cells that no
/// longer fit end in "…". Text is made inert (no escapes) before it is measured.
struct TextTable {
    struct Column {
        let title: String
        /// May be shortened to fit (names, descriptions); identifiers and dates are not.
        var flexible = false
        var alignRight = false
        /// A flexible column is never narrowed below this (or its title).
        var minimumWidth = 8

        static func fixed(_ title: String, alignRight: Bool = false) -> Column { Column(title: title, flexible: false, alignRight: alignRight) }
        static func flexible(_ title: String, minimum: Int = 8) -> Column { Column(title: title, flexible: true, minimumWidth: minimum) }
    }

    let columns: [Column]
    private(set) var rows: [[String]] = []
    static let gap = "  "

    init(_ columns: [Column]) { self.columns = columns }

    mutating func append(_ cells: [String]) {
        rows.append(cells.map { OutputSanitizer.inert($0).replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ") })
    }

    var isEmpty: Bool { rows.isEmpty }

    /// The lines to print, header first.
    func render(width: Int) -> [String] {
        let widths = layout(width: width)
        return [line(columns.map(\.title), widths: widths)] + rows.map { line($0, widths: widths) }
    }

    /// Column widths that fit `width`: each column as wide as its widest cell, then the widest
    /// flexible column narrowed, one character at a time, until the line fits.
    func layout(width: Int) -> [Int] {
        var widths = columns.indices.map { index in
            rows.reduce(columns[index].title.count) { max($0, index < $1.count ? $1[index].count : 0) }
        }
        let total = { widths.reduce(0, +) + Self.gap.count * max(0, widths.count - 1) }
        while total() > width {
            let candidates = columns.indices.filter { index in
                columns[index].flexible && widths[index] > max(columns[index].minimumWidth, columns[index].title.count)
            }
            guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        return widths
    }

    /// The header line for `widths` (from `layout`).
    func header(widths: [Int]) -> String { line(columns.map(\.title), widths: widths) }

    /// The rows' lines for `widths`, which may come from an earlier page (a streamed list): cells
    /// wider than their column end in "…".
    func lines(widths: [Int]) -> [String] { rows.map { line($0, widths: widths) } }

    private func line(_ cells: [String], widths: [Int]) -> String {
        var text = ""
        for index in columns.indices {
            let cell = Self.fit(index < cells.count ? cells[index] : "", to: widths[index])
            let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
            if index > 0 { text += Self.gap }
            text += columns[index].alignRight ? padding + cell : cell + padding
        }
        while text.utf8.last == UInt8(ascii: " ") { text.removeLast() }
        return text
    }

    static func fit(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        return String(text.prefix(width - 1)) + "\u{2026}"
    }
}

/// "Label   value" lines for `show` commands.
struct FieldList {
    private(set) var fields: [(String, String)] = []

    mutating func add(_ label: String, _ value: String) { fields.append((label, value)) }

    /// Long values wrap at spaces, continuing under the value column.
    func render(width: Int = .max) -> [String] {
        let labelWidth = fields.map(\.0.count).max() ?? 0
        let indent = String(repeating: " ", count: labelWidth + 2)
        let room = max(20, width - indent.count)
        return fields.flatMap { label, value -> [String] in
            let clean = OutputSanitizer.inert(value).replacingOccurrences(of: "\n", with: " ")
            return Self.wrap(clean, to: room).enumerated().map { index, piece in
                (index == 0 ? label + String(repeating: " ", count: labelWidth - label.count) + "  " : indent) + piece
            }
        }
    }

    /// Breaks after the commas of a list first ("a, b, c"), then at spaces within an item that is too long.
    static func wrap(_ text: String, to width: Int) -> [String] {
        guard text.count > width else { return [text] }
        let items = text.components(separatedBy: ", ")
        let pieces = items.enumerated().flatMap { index, item -> [String] in
            let piece = index < items.count - 1 ? item + "," : item
            return piece.count > width ? piece.split(separator: " ").map(String.init) : [piece]
        }
        var lines: [String] = []
        var current = ""
        for piece in pieces {
            if !current.isEmpty && current.count + 1 + piece.count > width {
                lines.append(current)
                current = piece
            } else {
                current += (current.isEmpty ? "" : " ") + piece
            }
        }
        lines.append(current)
        return lines
    }

}
