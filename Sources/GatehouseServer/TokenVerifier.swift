import GatehouseDomain
import NIOPosix

/// Verification for the request path: answered inline when the store can answer from memory (a
/// cache hit with nothing committed since), else on the thread pool (concurrent misses joined
/// into one store call, `VerificationBatches`), so an event loop or the concurrency pool never
/// waits on the database. Writes are deferred to `DeferredWrites`.
struct TokenVerifier: Sendable {
    let service: AccessService
    let threadPool: NIOThreadPool
    let writes: DeferredWrites
    let metrics: ServerMetrics
    /// Verifications that read the store, joined across concurrent requests.
    let misses: VerificationBatches

    init(service: AccessService, threadPool: NIOThreadPool, writes: DeferredWrites, metrics: ServerMetrics, threads: Int) {
        self.service = service
        self.threadPool = threadPool
        self.writes = writes
        self.metrics = metrics
        misses = VerificationBatches(service: service, threadPool: threadPool, writes: writes, maximumDrains: threads)
    }

    func verify(_ secret: TokenSecret) async throws -> Result<VerifiedToken, VerificationFailure> {
        var effects: [VerificationEffect] = []
        if let outcome = service.verifyWithoutBlocking(secret, deferring: &effects) {
            metrics.verification(inline: true)
            writes.add(effects)
            return outcome
        }
        metrics.verification(inline: false)
        return try await misses.verify(secret)
    }

    /// Runs a façade call that may block (a write, a read that misses) on the thread pool.
    func blocking<T: Sendable>(_ body: @escaping @Sendable (AccessService) throws -> T) async throws -> T {
        let service = self.service
        return try await threadPool.runIfActive { try body(service) }
    }
}
