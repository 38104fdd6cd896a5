/// A backend in memory for tests: keeps the last frame, feeds queued keys, can be resized.
///
/// ```
/// let backend = MemoryBackend(width: 80, height: 24)
/// backend.enqueue(.down, .enter)
/// await runLoop(backend: backend, ...)
/// #expect(backend.lastFrame?.text(row: 0).contains("Tokens") == true)
/// ```
@MainActor
public final class MemoryBackend: Backend {
    public private(set) var size: Size
    public let theme: Theme
    /// The most recent frame drawn.
    public private(set) var lastFrame: Buffer?
    /// How many frames were drawn.
    public private(set) var drawCount = 0
    /// Keys still to be read.
    public private(set) var pendingKeys: [Key] = []

    public init(width: Int, height: Int, theme: Theme = .color) {
        self.size = Size(width: width, height: height)
        self.theme = theme
    }

    /// Queues keys for `readKey`.
    public func enqueue(_ keys: Key...) { pendingKeys += keys }
    public func enqueue(contentsOf keys: [Key]) { pendingKeys += keys }

    /// Queues each character of `text` as a key.
    public func type(_ text: String) { pendingKeys += text.map { Key.character($0) } }

    /// Changes the size and queues `.resize`, as a terminal would.
    public func resize(to newSize: Size) {
        size = newSize
        pendingKeys.append(.resize)
    }

    public func draw(_ buffer: Buffer) {
        lastFrame = buffer
        drawCount += 1
    }

    public func readKey(timeoutMilliseconds: Int) async -> Key? {
        guard !pendingKeys.isEmpty else { return nil }
        return pendingKeys.removeFirst()
    }
}
