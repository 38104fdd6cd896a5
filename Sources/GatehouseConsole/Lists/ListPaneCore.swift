import GatehouseDomain
import TerminalKit

/// The part every list pane shares: a paged list, the `/` filter, the table, the empty state.
/// A pane supplies its query (as `count` and `fetch`), its columns and how an item reads.
struct ListPaneCore<Item: Sendable> {
    var list = PagedList<Item>()
    var filter = FilterBar()
    var columns: [TableColumn]
    var sort: TableSort?
    var emptyMessage: String
    /// Shown instead of rows when the query failed (e.g. no permission to read the audit log).
    var loadError: String?
    /// The filter the rows were found with, when it is not the text typed (Audit keeps the last
    /// filter that parsed while the text does not); nil: the typed text.
    var appliedFilterText: String?

    init(columns: [TableColumn], sort: TableSort? = nil, emptyMessage: String) {
        self.columns = columns
        self.sort = sort
        self.emptyMessage = emptyMessage
    }

    enum KeyResult {
        case handled
        /// The filter text changed: the pane rebuilds its query and reloads.
        case filterChanged
        /// Typing the filter ended (Enter, an arrow, Tab): the counter is shown again.
        case filterFinished
        case activated(Item)
        case ignored
    }

    static func tableArea(_ area: Rect) -> Rect {
        Rect(x: area.x, y: area.y + 1, width: area.width, height: max(0, area.height - 1))
    }

    static func pageHeight(_ area: Rect) -> Int { Table.bodyHeight(for: tableArea(area)) }

    var capturesText: Bool { filter.isEditing }

    mutating func handle(_ key: Key, area: Rect, fetch: PagedList<Item>.Fetch, exactCount: PagedList<Item>.ExactCount? = nil) -> KeyResult {
        if filter.isEditing {
            switch filter.handle(key) {
            case .changed: return .filterChanged
            case .finished, .cancelled: return .filterFinished
            case .ignored: return .handled
            }
        }
        if key == .character("/") {
            filter.begin()
            return .handled
        }
        // Esc clears a kept filter first (k9s, lazygit); the next Esc goes back.
        if key == .escape, !filter.text.isEmpty {
            filter.clear()
            return .filterChanged
        }
        do {
            switch try list.handle(key, pageHeight: Self.pageHeight(area), fetch: fetch, exactCount: exactCount) {
            case .moved, .unchanged: return .handled
            case .activated:
                if let item = list.selected { return .activated(item) }
                return .handled
            case .ignored: return .ignored
            }
        } catch {
            loadError = error.description
            return .handled
        }
    }

    /// Reloads from the top. While the filter is being typed the counter is not on screen, so
    /// the count waits (`settleCount`): a capped count of a broad token match costs ~35 ms at a
    /// million tokens, several times the first page.
    mutating func reload(area: Rect, count: () throws(GatehouseError) -> ListCount, fetch: PagedList<Item>.Fetch) {
        do {
            try list.reload(count: filter.isEditing ? nil : count(), pageHeight: Self.pageHeight(area), fetch: fetch)
            loadError = nil
        } catch {
            loadError = error.description
        }
    }

    /// Counts a list whose count waited while the filter was typed.
    mutating func settleCount(area: Rect, count: () throws(GatehouseError) -> ListCount) {
        guard list.countIsProvisional, loadError == nil else { return }
        do {
            list.settle(count: try count(), pageHeight: Self.pageHeight(area))
        } catch {
            loadError = error.description
        }
    }

    mutating func refresh(area: Rect, count: () throws(GatehouseError) -> ListCount, fetch: PagedList<Item>.Fetch,
                          exactCount: PagedList<Item>.ExactCount? = nil) {
        do {
            try list.refresh(count: count(), pageHeight: Self.pageHeight(area), fetch: fetch, exactCount: exactCount)
            loadError = nil
        } catch {
            loadError = error.description
        }
    }

    /// "12 of 3,400" (or "12 of 10,000+" when the count stopped at its cap) plus the filter, for the title row.
    func summary(extra: [String]) -> String {
        var parts = ["\(list.count == 0 ? 0 : list.selectedIndex + 1) of \(Format.count(list.count))\(list.countIsExact ? "" : "+")"]
        let applied = appliedFilterText ?? filter.text
        if !applied.isEmpty { parts.append("filter \u{201C}\(applied)\u{201D}") }
        parts += extra
        return parts.joined(separator: " \u{00B7} ")
    }

    func render(
        into buffer: inout Buffer, area: Rect, theme: Theme, title: String, summaryExtra: [String] = [],
        row: (Item) -> [CellText]
    ) {
        filter.render(into: &buffer, area: area.row(0), theme: theme, title: title, summary: summary(extra: summaryExtra))
        let tableArea = Self.tableArea(area)
        if let loadError {
            let lines = TextWrap.wrap(loadError, width: max(1, tableArea.width - 4))
            for (index, line) in lines.enumerated() where index + 1 < tableArea.height {
                buffer.put(line, x: tableArea.x + 2, y: tableArea.y + 1 + index, style: theme[.errorText])
            }
            return
        }
        let pageHeight = Table.bodyHeight(for: tableArea)
        let visible = list.visibleItems(pageHeight: pageHeight)
        let cells = visible.map { entry in entry.item.map(row) ?? [] }
        let applied = appliedFilterText ?? filter.text
        let table = Table(columns: columns, sort: sort, emptyMessage: applied.isEmpty ? emptyMessage : "Nothing matches \u{201C}\(applied)\u{201D}. Esc clears the filter.")
        let source = TablePage(rowCount: list.count, firstRow: visible.first?.index ?? 0,
                               rows: cells.map { $0.map(\.text) }, roles: cells.map { $0.map(\.role) })
        table.render(into: &buffer, area: tableArea, theme: theme, state: list.state, source: source)
    }
}

/// One table cell: text, and optionally a role that colors it (status, expiry).
struct CellText: ExpressibleByStringLiteral {
    let text: String
    let role: Role?

    init(_ text: String, _ role: Role? = nil) {
        self.text = text
        self.role = role
    }

    init(stringLiteral value: String) { self.init(value) }
}

/// Number and text formats of the console.
enum Format {
    static func count(_ value: Int) -> String {
        var digits = String(value)
        var result = ""
        while digits.count > 3 {
            result = "," + digits.suffix(3) + result
            digits.removeLast(3)
        }
        return digits + result
    }
}

/// Counts a list pane's rows: up to a cap (`ListCount.defaultCap` for the counter), or exactly (nil).
typealias ListCounter = (_ cap: Int?) throws(GatehouseError) -> ListCount

/// A pane whose body is a `ListPaneCore`. The pane supplies its query (`fetch`, `counter`) and
/// what Enter opens; loading, the shared keys and the filter's footer live here, once.
protocol ListPane: ConsoleScreen {
    associatedtype Item: Sendable
    var core: ListPaneCore<Item> { get set }
    func fetch(_ environment: ConsoleEnvironment) -> PagedList<Item>.Fetch
    /// Counts the list: up to the cap given (`ListCount`), or exactly when it is nil.
    func counter(_ environment: ConsoleEnvironment) -> ListCounter
    /// What Enter on a row does.
    func open(_ item: Item, _ environment: ConsoleEnvironment) -> [ConsoleAction]
    /// Recomputes what the query depends on, before every (re)load.
    mutating func willLoad(_ environment: ConsoleEnvironment)
}

extension ListPane {
    var capturesText: Bool { core.capturesText }

    mutating func willLoad(_ environment: ConsoleEnvironment) {}

    /// Starts over at the top: a new filter, sort or scope.
    mutating func reload(_ environment: ConsoleEnvironment) {
        willLoad(environment)
        let counter = counter(environment)
        core.reload(area: environment.contentArea, count: { () throws(GatehouseError) in try counter(ListCount.defaultCap) }, fetch: fetch(environment))
    }

    mutating func keepFilter(_ text: String, _ environment: ConsoleEnvironment) -> Bool {
        core.filter.keep(text)
        reload(environment)
        return true
    }

    /// Reloads in place after a change elsewhere.
    mutating func refresh(_ environment: ConsoleEnvironment) {
        willLoad(environment)
        let counter = counter(environment)
        core.refresh(area: environment.contentArea, count: { () throws(GatehouseError) in try counter(ListCount.defaultCap) }, fetch: fetch(environment),
                     exactCount: { () throws(GatehouseError) in try counter(nil).value })
    }

    /// Navigation, `/` and Enter; nil when the key is the pane's own.
    mutating func handleListKey(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        let counter = counter(environment)
        switch core.handle(key, area: environment.contentArea, fetch: fetch(environment),
                           exactCount: { () throws(GatehouseError) in try counter(nil).value }) {
        case .handled:
            return []
        case .filterChanged:
            reload(environment)
            return []
        case .filterFinished:
            core.settleCount(area: environment.contentArea, count: { () throws(GatehouseError) in try counter(ListCount.defaultCap) })
            return []
        case let .activated(item):
            return open(item, environment)
        case .ignored:
            return nil
        }
    }

    /// The footer while the filter is being typed, or nil.
    var filterEditingKeys: [ScreenKey]? {
        core.filter.isEditing ? [ScreenKey("Enter", "Keep filter"), ScreenKey("Esc", "Clear filter")] : nil
    }
}
