import Foundation
import Synchronization

/// Counts failed authentications per client address in a fixed window; past the limit, the
/// address is answered 429 with Retry-After until its window ends, without any lookup. A
/// request without credentials is not a failure (git and browsers ask first without).
final class FailureLimiter: Sendable {
    struct Window {
        var start: Date
        var failures: Int
    }

    let limit: Int
    let window: TimeInterval
    /// Addresses tracked at most; past it, expired windows are dropped, then the oldest.
    let capacity: Int
    private let windows = Mutex<[String: Window]>([:])

    init(limit: Int, window: TimeInterval, capacity: Int = 100_000) {
        self.limit = max(1, limit)
        self.window = max(1, window)
        self.capacity = capacity
    }

    /// Seconds to wait, when `address` is over the limit now; nil when it may try.
    func retryAfter(for address: String, now: Date) -> Int? {
        windows.withLock { windows in
            guard let entry = windows[address], now.timeIntervalSince(entry.start) < window, entry.failures >= limit else { return nil }
            return max(1, Int((window - now.timeIntervalSince(entry.start)).rounded(.up)))
        }
    }

    func recordFailure(from address: String, now: Date) {
        windows.withLock { windows in
            if var entry = windows[address], now.timeIntervalSince(entry.start) < window {
                entry.failures += 1
                windows[address] = entry
                return
            }
            if windows.count >= capacity {
                windows = windows.filter { now.timeIntervalSince($0.value.start) < window }
                if windows.count >= capacity, let oldest = windows.min(by: { $0.value.start < $1.value.start })?.key {
                    windows[oldest] = nil
                }
            }
            windows[address] = Window(start: now, failures: 1)
        }
    }
}
