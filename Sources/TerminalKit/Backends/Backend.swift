/// Where frames go and keys come from: a real terminal (`NcursesBackend`) or memory
/// (`MemoryBackend`, for tests). Main-actor bound, like all terminal state.
@MainActor
public protocol Backend: AnyObject {
    /// The current screen size (changes after `.resize`).
    var size: Size { get }
    /// The theme chosen for this terminal (color or monochrome, Unicode or ASCII lines).
    var theme: Theme { get }
    /// Shows a complete frame. Backends send only what changed since the previous frame.
    func draw(_ buffer: Buffer)
    /// The next key, or nil if none arrived within the timeout (time to update clocks, flashes).
    func readKey(timeoutMilliseconds: Int) async -> Key?
}
