import TerminalKit

/// A field of a form. Choices cycle with ←/→ (or Space), which fits one row and reads clearly.
enum FormInput {
    case text(TextField)
    case choice(options: [String], index: Int)
    case toggle(Bool)
    /// Several on/off options on one row: ←/→ moves, Space toggles.
    case checklist(options: [String], checked: Set<Int>, cursor: Int)
}

struct FormField {
    let id: String
    let label: String
    var input: FormInput
    var hint: String = ""
    /// Shown under the field in the error style until the field is edited again.
    var error: String?

    var text: String {
        if case let .text(field) = input { return field.text }
        return ""
    }

    var choiceIndex: Int {
        if case let .choice(_, index) = input { return index }
        return 0
    }

    var isOn: Bool {
        if case let .toggle(value) = input { return value }
        return false
    }

    var checked: Set<Int> {
        if case let .checklist(_, checked, _) = input { return checked }
        return []
    }
}

/// Labeled fields, one per row (plus a row for its message), with Tab/↑/↓ focus and inline
/// validation. The owner validates through the façade and puts messages on the fields.
struct Form {
    var fields: [FormField]
    private(set) var focus = 0
    /// A message about the whole form (e.g. a conflict), shown above the buttons.
    var formError: String?
    var submitLabel: String
    private(set) var isDirty = false

    init(fields: [FormField], submitLabel: String) {
        self.fields = fields
        self.submitLabel = submitLabel
    }

    enum Outcome { case edited, moved, submit, cancel, ignored }

    subscript(id: String) -> FormField {
        get { fields.first { $0.id == id } ?? FormField(id: id, label: id, input: .toggle(false)) }
        set {
            if let index = fields.firstIndex(where: { $0.id == id }) { fields[index] = newValue }
        }
    }

    mutating func setError(_ message: String?, on id: String) {
        guard let index = fields.firstIndex(where: { $0.id == id }) else {
            formError = message
            return
        }
        fields[index].error = message
        if message != nil { focus = index }
    }

    mutating func clearErrors() {
        for index in fields.indices { fields[index].error = nil }
        formError = nil
    }

    var focusedFieldIsText: Bool {
        if case .text = fields[focus].input { return true }
        return false
    }

    mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .tab, .down:
            focus = (focus + 1) % fields.count
            return .moved
        case .backTab, .up:
            focus = (focus - 1 + fields.count) % fields.count
            return .moved
        case .ctrl("s"):
            return .submit
        case .enter:
            if focus == fields.count - 1 { return .submit }
            focus += 1
            return .moved
        case .escape:
            return .cancel
        default:
            break
        }
        var field = fields[focus]
        var changed = false
        switch field.input {
        case var .text(textField):
            let before = textField.text
            if case let .refused(reason) = textField.handle(key) {
                // Said, not done: the field's rule, instead of a silently cut or stripped value.
                field.error = reason
                fields[focus] = field
                return .moved
            }
            changed = textField.text != before
            field.input = .text(textField)
        case let .choice(options, index):
            switch key {
            case .left, .character("h"):
                field.input = .choice(options: options, index: (index - 1 + options.count) % options.count)
                changed = true
            case .right, .character("l"), .character(" "):
                field.input = .choice(options: options, index: (index + 1) % options.count)
                changed = true
            default: break
            }
        case let .toggle(value):
            if key == .character(" ") || key == .left || key == .right {
                field.input = .toggle(!value)
                changed = true
            }
        case let .checklist(options, checked, cursor):
            switch key {
            case .left: field.input = .checklist(options: options, checked: checked, cursor: max(0, cursor - 1))
            case .right: field.input = .checklist(options: options, checked: checked, cursor: min(options.count - 1, cursor + 1))
            case .character(" "):
                field.input = .checklist(options: options, checked: checked.symmetricDifference([cursor]), cursor: cursor)
                changed = true
            default: break
            }
            if !changed, case let .checklist(_, _, newCursor) = field.input, newCursor != cursor {
                fields[focus] = field
                return .moved
            }
        }
        guard changed else { return .ignored }
        field.error = nil
        formError = nil
        fields[focus] = field
        isDirty = true
        return .edited
    }

    static let labelWidth = 18

    /// The message under a field (its error, else its hint while focused), wrapped to `width`:
    /// the whole message, however long, right under the field it is about.
    func messageLines(_ index: Int, width: Int, theme: Theme) -> [String] {
        let field = fields[index]
        guard let message = field.error ?? (index == focus && !field.hint.isEmpty ? field.hint : nil) else { return [] }
        let prefix = field.error != nil ? theme.lineDrawing.errorMark + " " : ""
        return TextWrap.wrap(prefix + message, width: max(1, width))
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, title: String, footnote: String? = nil) {
        let width = min(area.width, 78)
        let inputWidthInBox = max(1, width - 2 - 1 - Self.labelWidth - 1)
        let rows = fields.indices.reduce(0) { $0 + 1 + max(1, messageLines($1, width: inputWidthInBox, theme: theme).count) }
        let formErrorRows = formError.map { TextWrap.wrap(theme.lineDrawing.errorMark + " " + $0, width: max(1, width - 4)).count } ?? 1
        let height = min(area.height, rows + 4 + formErrorRows + (footnote == nil ? 0 : 2))
        let box = Rect(x: area.x + max(0, (area.width - width) / 2), y: area.y, width: width, height: height)
        let inner = Block(title: title, isFocused: true, clearsBackground: true).render(into: &buffer, area: box, theme: theme)
        var y = inner.y + 1
        let inputX = inner.x + 1 + Self.labelWidth
        let inputWidth = max(1, inner.maxX - inputX - 1)
        let bottom = inner.maxY - formErrorRows
        for (index, field) in fields.enumerated() where y < bottom - 1 {
            let focused = index == focus
            buffer.put(field.label, x: inner.x + 1, y: y, style: theme[focused ? .title : .normal], maxWidth: Self.labelWidth - 1)
            let inputArea = Rect(x: inputX, y: y, width: inputWidth, height: 1)
            switch field.input {
            case let .text(textField):
                textField.render(into: &buffer, area: inputArea, theme: theme, isFocused: focused)
            case let .choice(options, choice):
                let text = "\u{2039} \(options.isEmpty ? "" : options[choice]) \u{203A}"
                buffer.put(text, x: inputX, y: y, style: theme[focused ? .focusedInput : .input], maxWidth: inputWidth)
            case let .toggle(value):
                buffer.put(value ? "[x] On" : "[ ] Off", x: inputX, y: y, style: theme[focused ? .focusedInput : .input])
            case let .checklist(options, checked, cursor):
                var x = inputX
                for (optionIndex, option) in options.enumerated() {
                    let mark = checked.contains(optionIndex) ? "[x] " : "[ ] "
                    let role: Role = focused && optionIndex == cursor ? .focusedInput : .input
                    let used = buffer.put(mark + option, x: x, y: y, style: theme[role], maxWidth: max(0, inner.maxX - x - 1))
                    x += used + 2
                }
            }
            let lines = messageLines(index, width: inputWidth, theme: theme)
            let role: Role = field.error != nil ? .errorText : .muted
            for (offset, line) in lines.enumerated() where y + 1 + offset < bottom {
                buffer.put(line, x: inputX, y: y + 1 + offset, style: theme[role], maxWidth: inputWidth)
            }
            y += 1 + max(1, lines.count)
        }
        if let footnote, y < bottom {
            buffer.put(footnote, x: inner.x + 1, y: y, style: theme[.muted], maxWidth: inner.width - 2)
            y += 2
        }
        if let formError {
            let lines = TextWrap.wrap(theme.lineDrawing.errorMark + " " + formError, width: max(1, inner.width - 2))
            for (offset, line) in lines.enumerated() where bottom + offset < inner.maxY {
                buffer.put(line, x: inner.x + 1, y: bottom + offset, style: theme[.errorText], maxWidth: inner.width - 2)
            }
        } else {
            buffer.put("Ctrl-S or Enter on the last field: \(submitLabel)   Esc: cancel", x: inner.x + 1, y: bottom, style: theme[.muted], maxWidth: inner.width - 2)
        }
    }
}

extension Form {
    /// The form's keys for the field that has the focus, as entries of the binding table of the
    /// screen that holds it (at `form`): the footer then says what ←/→, Space and typing do on
    /// this field, and the handling is the same entries'. `saving`: why submitting waits.
    /// `tabFromLast`: where Tab goes from the last field (a panel beside the form) instead of the first.
    func bindings<Screen>(_ form: WritableKeyPath<Screen, Form>, saving: String? = nil,
                          tabFromLast: (label: String, action: (inout Screen) -> Void)? = nil,
                          submit: @escaping (inout Screen, ConsoleEnvironment) -> [ConsoleAction]) -> [KeyBinding<Screen>] {
        let edit: (inout Screen, Key, ConsoleEnvironment) -> [ConsoleAction] = { screen, key, environment in
            switch screen[keyPath: form].handle(key) {
            case .submit: submit(&screen, environment)
            case .cancel: [.close]
            case .edited, .moved, .ignored: []
            }
        }
        let isLast = focus == fields.count - 1
        var table: [KeyBinding<Screen>] = []
        // A form of one field has no other field to move to.
        let several = fields.count > 1
        if isLast, let tabFromLast {
            table.append(KeyBinding([.tab], "Tab", tabFromLast.label) { screen, _, _ in
                tabFromLast.action(&screen)
                return []
            })
            if several { table.append(KeyBinding([.down], "\u{2193}", "Next field", inFooter: false, action: edit)) }
        } else if several {
            table.append(KeyBinding([.tab, .down], "Tab", "Next field", action: edit))
        }
        if several { table.append(KeyBinding([.backTab, .up], "Shift-Tab", "Previous field", inFooter: false, action: edit)) }
        switch fields[focus].input {
        case .text:
            table.append(.typing("type", "Edit \(fields[focus].label)", action: edit))
        case .choice:
            table.append(KeyBinding([.left, .right, .character("h"), .character("l"), .character(" ")], "\u{2190}/\u{2192}", "Change choice", action: edit))
        case .toggle:
            table.append(KeyBinding([.character(" "), .left, .right], "Space", "On/off", action: edit))
        case .checklist:
            table += [
                KeyBinding([.left, .right], "\u{2190}/\u{2192}", "Move", action: edit),
                KeyBinding([.character(" ")], "Space", "Tick", action: edit),
            ]
        }
        table += [
            KeyBinding([.ctrl("s")], "Ctrl-S", submitLabel, disabledReason: saving) { screen, _, environment in submit(&screen, environment) },
            KeyBinding([.enter], "Enter", isLast ? submitLabel : "Next field", disabledReason: isLast ? saving : nil, inFooter: false, action: edit),
            KeyBinding([.escape], "Esc", "Cancel") { _, _, _ in [.close] },
        ]
        return table
    }
}
