import GatehouseDomain
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// What verifications deferred ("last used" stamps, replaced secrets presented), written in one
/// transaction every `interval` on the thread pool, and once more at shutdown. A failed write is
/// logged and dropped: "last used" is best effort, and no verification ever waits for it or fails
/// because of it.
final class DeferredWrites: Service, Sendable {
    private let pending = Mutex<[VerificationEffect]>([])
    private let service: AccessService
    private let threadPool: NIOThreadPool
    private let interval: Duration
    private let logger: Logger
    /// More pending effects than this (a write stalled for long) and new "last used" stamps are
    /// dropped; replaced secrets presented are always kept.
    private let capacity = 100_000

    init(service: AccessService, threadPool: NIOThreadPool, interval: Duration, logger: Logger) {
        self.service = service
        self.threadPool = threadPool
        self.interval = interval
        self.logger = logger
    }

    func add(_ effects: [VerificationEffect]) {
        guard !effects.isEmpty else { return }
        pending.withLock { pending in
            for effect in effects {
                if case .used = effect, pending.count >= capacity { continue }
                pending.append(effect)
            }
        }
    }

    var pendingCount: Int { pending.withLock { $0.count } }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            await flush()
        }
        await flush()
    }

    /// Writes what is pending now (and returns when it is written or has failed).
    func flush() async {
        let batch = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        let service = self.service
        do {
            try await threadPool.runIfActive { try service.record(batch) }
        } catch {
            logger.warning("deferred verification writes failed; dropped", metadata: ["count": "\(batch.count)", "error": "\(error)"])
        }
    }
}
