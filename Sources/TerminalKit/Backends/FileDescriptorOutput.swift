import Glibc

/// Unbuffered writes to a file descriptor (the tty or standard error), outside curses.
enum FileDescriptorOutput {
    /// Writes all of `text`, retrying short writes and interrupted calls.
    static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes.removeFirst(written)
        }
    }
}

/// Writes text to standard error, unbuffered. For messages before or after full-screen mode
/// (Swift 6 rejects Glibc's `stderr` global outside the main actor).
public func writeToStandardError(_ text: String) {
    FileDescriptorOutput.write(text, to: STDERR_FILENO)
}
