/// Something that draws itself into a region of a buffer. Widgets are plain values built fresh
/// each frame from application state; they clip to `area` and never draw outside it.
public protocol Widget {
    func render(into buffer: inout Buffer, area: Rect, theme: Theme)
}

/// A key and what it does, as shown in the footer and in help ("q", "Quit").
public struct KeyHint: Hashable, Sendable {
    public var key: String
    public var label: String
    /// Unavailable actions stay in the footer, dimmed, so people learn they exist.
    public var isEnabled: Bool

    public init(_ key: String, _ label: String, isEnabled: Bool = true) {
        self.key = key
        self.label = label
        self.isEnabled = isEnabled
    }
}
