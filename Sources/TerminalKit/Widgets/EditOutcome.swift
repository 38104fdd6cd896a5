/// What a key did to an editable widget (text field, date field, choice lists, dialog).
public enum EditOutcome: Hashable, Sendable {
    /// The value changed.
    case changed
    /// Only the cursor or highlight moved.
    case moved
    /// Enter: the user is done with this widget.
    case submitted
    /// Esc: the user wants out.
    case cancelled
    /// The key was understood but refused, with the reason to show (e.g. a disabled item).
    case refused(String)
    /// Not a key this widget uses: the caller may handle it.
    case ignored
}
