import Foundation
import Synchronization

/// Where "now" comes from. Injected so that expiry, "last used" and audit times are exact in tests.
public protocol WallClock: Sendable {
    var now: Date { get }
}

public struct SystemClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that only moves when told to; for tests and reproducible demos.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    public func advance(by interval: TimeInterval) {
        current.withLock { $0 += interval }
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
