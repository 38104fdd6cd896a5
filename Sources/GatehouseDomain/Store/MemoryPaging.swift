/// Keyset paging over rows already in memory, with the semantics of the SQL stores' pages
/// (`PageRequest` anchors, `hasMoreBefore`/`hasMoreAfter`): for a store's default implementations.
public enum MemoryPaging {
    public static func page<Item: Sendable>(_ items: [Item], request: PageRequest, key: (Item) -> PageCursor.Key, id: (Item) -> String) -> Page<Item> {
        let entries = items.map { PageEntry(item: $0, cursor: PageCursor(key: key($0), id: id($0))) }
            .sorted { precedes($0.cursor, $1.cursor) }
        let limit = request.limit
        switch request.anchor {
        case .first:
            return Page(entries: Array(entries.prefix(limit)), hasMoreAfter: entries.count > limit, hasMoreBefore: false)
        case .last:
            return Page(entries: Array(entries.suffix(limit)), hasMoreAfter: false, hasMoreBefore: entries.count > limit)
        case let .after(cursor):
            let rest = entries.filter { precedes(cursor, $0.cursor) }
            return Page(entries: Array(rest.prefix(limit)), hasMoreAfter: rest.count > limit, hasMoreBefore: true)
        case let .from(cursor):
            let rest = entries.filter { !precedes($0.cursor, cursor) }
            return Page(entries: Array(rest.prefix(limit)), hasMoreAfter: rest.count > limit, hasMoreBefore: true)
        case let .before(cursor):
            let head = entries.filter { precedes($0.cursor, cursor) }
            return Page(entries: Array(head.suffix(limit)), hasMoreAfter: true, hasMoreBefore: head.count > limit)
        }
    }

    /// Sort order of cursors: by key, then by id.
    public static func precedes(_ a: PageCursor, _ b: PageCursor) -> Bool {
        switch (a.key, b.key) {
        case let (.text(x), .text(y)) where x != y: return x < y
        case let (.integer(x), .integer(y)) where x != y: return x < y
        case let (.number(x), .number(y)) where x != y: return x < y
        default: return a.id < b.id
        }
    }
}
