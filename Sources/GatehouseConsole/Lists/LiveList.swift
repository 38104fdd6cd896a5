import GatehouseDomain
import TerminalKit

/// Where a list's rows come from: a page by keyset, and a count (up to a cap, or exact when the
/// cap is nil). Both run off the main loop, inside an effect; they capture the query as a value.
struct ListSource<Item: Sendable>: Sendable {
    let fetch: @Sendable (PageRequest) throws(GatehouseError) -> Page<Item>
    let count: @Sendable (_ cap: Int?) throws(GatehouseError) -> ListCount
    /// A page and the capped count in one read, where the façade offers it: a reload then costs
    /// one transaction (and one authorization), not two.
    var fetchCounted: (@Sendable (PageRequest, _ cap: Int) throws(GatehouseError) -> (Page<Item>, ListCount))?

    init(fetch: @escaping @Sendable (PageRequest) throws(GatehouseError) -> Page<Item>,
         count: @escaping @Sendable (_ cap: Int?) throws(GatehouseError) -> ListCount,
         fetchCounted: (@Sendable (PageRequest, _ cap: Int) throws(GatehouseError) -> (Page<Item>, ListCount))? = nil) {
        self.fetch = fetch
        self.count = count
        self.fetchCounted = fetchCounted
    }
}

/// A paged list whose every read is an effect: keys move the selection at once and the frame is
/// drawn from what is loaded (rows not loaded yet are placeholders); the page that is missing, or
/// about to be (a prefetch margin either side of the view), is asked for and merged when it comes.
///
/// - One load at a time, plus the latest wanted: typing "maria" while "m" is being read asks
///   for "maria" once "m" is back, and "m"'s rows are dropped (each reload starts a new epoch).
/// - A reload keeps the old rows on screen until the new ones arrive (as fzf), so a fast store
///   never flickers.
/// - A reload reads the rows in view only; the margins follow as a prefetch, which the frame does
///   not wait for and a newer reload overtakes (its answer is then dropped).
/// - Answers carry the request's id (unique in the session), so one for a screen that is gone,
///   or for a superseded request, is never taken.
struct LiveList<Item: Sendable> {
    var list = PagedList<Item>()
    /// False until the first answer (the counter and the rows say "Loading…").
    private(set) var hasLoaded = false
    private(set) var loadError: String?
    /// Bumped by every reload or refresh: answers asked before are dropped.
    private var epoch = 0
    private var inFlight: Int?
    /// The load in flight only reads ahead of the view (see `Effect.isPrefetch`).
    private var inFlightIsPrefetch = false
    private var wanted: Wanted?
    private var wantsExactCount = false
    /// End was pressed on a capped count: it jumps once the exact count is in.
    private var endAfterCount = false
    private var wantsSettle = false

    private enum Wanted { case reload, refresh }

    /// What one effect reads.
    enum Load: Sendable {
        /// The first page; counted unless the count waits (a filter being typed).
        case reload(limit: Int, counted: Bool)
        /// `reach`: how far down the selection or the window goes, plus two pages: a capped count
        /// below it is counted exactly.
        case refresh(PageRequest, reach: Int)
        case page(PageRequest, PagedList<Item>.Merge)
        case exactCount
        case settle
    }

    /// An effect's answer, for `receive`.
    struct Reply: Sendable {
        let id: Int
        let epoch: Int
        let load: Load
        let page: Page<Item>?
        let count: ListCount?
        let error: GatehouseError?
    }

    /// Rows either side of the view that are loaded ahead.
    static func prefetch(_ pageHeight: Int) -> Int { max(pageHeight, 10) }

    /// A load is running or waiting that the screen shows it waits for ("Loading…"): not a
    /// prefetch, while the rows in view are all there.
    var isLoading: Bool { (inFlight != nil && !inFlightIsPrefetch) || wanted != nil }

    // MARK: Asking

    /// Starts over at the top (a new filter, sort or scope). The old rows stay until the answer.
    mutating func reload() {
        epoch += 1
        wanted = .reload
        wantsExactCount = false
        endAfterCount = false
        wantsSettle = false
    }

    /// Reloads in place after a change, keeping the selection.
    mutating func refresh() {
        epoch += 1
        if wanted == nil { wanted = .refresh }
    }

    /// The count waited while a filter was typed: count now.
    mutating func settleCount() {
        wantsSettle = true
    }

    /// A navigation key: the selection moves now, from what is known; what comes into view is asked for.
    mutating func move(_ key: Key, pageHeight: Int) -> ListOutcome {
        if list.needsExactCount(for: key, pageHeight: pageHeight) {
            wantsExactCount = true
            if key == .end || key == .character("G") {
                endAfterCount = true
                return .unchanged
            }
        }
        let outcome = list.move(key, pageHeight: pageHeight)
        // Moved into rows the prefetch in flight brings: they are waited for now.
        if inFlightIsPrefetch, list.visibleItems(pageHeight: pageHeight).contains(where: { $0.item == nil }) {
            inFlightIsPrefetch = false
        }
        return outcome
    }

    /// The effect for what is needed next, if nothing is in flight (else it is asked when the
    /// answer in flight comes back). Only a prefetch in flight does not hold back a reload or
    /// refresh: that starts at once, and the prefetch's answer, of an older epoch, is dropped.
    mutating func nextLoad(pageHeight: Int, source: ListSource<Item>, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard inFlight == nil || (inFlightIsPrefetch && wanted != nil) else { return [] }
        let load: Load
        var isPrefetch = false
        if let wanted {
            switch wanted {
            // One row more than the view tells a list that just fits from a longer one.
            case .reload: load = .reload(limit: pageHeight + 1, counted: !countWaits)
            case .refresh: load = .refresh(list.refreshRequest(pageHeight: pageHeight), reach: list.refreshReach(pageHeight: pageHeight))
            }
            self.wanted = nil
        } else if wantsExactCount {
            wantsExactCount = false
            load = .exactCount
        } else if wantsSettle {
            wantsSettle = false
            guard list.countIsProvisional, loadError == nil else { return [] }
            load = .settle
        } else if loadError == nil, hasLoaded, let missing = list.missingPage(pageHeight: pageHeight, prefetch: Self.prefetch(pageHeight)) {
            load = .page(missing.request, missing.merge)
            isPrefetch = list.visibleItems(pageHeight: pageHeight).allSatisfy { $0.item != nil }
        } else {
            return []
        }
        let id = environment.nextRequestID()
        inFlight = id
        inFlightIsPrefetch = isPrefetch
        let epoch = epoch
        return [.run(Effect(isPrefetch: isPrefetch) { Self.perform(load, id: id, epoch: epoch, source: source) })]
    }

    /// While true a reload does not count (the counter is not on screen while a filter is typed).
    var countWaits = false

    /// Runs one load (on the effect's thread).
    private static func perform(_ load: Load, id: Int, epoch: Int, source: ListSource<Item>) -> Reply {
        do throws(GatehouseError) {
            switch load {
            case let .reload(limit, counted):
                let request = PageRequest(.first, limit: limit)
                if counted, let fetchCounted = source.fetchCounted {
                    let (page, count) = try fetchCounted(request, ListCount.defaultCap)
                    return Reply(id: id, epoch: epoch, load: load, page: page, count: count, error: nil)
                }
                let page = try source.fetch(request)
                let count = counted ? try source.count(ListCount.defaultCap) : nil
                return Reply(id: id, epoch: epoch, load: load, page: page, count: count, error: nil)
            case let .refresh(request, reach):
                var count = try source.count(ListCount.defaultCap)
                if !count.isExact, reach >= count.value { count = try source.count(nil) }
                let page = try source.fetch(request)
                return Reply(id: id, epoch: epoch, load: load, page: page, count: count, error: nil)
            case let .page(request, _):
                return Reply(id: id, epoch: epoch, load: load, page: try source.fetch(request), count: nil, error: nil)
            case .exactCount:
                return Reply(id: id, epoch: epoch, load: load, page: nil, count: try source.count(nil), error: nil)
            case .settle:
                return Reply(id: id, epoch: epoch, load: load, page: nil, count: try source.count(ListCount.defaultCap), error: nil)
            }
        } catch {
            return Reply(id: id, epoch: epoch, load: load, page: nil, count: nil, error: error)
        }
    }

    // MARK: Answers

    /// Takes an answer (nil: not this list's), then asks for what is needed next.
    mutating func accept(_ value: any Sendable, pageHeight: Int, source: ListSource<Item>, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        guard let reply = value as? Reply, reply.id == inFlight else { return nil }
        inFlight = nil
        inFlightIsPrefetch = false
        if reply.epoch == epoch { apply(reply, pageHeight: pageHeight) }
        return nextLoad(pageHeight: pageHeight, source: source, environment)
    }

    private mutating func apply(_ reply: Reply, pageHeight: Int) {
        if let error = reply.error {
            loadError = error.description
            hasLoaded = true
            return
        }
        switch reply.load {
        case let .reload(limit, _):
            guard let page = reply.page else { return }
            list.adopt(first: page, limit: limit, count: reply.count)
            loadError = nil
            hasLoaded = true
        case let .refresh(request, _):
            guard let page = reply.page, let count = reply.count else { return }
            list.adopt(refreshed: page, request: request, count: count, pageHeight: pageHeight)
            loadError = nil
            hasLoaded = true
        case let .page(_, merge):
            guard let page = reply.page else { return }
            list.merge(page, merge, pageHeight: pageHeight)
        case .exactCount:
            guard let count = reply.count else { return }
            list.adopt(exactCount: count.value, pageHeight: pageHeight)
            if endAfterCount {
                endAfterCount = false
                _ = list.move(.end, pageHeight: pageHeight)
            }
        case .settle:
            guard let count = reply.count, list.countIsProvisional else { return }
            list.settle(count: count, pageHeight: pageHeight)
        }
    }
}
