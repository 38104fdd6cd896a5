/// What a piece of text *means*; a `Theme` decides how it looks.
public enum Role: Hashable, Sendable, CaseIterable {
    /// Ordinary text.
    case normal
    /// Secondary text: hints, timestamps, placeholders, disabled items.
    case muted
    /// The top bar with the application name and breadcrumbs.
    case header
    /// Titles of boxes, dialogs and sections.
    case title
    /// Box borders and separators.
    case border
    /// The border of the box that has the keyboard focus.
    case focusedBorder
    /// The selected row of a focused list or table.
    case selection
    /// The selected row of a list that does not have the focus.
    case inactiveSelection
    /// Column headings of a table.
    case columnHeader
    /// The key in a key hint ("q" in "q Quit").
    case keyHint
    /// The label in a key hint ("Quit" in "q Quit").
    case keyLabel
    /// Something to draw the eye to (counts, the active breadcrumb).
    case accent
    case success
    case warning
    /// Destructive actions and dangerous states.
    case danger
    /// The focused button of a destructive dialog.
    case dangerSelection
    /// Validation and error messages.
    case errorText
    /// The editable area of a text or date field.
    case input
    /// The editable area of the focused field.
    case focusedInput
    /// Placeholder text inside an empty field.
    case placeholder
    /// Items that cannot be chosen.
    case disabled
    /// The active tab of a tab bar.
    case activeTab
    /// The other tabs.
    case inactiveTab
    /// Buttons that do not have the focus.
    case button
}
