/// One page of a lexical listing; `next` is the `last` of the following page, if there is one.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let next: String?

    /// Builds a page from `limit + 1` fetched items: the extra one only tells that more exist.
    init(fetched: [Item], limit: Int, key: (Item) -> String) {
        if fetched.count > limit {
            items = Array(fetched.prefix(limit))
            next = items.last.map(key)
        } else {
            items = fetched
            next = nil
        }
    }
}
