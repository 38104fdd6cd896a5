import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization

/// What `/metrics` shows, through swift-metrics into a Prometheus registry of this server's own
/// (not the process-wide `MetricsSystem`, so tests can run several servers): requests by route
/// and status, latency, and how verifications were answered (memory vs database).
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let inlineVerifications: CoreMetrics.Counter
    private let databaseVerifications: CoreMetrics.Counter
    /// The share answered from memory, computed when scraped.
    private let memoryRatio: CoreMetrics.Gauge
    private let answered = Mutex<(memory: Int, database: Int)>((0, 0))

    init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(250), .seconds(1),
        ]
        self.registry = registry
        self.factory = factory
        inlineVerifications = CoreMetrics.Counter(label: "gatehouse_verifications_total", dimensions: [("answered", "memory")], factory: factory)
        databaseVerifications = CoreMetrics.Counter(label: "gatehouse_verifications_total", dimensions: [("answered", "database")], factory: factory)
        memoryRatio = CoreMetrics.Gauge(label: "gatehouse_verification_cache_hit_ratio", factory: factory)
    }

    func verification(inline: Bool) {
        (inline ? inlineVerifications : databaseVerifications).increment()
        answered.withLock { inline ? ($0.memory += 1) : ($0.database += 1) }
    }

    func request(route: String, method: String, status: Int, duration: Duration) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        CoreMetrics.Counter(label: "gatehouse_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "gatehouse_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// The Prometheus text exposition, with the verification cache's hit ratio as of now: the
    /// share of verifications answered from memory, without the database.
    func exposition() -> String {
        let (memory, database) = answered.withLock { $0 }
        memoryRatio.record(memory + database == 0 ? 0 : Double(memory) / Double(memory + database))
        return registry.emitToString()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
