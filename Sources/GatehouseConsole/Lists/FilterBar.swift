import TerminalKit

/// The `/` filter of a list: a text field shown while typing, and a summary line otherwise.
/// The list is re-queried on every keystroke (an indexed, LIMITed query), so it filters as you type.
struct FilterBar {
    private(set) var field = TextField(placeholder: "type to filter", maxLength: 100)
    private(set) var isEditing = false

    var text: String { field.text }

    enum Outcome { case changed, finished, cancelled, ignored }

    mutating func begin() {
        isEditing = true
    }

    /// A filter set from outside (`:group Readers` matching several): kept, not being typed.
    mutating func keep(_ text: String) {
        field.setText(text)
        isEditing = false
    }

    mutating func clear() {
        field.setText("")
        isEditing = false
    }

    mutating func handle(_ key: Key) -> Outcome {
        guard isEditing else { return .ignored }
        switch key {
        case .enter, .down, .up, .tab:
            isEditing = false
            return .finished
        case .escape:
            let hadText = !field.text.isEmpty
            field.setText("")
            isEditing = false
            return hadText ? .changed : .cancelled
        default:
            let before = field.text
            _ = field.handle(key)
            return field.text != before ? .changed : .ignored
        }
    }

    /// One row: "/text" while editing, or the list title with the active filter.
    func render(into buffer: inout Buffer, area: Rect, theme: Theme, title: String, summary: String) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, style: theme[.normal])
        var x = row.x
        x += buffer.put(title, x: x, y: row.y, style: theme[.title])
        x += buffer.put("  ", x: x, y: row.y)
        if isEditing {
            x += buffer.put("/", x: x, y: row.y, style: theme[.keyHint])
            field.render(into: &buffer, area: Rect(x: x, y: row.y, width: max(0, row.maxX - x), height: 1), theme: theme, isFocused: true)
        } else {
            // Plain, not muted: the "12 of 3,400" counter changes on every move, and a muted
            // run costs two SGR sequences (16 bytes on xterm) each time it is rewritten.
            buffer.put(summary, x: x, y: row.y, style: theme[.normal], maxWidth: max(0, row.maxX - x))
        }
    }
}
