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
    /// Requirements (with defaults below), so the run loop reaches a real terminal's own.
    var shouldStop: Bool { get }
    func invalidate()
    func suspend()
}

/// What a real terminal adds; the in-memory backend keeps these defaults.
extension Backend {
    /// True once the terminal is gone (end of file or EIO on input: the window closed, the SSH
    /// link dropped while the program was in the background) or a terminating signal asked the
    /// program to end: the loop ends instead of reading a dead tty forever.
    public var shouldStop: Bool { false }
    /// Forget what is on the screen, so the next frame repaints every cell (Ctrl-L, after SIGCONT).
    public func invalidate() {}
    /// Ctrl-Z: give the terminal back, stop the process as a shell job, and take it again on `fg`.
    public func suspend() {}
}
