import GatehouseDomain
import TerminalKit

/// A list too long to load whole: its total count, and a window of loaded rows around what is
/// on screen, extended page by page by keyset as the selection moves. Moving by a row costs
/// nothing; crossing the window's edge costs one indexed query; End jumps by reading backwards.
struct PagedList<Item: Sendable> {
    typealias Fetch = (PageRequest) throws(GatehouseError) -> Page<Item>
    /// Counts the list exactly, when its count was capped and the exact one is needed (End).
    typealias ExactCount = () throws(GatehouseError) -> Int

    /// Rows kept in memory at most; the far side of the window is dropped beyond it.
    static var windowLimit: Int { 400 }

    /// The rows of the list; a lower bound when `countIsExact` is false ("10,000+").
    private(set) var count = 0
    private(set) var countIsExact = true
    /// Absolute index of `entries[0]`.
    private(set) var windowStart = 0
    private(set) var entries: [PageEntry<Item>] = []
    var state = ListState()

    var selectedIndex: Int { state.selectedIndex }

    func item(at index: Int) -> Item? {
        let local = index - windowStart
        return local >= 0 && local < entries.count ? entries[local].item : nil
    }

    var selected: Item? { count == 0 ? nil : item(at: state.selectedIndex) }

    /// Items currently in view, with their absolute indices, for rendering.
    func visibleItems(pageHeight: Int) -> [(index: Int, item: Item?)] {
        state.visibleRange(rowCount: count, pageHeight: pageHeight).map { ($0, item(at: $0)) }
    }

    /// Starts over at the top (a new filter or sort). With no count (while a filter is being
    /// typed, when the counter is not on screen) the first page stands in for it: exact when it
    /// came back short, else a lower bound until `settle(count:)`.
    mutating func reload(count: ListCount?, pageHeight: Int, fetch: Fetch) throws(GatehouseError) {
        state = ListState()
        let limit = pageHeight + Self.margin(pageHeight)
        let page = try fetch(PageRequest(.first, limit: limit))
        entries = page.entries
        windowStart = 0
        let count = count ?? ListCount(entries.count, isExact: entries.count < limit)
        self.count = count.value
        countIsExact = count.isExact
        countIsProvisional = !count.isExact && count.value == entries.count
    }

    /// True while the count is only the first page's length (see `reload`).
    private(set) var countIsProvisional = false

    /// The counted value, once the counter is about to be shown.
    mutating func settle(count: ListCount, pageHeight: Int) {
        self.count = max(count.value, min(self.count, windowStart + entries.count))
        countIsExact = count.isExact
        countIsProvisional = false
        state.clamp(rowCount: self.count, pageHeight: pageHeight)
    }

    /// Reloads in place after a change, keeping the selection where it was when possible.
    /// A capped count is replaced by the exact one when the selection is near or past the cap.
    mutating func refresh(count: ListCount, pageHeight: Int, fetch: Fetch, exactCount: ExactCount? = nil) throws(GatehouseError) {
        countIsProvisional = false
        if !count.isExact, let exactCount, max(state.selectedIndex, windowStart + entries.count) + 2 * max(1, pageHeight) >= count.value {
            self.count = try exactCount()
            countIsExact = true
        } else {
            self.count = count.value
            countIsExact = count.isExact
        }
        let count = self.count
        if windowStart > 0, let first = entries.first {
            let page = try fetch(PageRequest(.from(first.cursor), limit: max(entries.count, pageHeight + Self.margin(pageHeight))))
            entries = page.entries
            if windowStart + entries.count > count { windowStart = max(0, count - entries.count) }
        } else {
            // The window starts at the top: read the top again, so a row that now sorts before the
            // old first one (the newest audit event, a user named "Aaron") shows up.
            let page = try fetch(PageRequest(.first, limit: max(entries.count, pageHeight + Self.margin(pageHeight))))
            entries = page.entries
            windowStart = 0
        }
        state.clamp(rowCount: count, pageHeight: pageHeight)
        try ensureLoaded(pageHeight: pageHeight, fetch: fetch)
    }

    /// Navigation keys (j/k, arrows, PgUp/PgDn, g/G, Home/End); loads what comes into view.
    /// With a capped count, a key that may reach the end of the list (End, or a move within two
    /// pages of the cap) first asks for the exact count: once, and only when someone goes there.
    mutating func handle(_ key: Key, pageHeight: Int, fetch: Fetch, exactCount: ExactCount? = nil) throws(GatehouseError) -> ListOutcome {
        if !countIsExact, let exactCount, key == .end || key == .character("G") || state.selectedIndex + 2 * max(1, pageHeight) >= count {
            count = try exactCount()
            countIsExact = true
        }
        let outcome = state.handle(key, rowCount: count, pageHeight: pageHeight)
        if outcome == .moved { try ensureLoaded(pageHeight: pageHeight, fetch: fetch) }
        return outcome
    }

    /// Makes sure every row in view is in the window, fetching only what is missing.
    mutating func ensureLoaded(pageHeight: Int, fetch: Fetch) throws(GatehouseError) {
        let range = state.visibleRange(rowCount: count, pageHeight: pageHeight)
        guard !range.isEmpty else { return }
        let windowEnd = windowStart + entries.count
        if range.lowerBound >= windowStart && range.upperBound <= windowEnd { return }
        let margin = Self.margin(pageHeight)
        if let last = entries.last, range.lowerBound >= windowStart, range.lowerBound <= windowEnd + margin {
            let page = try fetch(PageRequest(.after(last.cursor), limit: range.upperBound - windowEnd + margin))
            entries += page.entries
        } else if let first = entries.first, range.upperBound <= windowEnd, range.upperBound >= windowStart - margin {
            let page = try fetch(PageRequest(.before(first.cursor), limit: windowStart - range.lowerBound + margin))
            entries = page.entries + entries
            windowStart -= page.entries.count
        } else if range.lowerBound > count / 2 {
            let page = try fetch(PageRequest(.last, limit: count - range.lowerBound + margin))
            entries = page.entries
            windowStart = max(0, count - entries.count)
        } else {
            // A jump far from the window toward the top: read from the start (bounded).
            let page = try fetch(PageRequest(.first, limit: min(range.upperBound + margin, 1_000)))
            entries = page.entries
            windowStart = 0
            if range.upperBound > entries.count { state.clamp(rowCount: entries.count, pageHeight: pageHeight) }
        }
        trim(keeping: range)
    }

    // MARK: Loading as effects (LiveList): plan a page here, fetch it off the main loop, merge it here

    /// How a fetched page joins the window.
    enum Merge: Sendable, Hashable {
        case append, prepend
        /// The window becomes the page, ending at the list's end (End, or a far jump down).
        case replaceAtEnd
        /// The window becomes the page, from the top (a far jump up).
        case replaceAtTop
    }

    /// The page the rows in view (and `prefetch` rows either side of them) still need, or nil when
    /// the window holds them. Asked after every move, so the next page is on its way before the
    /// selection reaches the window's edge.
    func missingPage(pageHeight: Int, prefetch: Int) -> (request: PageRequest, merge: Merge)? {
        let range = state.visibleRange(rowCount: count, pageHeight: pageHeight)
        guard !range.isEmpty else { return nil }
        let windowEnd = windowStart + entries.count
        let wantedStart = max(0, range.lowerBound - prefetch)
        let wantedEnd = min(count, range.upperBound + prefetch)
        if wantedStart >= windowStart && wantedEnd <= windowEnd { return nil }
        let margin = Self.margin(pageHeight)
        if let last = entries.last, range.lowerBound >= windowStart, range.lowerBound <= windowEnd + margin, wantedEnd > windowEnd {
            return (PageRequest(.after(last.cursor), limit: wantedEnd - windowEnd + margin), .append)
        }
        if let first = entries.first, range.upperBound <= windowEnd, range.upperBound >= windowStart - margin, wantedStart < windowStart {
            return (PageRequest(.before(first.cursor), limit: windowStart - wantedStart + margin), .prepend)
        }
        // Rows in view are in the window; only the prefetch side is short of the list's edge.
        if range.lowerBound >= windowStart && range.upperBound <= windowEnd { return nil }
        if range.lowerBound > count / 2 { return (PageRequest(.last, limit: count - range.lowerBound + margin), .replaceAtEnd) }
        return (PageRequest(.first, limit: min(range.upperBound + margin, 1_000)), .replaceAtTop)
    }

    /// Joins a page planned by `missingPage` (the window has not changed since: one load at a time).
    mutating func merge(_ page: Page<Item>, _ merge: Merge, pageHeight: Int) {
        switch merge {
        case .append:
            entries += page.entries
        case .prepend:
            entries = page.entries + entries
            windowStart = max(0, windowStart - page.entries.count)
        case .replaceAtEnd:
            entries = page.entries
            windowStart = max(0, count - entries.count)
        case .replaceAtTop:
            entries = page.entries
            windowStart = 0
        }
        let range = state.visibleRange(rowCount: count, pageHeight: pageHeight)
        if merge == .replaceAtTop, range.upperBound > entries.count { state.clamp(rowCount: entries.count, pageHeight: pageHeight) }
        trim(keeping: range)
    }

    /// A first page from a reload (new filter, sort, scope): the window and the selection start
    /// over at the top. `count` nil: the page stands in for it, as in `reload`.
    mutating func adopt(first page: Page<Item>, limit: Int, count: ListCount?) {
        state = ListState()
        entries = page.entries
        windowStart = 0
        let count = count ?? ListCount(entries.count, isExact: entries.count < limit)
        self.count = count.value
        countIsExact = count.isExact
        countIsProvisional = !count.isExact && count.value == entries.count
    }

    /// The request that reloads the window in place (`refresh`), without reading it.
    func refreshRequest(pageHeight: Int) -> PageRequest {
        let limit = max(entries.count, pageHeight + Self.margin(pageHeight))
        if windowStart > 0, let first = entries.first { return PageRequest(.from(first.cursor), limit: limit) }
        return PageRequest(.first, limit: limit)
    }

    /// How far down the selection or the window reaches, plus two pages: a refresh counts
    /// exactly when a capped count is below it (as `refresh` does).
    func refreshReach(pageHeight: Int) -> Int {
        max(state.selectedIndex, windowStart + entries.count) + 2 * max(1, pageHeight)
    }

    /// The window reloaded in place (`refreshRequest`'s page), keeping the selection where it was.
    mutating func adopt(refreshed page: Page<Item>, request: PageRequest, count: ListCount, pageHeight: Int) {
        countIsProvisional = false
        self.count = count.value
        countIsExact = count.isExact
        entries = page.entries
        if case .from = request.anchor {
            if windowStart + entries.count > count.value { windowStart = max(0, count.value - entries.count) }
        } else {
            windowStart = 0
        }
        state.clamp(rowCount: count.value, pageHeight: pageHeight)
    }

    /// An exact count, asked when the selection goes near a capped one.
    mutating func adopt(exactCount: Int, pageHeight: Int) {
        count = exactCount
        countIsExact = true
        countIsProvisional = false
        state.clamp(rowCount: count, pageHeight: pageHeight)
    }

    /// Moves the selection (navigation keys) without loading: `missingPage` says what to fetch.
    mutating func move(_ key: Key, pageHeight: Int) -> ListOutcome {
        state.handle(key, rowCount: count, pageHeight: pageHeight)
    }

    /// Whether a key may reach past a capped count (End, or a move within two pages of the cap):
    /// the exact count is asked first.
    func needsExactCount(for key: Key, pageHeight: Int) -> Bool {
        !countIsExact && (key == .end || key == .character("G") || state.selectedIndex + 2 * max(1, pageHeight) >= count)
    }

    private mutating func trim(keeping range: Range<Int>) {
        let excess = entries.count - Self.windowLimit
        guard excess > 0 else { return }
        let dropFront = min(excess, max(0, range.lowerBound - windowStart - 20))
        if dropFront > 0 {
            entries.removeFirst(dropFront)
            windowStart += dropFront
        }
        let stillExcess = entries.count - Self.windowLimit
        let dropBack = min(stillExcess, max(0, windowStart + entries.count - range.upperBound - 20))
        if dropBack > 0 { entries.removeLast(dropBack) }
    }

    static func margin(_ pageHeight: Int) -> Int { max(pageHeight, 20) }
}
