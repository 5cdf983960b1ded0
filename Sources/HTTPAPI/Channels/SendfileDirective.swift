/// The internal header value telling `SendfileHandler` which bytes of which file form the
/// response body: `<start> <length> <path>` (the path last, so it may contain spaces).
public struct SendfileDirective: Sendable, Equatable {
    public let path: String
    public let range: Range<Int64>

    public init(path: String, range: Range<Int64>) {
        self.path = path
        self.range = range
    }

    public var headerValue: String { "\(range.lowerBound) \(range.count) \(path)" }

    public init?(headerValue: String) {
        let parts = headerValue.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let start = Int64(parts[0]), let length = Int64(parts[1]), start >= 0, length >= 0,
            case (let end, false) = start.addingReportingOverflow(length), parts[2].first == "/"
        else { return nil }
        self.init(path: String(parts[2]), range: start..<end)
    }
}
