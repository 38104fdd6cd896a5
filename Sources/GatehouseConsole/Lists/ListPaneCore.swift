import GatehouseDomain
import TerminalKit

/// The part every list pane shares: a paged list loaded by effects, the `/` filter, the table,
/// the empty state. A pane supplies its query (as a `ListSource`), its columns and how an item reads.
struct ListPaneCore<Item: Sendable> {
    var live = LiveList<Item>()
    var filter = FilterBar()
    var columns: [TableColumn]
    var sort: TableSort?
    var emptyMessage: String
    /// The filter the rows were found with, when it is not the text typed (Audit keeps the last
    /// filter that parsed while the text does not); nil: the typed text.
    var appliedFilterText: String?
    /// The table's widths for the rows last drawn (a cache shared by copies of this list: it is
    /// keyed by those rows).
    let widthMemo = TableWidthMemo()

    init(columns: [TableColumn], sort: TableSort? = nil, emptyMessage: String) {
        self.columns = columns
        self.sort = sort
        self.emptyMessage = emptyMessage
    }

    /// The rows loaded so far, the count and the selection.
    var list: PagedList<Item> { live.list }
    /// Shown instead of rows when the query failed (e.g. no permission to read the audit log).
    var loadError: String? { live.loadError }

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

    /// A key: the filter, or navigation (which only moves the selection; `nextLoad` fetches).
    mutating func handle(_ key: Key, area: Rect) -> KeyResult {
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
        switch live.move(key, pageHeight: Self.pageHeight(area)) {
        case .moved, .unchanged: return .handled
        case .activated:
            if let item = list.selected { return .activated(item) }
            return .handled
        case .ignored: return .ignored
        }
    }

    /// Reloads from the top. While the filter is being typed the counter is not on screen, so
    /// the count waits (`settleCount`): a capped count of a broad token match costs ~35 ms at a
    /// million tokens, several times the first page.
    mutating func reload() {
        live.countWaits = filter.isEditing
        live.reload()
    }

    /// The effect for what the list needs next (a reload, the page coming into view), if any.
    mutating func nextLoad(area: Rect, source: ListSource<Item>, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        live.countWaits = filter.isEditing
        return live.nextLoad(pageHeight: Self.pageHeight(area), source: source, environment)
    }

    /// An effect's answer; nil when it is not this list's.
    mutating func accept(_ value: any Sendable, area: Rect, source: ListSource<Item>, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        live.countWaits = filter.isEditing
        return live.accept(value, pageHeight: Self.pageHeight(area), source: source, environment)
    }

    /// "12 of 3,400" (or "12 of 10,000+" when the count stopped at its cap) plus the filter, for the title row.
    func summary(extra: [String]) -> String {
        var parts = [live.hasLoaded ? "\(Format.count(list.count == 0 ? 0 : list.selectedIndex + 1)) of \(Format.count(list.count))\(list.countIsExact ? "" : "+")" : "Loading\u{2026}"]
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
        // A row not loaded yet is a dim placeholder until its page arrives.
        let cells = visible.map { entry in entry.item.map(row) ?? [CellText("\u{2026}", .muted)] }
        let applied = appliedFilterText ?? filter.text
        let empty = !live.hasLoaded ? "Loading\u{2026}"
            : applied.isEmpty ? emptyMessage : "Nothing matches \u{201C}\(applied)\u{201D}. Esc clears the filter."
        let table = Table(columns: columns, sort: sort, emptyMessage: empty, widthMemo: widthMemo)
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

/// A pane whose body is a `ListPaneCore`. The pane supplies its query (`source`) and what Enter
/// opens; loading (as effects), the shared keys and the filter's footer live here, once.
protocol ListPane: ConsoleScreen {
    associatedtype Item: Sendable
    var core: ListPaneCore<Item> { get set }
    /// The query as it stands, as a value an effect can run off the main loop.
    func source(_ environment: ConsoleEnvironment) -> ListSource<Item>
    /// What Enter on a row does.
    func open(_ item: Item, _ environment: ConsoleEnvironment) -> [ConsoleAction]
    /// Recomputes what the query depends on, before every (re)load.
    mutating func willLoad(_ environment: ConsoleEnvironment)
}

extension ListPane {
    var capturesText: Bool { core.capturesText }
    var isLoading: Bool { core.live.isLoading }

    mutating func willLoad(_ environment: ConsoleEnvironment) {}

    /// Starts over at the top: a new filter, sort or scope. Returns the effect that reads it.
    mutating func restart(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        willLoad(environment)
        core.reload()
        return core.nextLoad(area: environment.contentArea, source: source(environment), environment)
    }

    mutating func load(_ environment: ConsoleEnvironment) -> [ConsoleAction] { restart(environment) }

    mutating func keepFilter(_ text: String, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        core.filter.keep(text)
        return restart(environment)
    }

    /// Reloads in place after a change elsewhere.
    mutating func refreshing(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        willLoad(environment)
        core.live.refresh()
        return core.nextLoad(area: environment.contentArea, source: source(environment), environment)
    }

    /// A list answer; nil when the value is not one of this list's.
    mutating func acceptListReply(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        guard case let .effect(value) = result else { return nil }
        return core.accept(value, area: environment.contentArea, source: source(environment), environment)
    }

    /// Navigation, `/` and Enter; nil when the key is the pane's own.
    mutating func handleListKey(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch core.handle(key, area: environment.contentArea) {
        case .handled:
            return core.nextLoad(area: environment.contentArea, source: source(environment), environment)
        case .filterChanged:
            return restart(environment)
        case .filterFinished:
            core.live.settleCount()
            return core.nextLoad(area: environment.contentArea, source: source(environment), environment)
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
