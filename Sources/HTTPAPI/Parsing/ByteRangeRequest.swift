import OCI

/// A `Range: bytes=...` request header against a blob of known size (RFC 9110 §14.1.2), one
/// range only. Pure: header and size in, the byte range or a 416 out.
public enum ByteRangeRequest {
    /// The range to send, nil for the whole blob (no header, or several ranges, which a server
    /// may answer in full). Throws `RANGE_INVALID` (416) when it is malformed or unsatisfiable.
    public static func resolve(_ header: String?, size: Int64) throws(RegistryError) -> Range<Int64>? {
        guard let header else { return nil }
        let text = Substring(header).trimmingWhitespace()
        guard text.hasPrefix("bytes=") else {
            throw invalid("only byte ranges are supported: \"\(header.prefix(80))\"", size: size)
        }
        let specs = text.dropFirst("bytes=".count).split(separator: ",")
        guard !specs.isEmpty else { throw invalid("empty byte range", size: size) }
        guard specs.count == 1 else { return nil }
        let spec = specs[0].trimmingWhitespace()
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw invalid("malformed range \"\(spec.prefix(80))\"", size: size) }
        if parts[0].isEmpty {
            guard let suffix = Int64(parts[1]), suffix > 0 else {
                throw invalid("malformed suffix range \"\(spec.prefix(80))\"", size: size)
            }
            guard size > 0 else { throw invalid("the blob is empty", size: size) }
            return max(size - suffix, 0)..<size
        }
        guard let start = Int64(parts[0]), start >= 0 else { throw invalid("malformed range \"\(spec.prefix(80))\"", size: size) }
        var end = size - 1
        if !parts[1].isEmpty {
            guard let last = Int64(parts[1]), last >= start else {
                throw invalid("malformed range \"\(spec.prefix(80))\"", size: size)
            }
            end = min(last, size - 1)
        }
        guard start < size else { throw invalid("range starts at \(start), past the end of \(size) bytes", size: size) }
        return start..<(end + 1)
    }

    private static func invalid(_ detail: String, size: Int64) -> RegistryError {
        RegistryError(.rangeInvalid, detail: detail + " (blob size \(size))")
    }
}
