/// Maps semantic roles to concrete styles, and carries the glyph set.
///
/// `Theme.color` uses the eight ANSI colors on the terminal's default background (the
/// selection is reverse video, the selection of a list without the focus is underlined);
/// `Theme.monochrome` uses only reverse, bold, underline and dim, for `NO_COLOR`, `--no-color`
/// and terminals without colors. Choose with `Theme.select(...)`.
public struct Theme: Sendable {
    /// Whether this theme uses colors at all (false for monochrome).
    public let usesColor: Bool
    /// Box and symbol glyphs (Unicode or ASCII).
    public var lineDrawing: LineDrawing
    private let styles: @Sendable (Role) -> Style

    public init(usesColor: Bool, lineDrawing: LineDrawing = .unicode, styles: @escaping @Sendable (Role) -> Style) {
        self.usesColor = usesColor
        self.lineDrawing = lineDrawing
        self.styles = styles
    }

    /// The style for a role.
    public subscript(role: Role) -> Style { styles(role) }

    /// The style for a role (same as the subscript, reads better in some call sites).
    public func style(_ role: Role) -> Style { styles(role) }

    /// This theme with another glyph set.
    public func with(lineDrawing: LineDrawing) -> Theme {
        var copy = self
        copy.lineDrawing = lineDrawing
        return copy
    }

    public static let color = Theme(usesColor: true) { role in
        switch role {
        case .normal: return .plain
        case .muted, .placeholder, .disabled: return Style(attributes: .dim)
        case .header: return Style(foreground: .white, background: .blue, attributes: .bold)
        case .title: return Style(foreground: .cyan, attributes: .bold)
        case .border: return Style(foreground: .blue)
        case .focusedBorder: return Style(foreground: .cyan, attributes: .bold)
        // Reverse video: legible on any palette, and the cheapest highlight to move (one SGR
        // on, `sgr0` off; a color pair costs `op` + `sgr0` to leave, 8 bytes more per key).
        case .selection: return Style(attributes: .reverse)
        case .inactiveSelection: return Style(attributes: .underline)
        case .columnHeader: return Style(attributes: [.bold, .underline])
        case .keyHint: return Style(foreground: .cyan, attributes: .bold)
        case .keyLabel: return .plain
        case .accent: return Style(foreground: .magenta, attributes: .bold)
        case .success: return Style(foreground: .green, attributes: .bold)
        case .warning: return Style(foreground: .yellow, attributes: .bold)
        case .danger: return Style(foreground: .red, attributes: .bold)
        case .dangerSelection: return Style(foreground: .white, background: .red, attributes: .bold)
        case .errorText: return Style(foreground: .red)
        case .input: return Style(attributes: .underline)
        case .focusedInput: return Style(foreground: .cyan, attributes: .underline)
        case .activeTab: return Style(foreground: .black, background: .cyan, attributes: .bold)
        case .inactiveTab: return .plain
        case .button: return .plain
        }
    }

    public static let monochrome = Theme(usesColor: false) { role in
        switch role {
        case .normal, .border, .keyLabel, .inactiveTab, .button: return .plain
        case .muted, .placeholder, .disabled: return Style(attributes: .dim)
        case .header, .selection, .activeTab: return Style(attributes: [.reverse, .bold])
        case .inactiveSelection: return Style(attributes: .reverse)
        case .title, .focusedBorder, .keyHint, .accent, .success, .warning: return Style(attributes: .bold)
        case .columnHeader: return Style(attributes: [.bold, .underline])
        case .danger, .errorText: return Style(attributes: [.bold, .underline])
        case .dangerSelection: return Style(attributes: [.reverse, .bold, .underline])
        case .input: return Style(attributes: .underline)
        case .focusedInput: return Style(attributes: [.underline, .bold])
        }
    }

    /// The theme to use: monochrome when `NO_COLOR` is set to a non-empty value
    /// (no-color.org), when `--no-color` was given, or when the terminal has no colors.
    public static func select(
        environment: [String: String], noColorFlag: Bool, terminalHasColors: Bool,
        lineDrawing: LineDrawing = .unicode
    ) -> Theme {
        let noColorEnv = !(environment["NO_COLOR"] ?? "").isEmpty
        let base = (noColorEnv || noColorFlag || !terminalHasColors) ? monochrome : color
        return base.with(lineDrawing: lineDrawing)
    }
}
