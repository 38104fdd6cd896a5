import TerminalKit

/// An aligned table that fits a width: columns shrink, widest flexible one first, and cells that no
/// longer fit end in "…". Text is made inert (no escapes) before it is measured, and measured in
/// terminal columns with TerminalKit's `TextWidth` (a CJK character or an emoji counts 2), so wide
/// names line up as they do in the console.
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
            rows.reduce(TextWidth.width(columns[index].title)) { max($0, index < $1.count ? TextWidth.width($1[index]) : 0) }
        }
        let total = { widths.reduce(0, +) + Self.gap.count * max(0, widths.count - 1) }
        while total() > width {
            let candidates = columns.indices.filter { index in
                columns[index].flexible && widths[index] > max(columns[index].minimumWidth, TextWidth.width(columns[index].title))
            }
            guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        return widths
    }

    /// The header line for `widths` (from `layout`).
    func header(widths: [Int]) -> String { line(columns.map(\.title), widths: widths) }

    /// The rows' lines for `widths`, which may come from an earlier page (a streamed list): cells
    /// wider than their column end in "…", unless `cutting` is false (output with no width limit,
    /// a pipe or a file: the cell is printed whole and pushes the rest of its line right).
    func lines(widths: [Int], cutting: Bool = true) -> [String] { rows.map { line($0, widths: widths, cutting: cutting) } }

    private func line(_ cells: [String], widths: [Int], cutting: Bool = true) -> String {
        var text = ""
        for index in columns.indices {
            let whole = index < cells.count ? cells[index] : ""
            let cell = cutting ? Self.fit(whole, to: widths[index]) : whole
            let padding = String(repeating: " ", count: max(0, widths[index] - TextWidth.width(cell)))
            if index > 0 { text += Self.gap }
            text += columns[index].alignRight ? padding + cell : cell + padding
        }
        while text.utf8.last == UInt8(ascii: " ") { text.removeLast() }
        return text
    }

    /// `text` cut to `width` columns, ending in "…" when cut; never half of a wide character.
    static func fit(_ text: String, to width: Int) -> String {
        TextWidth.truncate(text, toWidth: width)
    }
}

/// "Label   value" lines for `show` commands.
struct FieldList {
    private(set) var fields: [(String, String)] = []

    mutating func add(_ label: String, _ value: String) { fields.append((label, value)) }

    /// Long values wrap at spaces, continuing under the value column.
    func render(width: Int = .max) -> [String] {
        let labelWidth = fields.map { TextWidth.width($0.0) }.max() ?? 0
        let indent = String(repeating: " ", count: labelWidth + 2)
        let room = max(20, width - indent.count)
        return fields.flatMap { label, value -> [String] in
            let clean = OutputSanitizer.inert(value).replacingOccurrences(of: "\n", with: " ")
            return Self.wrap(clean, to: room).enumerated().map { index, piece in
                (index == 0 ? label + String(repeating: " ", count: labelWidth - TextWidth.width(label)) + "  " : indent) + piece
            }
        }
    }

    /// Breaks after the commas of a list first ("a, b, c"), then at spaces within an item that is too long.
    static func wrap(_ text: String, to width: Int) -> [String] {
        guard TextWidth.width(text) > width else { return [text] }
        let items = text.components(separatedBy: ", ")
        let pieces = items.enumerated().flatMap { index, item -> [String] in
            let piece = index < items.count - 1 ? item + "," : item
            return TextWidth.width(piece) > width ? piece.split(separator: " ").map(String.init) : [piece]
        }
        var lines: [String] = []
        var current = ""
        for piece in pieces {
            if !current.isEmpty && TextWidth.width(current) + 1 + TextWidth.width(piece) > width {
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
