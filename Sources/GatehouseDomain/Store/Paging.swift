import Foundation

/// A sort position: the value of the sort column and the id that breaks ties.
/// Lists page by keyset (`WHERE (key, id) > (?, ?) LIMIT n`), which costs the same at any depth.
public struct PageCursor: Hashable, Sendable {
    public enum Key: Hashable, Sendable {
        case text(String)
        case number(Double)
        case integer(Int64)
    }

    public let key: Key
    public let id: String

    public init(key: Key, id: String) {
        self.key = key
        self.id = id
    }
}

/// Which page of a list to fetch.
public struct PageRequest: Hashable, Sendable {
    public enum Anchor: Hashable, Sendable {
        /// The first rows in sort order.
        case first
        /// The last rows in sort order (the `End` key).
        case last
        case after(PageCursor)
        /// At or after the cursor: reloading a window in place, even if its first row is gone.
        case from(PageCursor)
        case before(PageCursor)
    }

    public var anchor: Anchor
    public var limit: Int

    public init(_ anchor: Anchor = .first, limit: Int = 50) {
        self.anchor = anchor
        self.limit = max(1, min(limit, 1_000))
    }

    public static func first(_ limit: Int = 50) -> PageRequest { PageRequest(.first, limit: limit) }
}

public struct PageEntry<Item: Sendable>: Sendable {
    public let item: Item
    public let cursor: PageCursor

    public init(item: Item, cursor: PageCursor) {
        self.item = item
        self.cursor = cursor
    }
}

/// Rows in display order, with the cursors to fetch what comes before and after.
public struct Page<Item: Sendable>: Sendable {
    public let entries: [PageEntry<Item>]
    /// False when the page ends at the last row of the list.
    public let hasMoreAfter: Bool
    /// False when the page begins at the first row of the list.
    public let hasMoreBefore: Bool

    public init(entries: [PageEntry<Item>], hasMoreAfter: Bool, hasMoreBefore: Bool) {
        self.entries = entries
        self.hasMoreAfter = hasMoreAfter
        self.hasMoreBefore = hasMoreBefore
    }

    public var items: [Item] { entries.map(\.item) }
    public var firstCursor: PageCursor? { entries.first?.cursor }
    public var lastCursor: PageCursor? { entries.last?.cursor }

    public func map<T: Sendable>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(entries: try entries.map { PageEntry(item: try transform($0.item), cursor: $0.cursor) },
                hasMoreAfter: hasMoreAfter, hasMoreBefore: hasMoreBefore)
    }
}

/// How many rows a list has, for its "12 of 3,400" counter. Counting every match of a broad
/// filter over a million rows costs a scan, so a list may be counted only up to a cap: past it
/// the count is a lower bound ("10,000+"), which is all a screen needs to show.
public struct ListCount: Hashable, Sendable {
    /// The number of rows; when `isExact` is false, the list has more than this.
    public let value: Int
    public let isExact: Bool

    public init(_ value: Int, isExact: Bool = true) {
        self.value = value
        self.isExact = isExact
    }

    public static func exact(_ value: Int) -> ListCount { ListCount(value) }

    /// The cap the console counts to.
    public static let defaultCap = 10_000

    /// From counting at most `cap + 1` rows: more than `cap` becomes "`cap`+".
    public static func counted(_ rows: Int, cap: Int) -> ListCount {
        rows > cap ? ListCount(cap, isExact: false) : ListCount(rows)
    }
}
