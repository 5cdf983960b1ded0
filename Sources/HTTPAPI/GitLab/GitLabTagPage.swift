import Foundation
import Metadata
import OCI

/// One page of GitLab's tag list, pure: filter, order, bounds and the neighbours that decide
/// the `Link` header. Ordered by name, or by push time (ties by name), either way round.
struct GitLabTagPage {
    enum Order: String {
        case name, publishedAt = "published_at"
    }

    struct Key: Comparable {
        let time: Int64
        let name: String
        let byTime: Bool

        static func < (lhs: Key, rhs: Key) -> Bool {
            lhs.byTime && lhs.time != rhs.time ? lhs.time < rhs.time : lhs.name < rhs.name
        }

        /// Equal in the list's order: the name, and in the time order the time too.
        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.name == rhs.name && (!lhs.byTime || lhs.time == rhs.time)
        }
    }

    let order: Order
    let descending: Bool
    let tags: [TagRecord]
    let hasPrevious: Bool
    let hasNext: Bool

    /// `last` and `before` are exclusive bounds in the list's order: a tag name, or for the
    /// push-time order GitLab's marker, base64 of `<time>|<name>`.
    init(_ all: [TagRecord], order: Order, descending: Bool, nameFilter: String?, last: String?, before: String?, limit: Int) {
        self.order = order
        self.descending = descending
        let byTime = order == .publishedAt
        func key(_ record: TagRecord) -> Key {
            Key(time: Self.micros(record.pushedAt), name: record.tag.value, byTime: byTime)
        }
        var list = all.filter { nameFilter == nil || $0.tag.value.contains(nameFilter!) }
        list.sort { descending ? key($0) > key($1) : key($0) < key($1) }
        func after(_ bound: Key, _ record: TagRecord) -> Bool { descending ? key(record) < bound : key(record) > bound }
        /// A marker, or in the time order a plain tag name, which stands for that tag's place.
        func bound(_ marker: String) -> Key {
            if let decoded = Self.bound(marker, byTime: byTime) { return decoded }
            if let record = all.first(where: { $0.tag.value == marker }) { return key(record) }
            return Key(time: descending ? .max : .min, name: marker, byTime: byTime)
        }
        var start = 0
        var end = list.count
        if let last {
            let bound = bound(last)
            start = list.firstIndex { after(bound, $0) } ?? list.count
            end = min(list.count, start + limit)
        } else if let before {
            let bound = bound(before)
            end = list.firstIndex { after(bound, $0) || key($0) == bound } ?? list.count
            start = max(0, end - limit)
        } else {
            end = min(list.count, limit)
        }
        tags = Array(list[start..<end])
        hasPrevious = start > 0
        hasNext = end < list.count
    }

    static func micros(_ seconds: Double) -> Int64 { Int64((seconds * 1_000_000).rounded(.down)) }

    /// A marker for `record` in this order.
    func marker(_ record: TagRecord) -> String {
        guard order == .publishedAt else { return record.tag.value }
        let text = GitLabTimestamp.microseconds(record.pushedAt) + "|" + record.tag.value
        return Data(text.utf8).base64EncodedString()
    }

    /// A bound from a marker: in the name order the name itself; in the time order GitLab's
    /// base64 `<time>|<name>`, or nil when it is none (then it is a plain tag name).
    static func bound(_ marker: String, byTime: Bool) -> Key? {
        guard byTime else { return Key(time: 0, name: marker, byTime: false) }
        guard let data = Data(base64Encoded: marker), let text = String(data: data, encoding: .utf8),
            let bar = text.firstIndex(of: "|"), let time = GitLabTimestamp.parse(String(text[..<bar]))
        else { return nil }
        return Key(time: micros(time), name: String(text[text.index(after: bar)...]), byTime: true)
    }
}
