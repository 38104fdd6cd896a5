import Glibc

/// A self-pipe that wakes the run loop from another thread: work finished off the main loop
/// (a page read from a network database) is shown at once, not at the next tick. The backend
/// polls the read end together with the terminal's input; `signal` may be called from any thread.
public final class LoopWakeup: Sendable {
    /// The end the loop polls (non-blocking).
    public let readDescriptor: Int32
    private let writeDescriptor: Int32

    /// nil when no pipe can be made (out of descriptors): the loop then falls back on its tick.
    public init?() {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return nil }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Wakes the loop. A full pipe already holds a wake-up, so a failed write loses nothing.
    public func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe (after a wake-up was seen).
    public func drain() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &bytes, bytes.count) > 0 {}
    }

    /// Waits up to `milliseconds` for a wake-up; true when one came (the pipe is drained).
    public func wait(milliseconds: Int) -> Bool {
        var descriptor = pollfd(fd: readDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(max(0, milliseconds))) > 0, descriptor.revents & Int16(POLLIN) != 0 else { return false }
        drain()
        return true
    }
}
