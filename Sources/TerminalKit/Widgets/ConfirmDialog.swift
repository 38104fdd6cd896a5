/// A confirmation dialog that names the object it acts on ("Revoke token ci-deploy?").
///
/// Safe by default: Cancel has the focus when the dialog opens. Tab/Shift-Tab, ←/→ (h/l)
/// switch the focus; Enter activates the focused button; Esc and `n` cancel. `y` confirms only
/// non-destructive dialogs: a destructive action always takes a deliberate move to its button.
public struct ConfirmDialog: Hashable, Sendable {
    public enum Button: Hashable, Sendable { case cancel, confirm }
    public enum Outcome: Hashable, Sendable { case confirmed, cancelled, focusChanged, ignored }

    public var title: String
    public var message: String
    /// The object acted upon, shown on its own line in the accent style.
    public var objectName: String?
    public var confirmLabel: String
    public var cancelLabel: String
    /// Destructive dialogs use the danger style and refuse the `y` shortcut.
    public var isDestructive: Bool
    public private(set) var focus: Button

    public init(
        title: String, message: String, objectName: String? = nil, confirmLabel: String,
        cancelLabel: String = "Cancel", isDestructive: Bool = false
    ) {
        self.title = title
        self.message = message
        self.objectName = objectName
        self.confirmLabel = confirmLabel
        self.cancelLabel = cancelLabel
        self.isDestructive = isDestructive
        self.focus = .cancel
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .tab, .backTab, .left, .right, .character("h"), .character("l"):
            focus = focus == .cancel ? .confirm : .cancel
            return .focusChanged
        case .enter:
            return focus == .confirm ? .confirmed : .cancelled
        case .escape, .character("n"), .character("N"):
            return .cancelled
        case .character("y"), .character("Y"):
            return isDestructive ? .ignored : .confirmed
        default:
            return .ignored
        }
    }

    private var buttonTexts: (cancel: String, confirm: String) {
        ("[ \(cancelLabel) ]", "[ \(confirmLabel) ]")
    }

    /// Draws the dialog centered in `area` (normally the whole screen), over what is there.
    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let buttons = buttonTexts
        let buttonsWidth = TextWidth.width(buttons.cancel) + 2 + TextWidth.width(buttons.confirm)
        let wanted = max(40, TextWidth.width(title) + 6, buttonsWidth + 4, min(TextWidth.width(message) + 4, 60))
        let width = min(wanted, area.width)
        let textWidth = max(1, width - 4)
        var lines = TextWrap.wrap(message, width: textWidth).map { ($0, Role.normal) }
        if let objectName {
            lines.append(("", .normal))
            lines += TextWrap.wrap(objectName, width: textWidth).map { ($0, Role.accent) }
        }
        let height = min(area.height, lines.count + 6)
        let box = area.centered(width: width, height: height)
        let inner = Block(title: title, borderRole: isDestructive ? .danger : .focusedBorder, clearsBackground: true)
            .render(into: &buffer, area: box, theme: theme)
        let content = inner.inset(by: Insets(horizontal: 1, vertical: 1))
        guard !content.isEmpty else { return }
        for (row, line) in lines.enumerated() where row < content.height - 2 {
            buffer.put(line.0, in: content.row(row), alignment: .left, style: theme[line.1])
        }

        // Buttons on the last content row, right-aligned, Cancel first.
        let buttonRow = content.row(content.height - 1)
        let confirmRole: Role = focus == .confirm ? (isDestructive ? .dangerSelection : .selection) : (isDestructive ? .danger : .button)
        let cancelRole: Role = focus == .cancel ? .selection : .button
        if buttonsWidth <= buttonRow.width {
            let confirmX = buttonRow.maxX - TextWidth.width(buttons.confirm)
            let cancelX = confirmX - 2 - TextWidth.width(buttons.cancel)
            buffer.put(buttons.cancel, x: cancelX, y: buttonRow.y, style: theme[cancelRole])
            buffer.put(buttons.confirm, x: confirmX, y: buttonRow.y, style: theme[confirmRole])
        } else {
            // Too narrow for both labels: each gets half, truncated, Cancel still on the left.
            let halves = buttonRow.split(columns: [.fill, .fill])
            buffer.put(buttons.cancel, x: halves[0].x, y: buttonRow.y, style: theme[cancelRole], maxWidth: halves[0].width)
            buffer.put(buttons.confirm, x: halves[1].x, y: buttonRow.y, style: theme[confirmRole], maxWidth: halves[1].width)
        }
    }
}
