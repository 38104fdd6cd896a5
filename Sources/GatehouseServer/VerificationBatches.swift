import GatehouseDomain
import NIOPosix
import Synchronization

/// The verifications that must read the store, joined across concurrent requests: a request
/// queues its secret; at most `maximumDrains` thread-pool jobs run, each verifying everything
/// queued so far in one façade call (`verify(_:deferring:)` with many secrets: one query on
/// PostgreSQL) until the queue is empty. A request alone goes at once; under load, the requests
/// that arrive while a query runs share the next one. Only secrets queued before a job takes them
/// travel in it, so every answer is read after its request arrived.
final class VerificationBatches: Sendable {
    typealias Outcome = Result<VerifiedToken, VerificationFailure>
    private struct Waiter: Sendable {
        let secret: TokenSecret
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State {
        var queued: [Waiter] = []
        var drains = 0
    }

    private let state = Mutex(State())
    private let service: AccessService
    private let threadPool: NIOThreadPool
    private let writes: DeferredWrites
    let maximumDrains: Int
    let maximumBatch: Int

    init(service: AccessService, threadPool: NIOThreadPool, writes: DeferredWrites, maximumDrains: Int, maximumBatch: Int = 256) {
        self.service = service
        self.threadPool = threadPool
        self.writes = writes
        self.maximumDrains = max(1, maximumDrains)
        self.maximumBatch = max(1, maximumBatch)
    }

    func verify(_ secret: TokenSecret) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let startsDrain = state.withLock { state in
                state.queued.append(Waiter(secret: secret, continuation: continuation))
                guard state.drains < maximumDrains else { return false }
                state.drains += 1
                return true
            }
            if startsDrain { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch: [Waiter] = state.withLock { state in
                guard !state.queued.isEmpty else {
                    state.drains -= 1
                    return []
                }
                let taken = Array(state.queued.prefix(maximumBatch))
                state.queued.removeFirst(taken.count)
                return taken
            }
            guard !batch.isEmpty else { return }
            let service = self.service
            let secrets = batch.map(\.secret)
            do {
                let (outcomes, effects) = try await threadPool.runIfActive {
                    var effects: [VerificationEffect] = []
                    let outcomes = try service.verify(secrets, deferring: &effects)
                    return (outcomes, effects)
                }
                writes.add(effects)
                for (waiter, outcome) in zip(batch, outcomes) { waiter.continuation.resume(returning: outcome) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
