import Foundation
import GatehouseDomain

/// A store decorator for tests of front ends: counts every transaction, can make each one slow
/// (a network database), and can refuse them for a while (`refusing`), so a test proves that
/// drawing a frame, or handling a key, reads nothing: every read must come from an effect.
public final class WatchedStore: DirectoryStore, @unchecked Sendable {
    private let base: any DirectoryStore
    private let lock = NSLock()
    private var readCount = 0
    private var writeCount = 0
    private var refusedCount = 0
    private var isRefusing = false
    private var delay: TimeInterval

    /// `delay`: how long every transaction waits before it runs (a round trip to a far database).
    public init(_ base: any DirectoryStore, delay: TimeInterval = 0) {
        self.base = base
        self.delay = delay
    }

    /// Transactions begun (reads and writes), refused ones included.
    public var transactions: Int { lock.withLock { readCount + writeCount } }
    public var reads: Int { lock.withLock { readCount } }
    public var writes: Int { lock.withLock { writeCount } }
    /// Transactions asked for while refusing.
    public var refused: Int { lock.withLock { refusedCount } }

    /// Makes every transaction wait this long from now on.
    public func setDelay(_ seconds: TimeInterval) { lock.withLock { delay = seconds } }

    /// Runs `body` while every transaction is refused (and counted in `refused`).
    public func refusing<T>(_ body: () throws -> T) rethrows -> T {
        lock.withLock { isRefusing = true }
        defer { lock.withLock { isRefusing = false } }
        return try body()
    }

    private func begin(write: Bool) throws {
        let (refuse, wait) = lock.withLock { () -> (Bool, TimeInterval) in
            if write { writeCount += 1 } else { readCount += 1 }
            if isRefusing { refusedCount += 1 }
            return (isRefusing, delay)
        }
        if refuse { throw GatehouseError.storage("the test refuses store access here (a read while drawing or handling a key)") }
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }

    public func read<T>(_ body: (any DirectoryReader) throws -> T) throws -> T {
        try begin(write: false)
        return try base.read(body)
    }

    public func write<T>(_ body: (any DirectoryWriter) throws -> T) throws -> T {
        try begin(write: true)
        return try base.write(body)
    }

    public func verificationRecord(digest: TokenDigest) throws -> VerificationRecord? {
        try begin(write: false)
        return try base.verificationRecord(digest: digest)
    }
}
