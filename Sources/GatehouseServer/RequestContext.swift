import Hummingbird
import NIOCore

/// Hummingbird's per-request context, with the peer's address (for the failure limiter and logs).
public struct GatehouseRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer's IP address (nginx, when it proxies), or nil when unknown.
    public let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}
