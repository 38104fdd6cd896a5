/// The address a request comes from, for the failure limiter and the logs: the peer's own address,
/// unless the peer is a configured proxy (nginx), whose `X-Real-IP` or `X-Forwarded-For` is then
/// believed. A client cannot claim another address by sending those headers itself.
struct ClientAddressResolver: Sendable {
    let trustedProxies: Set<String>

    func resolve(peer: String?, realIP: String?, forwardedFor: [String]) -> String {
        let peer = peer ?? "unknown"
        guard trustedProxies.contains(peer) else { return peer }
        if let realIP = realIP?.trimmingCharacters(in: .whitespaces), !realIP.isEmpty, realIP.utf8.count <= 64 {
            return realIP
        }
        // The right-most address no trusted proxy added is the client's.
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.reversed().first { !trustedProxies.contains($0) && $0.utf8.count <= 64 } ?? peer
    }
}
