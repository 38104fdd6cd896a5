import GatehouseDomain
import NIOPosix

/// Verification for the request path: answered inline when the store can answer from memory (a
/// cache hit with nothing committed since), else on the thread pool, so an event loop or the
/// concurrency pool never waits on SQLite. Writes are deferred to `DeferredWrites`.
struct TokenVerifier: Sendable {
    let service: AccessService
    let threadPool: NIOThreadPool
    let writes: DeferredWrites
    let metrics: ServerMetrics

    func verify(_ secret: TokenSecret) async throws -> Result<VerifiedToken, VerificationFailure> {
        var effects: [VerificationEffect] = []
        if let outcome = service.verifyWithoutBlocking(secret, deferring: &effects) {
            metrics.verification(inline: true)
            writes.add(effects)
            return outcome
        }
        metrics.verification(inline: false)
        let service = self.service
        let (outcome, deferred) = try await threadPool.runIfActive {
            var effects: [VerificationEffect] = []
            let outcome = try service.verify(secret, deferring: &effects)
            return (outcome, effects)
        }
        writes.add(deferred)
        return outcome
    }

    /// Runs a façade call that may block (a write, a read that misses) on the thread pool.
    func blocking<T: Sendable>(_ body: @escaping @Sendable (AccessService) throws -> T) async throws -> T {
        let service = self.service
        return try await threadPool.runIfActive { try body(service) }
    }
}
