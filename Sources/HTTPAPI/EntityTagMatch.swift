import OCI

/// `If-None-Match` against a strong entity tag (RFC 9110 §13.1.2): true when the client
/// already holds the representation, so a GET or HEAD answers 304. Content-addressed bodies
/// never change under their tag. Pure.
enum EntityTagMatch {
    static func matches(ifNoneMatch header: String?, tag: String) -> Bool {
        guard let header else { return false }
        let opaque = Self.opaque(tag)
        for candidate in header.split(separator: ",") {
            let value = candidate.trimmingWhitespace()
            if value == "*" { return true }
            // The weak comparison If-None-Match uses: W/ prefixes do not matter.
            if Self.opaque(String(value)) == opaque { return true }
        }
        return false
    }

    private static func opaque(_ tag: String) -> Substring {
        var value = Substring(tag)
        if value.hasPrefix("W/") { value = value.dropFirst(2) }
        return value
    }
}
