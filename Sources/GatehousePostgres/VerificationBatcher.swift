import Foundation

/// Joins the lookups of concurrent callers into one query (the DataLoader pattern, as a group
/// commit): a caller whose key must be read queues it; if fewer than `maximumInFlight` queries are
/// running, it sends one for every key queued so far (at most `maximumBatch`), else it waits and the
/// keys queued meanwhile go in the next query. One caller alone is never delayed: it sends its own
/// query at once. Every caller gets the answer of the query that carried its key, or its error.
///
/// Only keys queued *before* a query is sent travel in it, so an answer always comes from a
/// statement that started after its caller asked: a revocation committed before a verification
/// began is never answered from an older read.
final class VerificationBatcher<Key: Hashable & Sendable, Value>: @unchecked Sendable {
    private final class Ticket {
        let keys: [Key]
        var result: Result<[Key: Value], any Error>?
        init(keys: [Key]) { self.keys = keys }
    }

    let maximumBatch: Int
    let maximumInFlight: Int
    private let fetch: ([Key]) throws -> [Key: Value]
    private let condition = NSCondition()
    private var queued: [Ticket] = []
    private var inFlight = 0
    /// Queries sent and keys they carried (the bench and tests read them).
    private(set) var queries = 0
    private(set) var keysFetched = 0

    init(maximumBatch: Int = 256, maximumInFlight: Int = 2, fetch: @escaping ([Key]) throws -> [Key: Value]) {
        self.maximumBatch = max(1, maximumBatch)
        self.maximumInFlight = max(1, maximumInFlight)
        self.fetch = fetch
    }

    /// The value of one key (nil: the query found none).
    func load(_ key: Key) throws -> Value? {
        try load([key])[key]
    }

    /// The values of these keys, read by the one query that carries them (or several, past `maximumBatch`).
    func load(_ keys: [Key]) throws -> [Key: Value] {
        guard !keys.isEmpty else { return [:] }
        let ticket = Ticket(keys: keys)
        condition.lock()
        queued.append(ticket)
        while ticket.result == nil {
            guard inFlight < maximumInFlight, !queued.isEmpty else {
                condition.wait()
                continue
            }
            let batch = takeBatch()
            inFlight += 1
            queries += 1
            condition.unlock()
            var unique = Set<Key>()
            let keys = batch.flatMap(\.keys).filter { unique.insert($0).inserted }
            let outcome = Result { try fetch(keys) }
            condition.lock()
            inFlight -= 1
            keysFetched += keys.count
            for waiter in batch { waiter.result = outcome }
            condition.broadcast()
        }
        let result = ticket.result
        condition.unlock()
        switch result {
        case let .success(values)?:
            guard keys.count > 1 else { return values[keys[0]].map { [keys[0]: $0] } ?? [:] }
            let wanted = Set(keys)
            return values.filter { wanted.contains($0.key) }
        case let .failure(error)?: throw error
        case nil: return [:]  // not reached: the loop above ends only with a result
        }
    }

    /// The tickets queued first, up to `maximumBatch` keys (always at least one ticket). Lock held.
    private func takeBatch() -> [Ticket] {
        var count = 0
        var taken = 0
        while taken < queued.count, taken == 0 || count + queued[taken].keys.count <= maximumBatch {
            count += queued[taken].keys.count
            taken += 1
        }
        let batch = Array(queued.prefix(taken))
        queued.removeFirst(taken)
        return batch
    }

    /// (queries, keys) so far.
    var statistics: (queries: Int, keys: Int) { condition.withLock { (queries, keysFetched) } }
}
