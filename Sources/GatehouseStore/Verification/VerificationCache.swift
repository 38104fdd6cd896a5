import Foundation
import GatehouseDomain
import Synchronization

/// Verification records recently read, trusted only while the directory's verification epoch is
/// the one they were read under, or the changes logged since do not touch them.
///
/// The epoch is a counter in the database that triggers raise, in the same transaction, on every
/// change a verification depends on: a token edited, revoked, regenerated or deleted, an account
/// changed or deleted, a membership added or removed, an organization renamed or deleted. It is
/// not raised by "last used" updates, audit events or new tokens (unknown digests are never
/// cached). Each verification reads the epoch first (one tiny query, ~3 µs) and the record only on
/// a miss, so a revocation from any process is seen by the next verification, as without a cache.
///
/// Why a record read after epoch `e` may be kept under `e`: it was read in a snapshot no older
/// than the one that saw `e`, and if the epoch is still `e` when it is served, nothing it depends
/// on has changed since.
final class VerificationCache: Sendable {
    private struct State {
        var epoch: Int64 = VerificationCache.noEpoch
        /// The WAL-index header read just before the epoch was last found current: while the
        /// header is still this one, nothing has committed since, so the epoch need not be read.
        var validatedHeader: WALIndexHeaderWatch.Header?
        /// Two generations: when `recent` is full it becomes `older`, and a hit in `older` moves
        /// back to `recent`, so what is in use stays and the rest ages out (LRU without a list).
        var recent: [TokenDigest: VerificationRecord] = [:]
        var older: [TokenDigest: VerificationRecord] = [:]
    }

    /// One logged change (`v8-verification-changes`): a token, every token of an account, or
    /// (both nil) every record.
    struct Change: Equatable {
        let tokenID: TokenID?
        let userID: UserID?
    }

    /// The epoch before any has been read.
    static let noEpoch = Int64.min
    /// More changes than this at once (a bulk revocation) empty the cache instead.
    static let largestEviction: Int64 = 1_000

    /// Records kept per generation; 0 disables the cache.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    /// The record cached for `digest`, if `epoch` (read just now) is the current epoch. A newer
    /// epoch empties the cache; an older one (a reader whose snapshot predates a change) is
    /// answered from the database without touching the cache.
    ///
    /// `header` is the WAL-index header read before the epoch (nil if unknown): the cache may
    /// then answer without the epoch while the header stays the same (`record(for:unchangedSince:)`).
    func record(for digest: TokenDigest, epoch: Int64, header: WALIndexHeaderWatch.Header? = nil) -> VerificationRecord? {
        guard capacity > 0 else { return nil }
        return state.withLock { state in
            if epoch > state.epoch {
                state.epoch = epoch
                state.validatedHeader = header
                state.recent.removeAll(keepingCapacity: true)
                state.older.removeAll()
                return nil
            }
            guard epoch == state.epoch else { return nil }
            state.validatedHeader = header
            return Self.lookup(digest, in: &state, capacity: capacity)
        }
    }

    /// The record cached for `digest` if `header`, read just now, is the header under which the
    /// epoch was last found current: no transaction has committed since, in any process.
    func record(for digest: TokenDigest, unchangedSince header: WALIndexHeaderWatch.Header) -> VerificationRecord? {
        guard capacity > 0 else { return nil }
        return state.withLock { state in
            guard state.validatedHeader == header else { return nil }
            return Self.lookup(digest, in: &state, capacity: capacity)
        }
    }

    private static func lookup(_ digest: TokenDigest, in state: inout State, capacity: Int) -> VerificationRecord? {
        if let record = state.recent[digest] { return record }
        guard let record = state.older.removeValue(forKey: digest) else { return nil }
        insert(record, for: digest, into: &state, capacity: capacity)
        return record
    }

    /// The epoch the cached records are valid under.
    var epoch: Int64 { state.withLock { $0.epoch } }

    /// Moves from epoch `old` to `new`, evicting only the records `changes` touch (nil: all).
    /// If another caller moved the cache meanwhile, this one's changes may not cover the gap, so
    /// it empties the cache unless the cache is already at `new` or later.
    func advance(from old: Int64, to new: Int64, evicting changes: [Change]?, header: WALIndexHeaderWatch.Header?) {
        state.withLock { state in
            guard state.epoch < new else { return }
            if state.epoch == old, let changes, !changes.contains(where: { $0.tokenID == nil && $0.userID == nil }) {
                let tokens = Set(changes.compactMap(\.tokenID))
                let owners = Set(changes.compactMap(\.userID))
                let untouched = { (entry: (key: TokenDigest, value: VerificationRecord)) in
                    !tokens.contains(entry.value.token.id) && !owners.contains(entry.value.token.ownerID)
                }
                state.recent = state.recent.filter(untouched)
                state.older = state.older.filter(untouched)
            } else {
                state.recent.removeAll(keepingCapacity: true)
                state.older.removeAll()
            }
            state.epoch = new
            state.validatedHeader = header
        }
    }

    /// Keeps `record`, read after the epoch was `epoch`, unless the epoch has moved on since.
    func keep(_ record: VerificationRecord, for digest: TokenDigest, readUnder epoch: Int64) {
        guard capacity > 0 else { return }
        state.withLock { state in
            guard epoch == state.epoch else { return }
            Self.insert(record, for: digest, into: &state, capacity: capacity)
        }
    }

    /// After a committed "last used" update: the cached record carries the new time, so the next
    /// verifications do not write it again.
    func noteUse(of digest: TokenDigest, at date: Date) {
        state.withLock { state in
            if let record = state.recent[digest] {
                state.recent[digest] = record.used(at: date)
            } else if let record = state.older[digest] {
                state.older[digest] = record.used(at: date)
            }
        }
    }

    var count: Int { state.withLock { $0.recent.count + $0.older.count } }

    private static func insert(_ record: VerificationRecord, for digest: TokenDigest, into state: inout State, capacity: Int) {
        if state.recent.count >= capacity {
            state.older = state.recent
            state.recent = Dictionary(minimumCapacity: capacity)
        }
        state.recent[digest] = record
    }
}

extension VerificationRecord {
    fileprivate func used(at date: Date) -> VerificationRecord {
        var token = token
        token.lastUsedAt = max(token.lastUsedAt ?? date, date)
        return VerificationRecord(token: token, owner: owner, organizations: organizations)
    }
}
