/// Media types the registry understands.
public enum MediaType {
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"
    public static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    public static let ociEmptyJSON = "application/vnd.oci.empty.v1+json"

    /// Manifest types a client may push and pull.
    public static let manifestTypes: Set<String> = [ociManifest, ociIndex, dockerManifest, dockerManifestList]

    /// Types whose `manifests` entries are child manifests.
    public static let indexTypes: Set<String> = [ociIndex, dockerManifestList]

    /// The essence of a `Content-Type`/`Accept` item: lowercased, parameters removed.
    public static func essence(_ value: Substring) -> String {
        let base = value.split(separator: ";", maxSplits: 1).first ?? ""
        return base.trimmingWhitespace().lowercased()
    }

    public static func essence(_ value: String) -> String { essence(Substring(value)) }

    /// RFC 6838 `type/subtype` with restricted-name characters, as OCI requires.
    public static func isValid(_ value: String) -> Bool {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.utf8.first, part.utf8.count <= 127, isAlnum(first) else { return false }
            return part.utf8.allSatisfy { isAlnum($0) || "!#$&^_.+-".utf8.contains($0) }
        }
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs (header values, list items).
    public func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
