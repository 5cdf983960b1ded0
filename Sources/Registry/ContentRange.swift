import OCI

/// The `Content-Range` of an upload chunk: `<start>-<end>` as the spec writes it, also
/// accepted as `bytes <start>-<end>[/<total>|/*]` as some clients send it. Both ends inclusive;
/// `end` stays below `Int64.max`, so `length` cannot overflow.
public struct ContentRange: Sendable, Equatable {
    public let start: Int64
    public let end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public var length: Int64 { end - start + 1 }

    public init(parsing header: String) throws(RegistryError) {
        var text = Substring(header).trimmingWhitespace()
        if text.hasPrefix("bytes ") { text = text.dropFirst("bytes ".count).trimmingWhitespace() }
        if text.hasPrefix("bytes=") { text = text.dropFirst("bytes=".count) }
        if let slash = text.firstIndex(of: "/") {
            let total = text[text.index(after: slash)...]
            guard total == "*" || Int64(total) != nil else { throw Self.invalid(header) }
            text = text[..<slash]
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int64(parts[0]), let end = Int64(parts[1]), start >= 0, end >= start, end < .max else {
            throw Self.invalid(header)
        }
        self.start = start
        self.end = end
    }

    private static func invalid(_ header: String) -> RegistryError {
        RegistryError(
            .rangeInvalid, detail: "Content-Range \"\(header.prefix(80))\" is not <start>-<end> with 0 <= start <= end < 2^63-1"
        )
    }
}
