/// Word wrapping by display width, for dialogs, help and detail text.
public enum TextWrap {
    /// Sanitized lines of at most `width` columns. Breaks at spaces when it can, inside a word
    /// only when the word alone is wider than the line. Keeps explicit newlines; tabs become
    /// four spaces.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        let clean = Sanitizer.sanitize(text, allowNewlines: true)
            .replacingTabs()
        var lines: [String] = []
        for paragraph in clean.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(contentsOf: wrapParagraph(String(paragraph), width: width))
        }
        return lines
    }

    private static func wrapParagraph(_ paragraph: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
            var word = String(word)
            var wordWidth = TextWidth.width(word)
            let needed = lineWidth == 0 ? wordWidth : lineWidth + 1 + wordWidth
            if needed <= width {
                line += lineWidth == 0 && line.isEmpty ? word : " " + word
                lineWidth = needed
                continue
            }
            if !line.isEmpty || lineWidth > 0 { lines.append(line) }
            line = ""
            lineWidth = 0
            // A word wider than the line is cut into pieces.
            while wordWidth > width {
                let piece = TextWidth.prefix(word, width: width)
                guard !piece.isEmpty else { word = ""; wordWidth = 0; break }
                lines.append(piece)
                word = String(word.dropFirst(piece.count))
                wordWidth = TextWidth.width(word)
            }
            line = word
            lineWidth = wordWidth
        }
        lines.append(line)
        return lines
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        guard contains("\t") else { return self }
        return split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    ")
    }
}
