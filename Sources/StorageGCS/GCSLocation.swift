import Foundation
import StorageDriver

/// Where a driver's objects are: the API's base URL, the bucket and the name prefix, and the
/// URLs of the JSON API for them. Object names are percent-encoded byte by byte, all but the
/// unreserved characters (`/` too), as Google's clients do: a raw `+` in a query means a space.
public struct GCSLocation: Sendable, Equatable {
    /// `https://storage.googleapis.com`, or an emulator's base URL.
    public let base: String
    public let bucket: String
    /// `rootdirectory` without its outer slashes, followed by one; empty for the bucket's root.
    public let prefix: String

    public static let production = "https://storage.googleapis.com"

    public init(base: String = GCSLocation.production, bucket: String, rootDirectory: String) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.bucket = bucket
        let root = rootDirectory.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        self.prefix = root.isEmpty ? "" : root + "/"
    }

    /// The object name of an absolute driver path; the root is the empty name.
    public func name(for path: String) throws(StorageDriverError) -> String {
        guard StoragePath.isValid(path) else { throw .invalidPath(path, driver: "gcs") }
        let relative = path.split(separator: "/").joined(separator: "/")
        return relative.isEmpty ? String(prefix.dropLast()) : prefix + relative
    }

    /// The driver path of an object name under the prefix.
    public func path(for name: String) -> String {
        "/" + (name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name)
    }

    /// The name prefix of everything under a directory's name (the root's is the prefix itself).
    public func directoryPrefix(_ name: String) -> String {
        name.isEmpty ? "" : name + "/"
    }

    var bucketPath: String { "/storage/v1/b/\(Self.encoded(bucket))" }

    public func metadataURL(_ name: String) -> String { base + bucketPath + "/o/" + Self.encoded(name) }

    public func mediaURL(_ name: String) -> String { metadataURL(name) + "?alt=media" }

    public func uploadURL(_ name: String, type: String) -> String {
        base + "/upload" + bucketPath + "/o?uploadType=\(type)&name=" + Self.encoded(name)
    }

    public func listURL(prefix: String, delimiter: String?, pageToken: String?, maxResults: Int? = nil) -> String {
        var query = ["prefix=" + Self.encoded(prefix)]
        if let delimiter { query.append("delimiter=" + Self.encoded(delimiter)) }
        if let pageToken { query.append("pageToken=" + Self.encoded(pageToken)) }
        if let maxResults { query.append("maxResults=\(maxResults)") }
        return base + bucketPath + "/o?" + query.joined(separator: "&")
    }

    public func rewriteURL(from source: String, to destination: String, token: String?) -> String {
        base + bucketPath + "/o/" + Self.encoded(source) + "/rewriteTo" + bucketPath.dropFirst("/storage/v1".count) + "/o/"
            + Self.encoded(destination) + (token.map { "?rewriteToken=" + Self.encoded($0) } ?? "")
    }

    public func composeURL(_ destination: String) -> String { metadataURL(destination) + "/compose" }

    /// Percent-encodes every byte of the UTF-8 form but `A-Z a-z 0-9 - . _ ~`.
    public static func encoded(_ text: String) -> String {
        // Only a string that is not UTF-16-valid fails; a Swift String always is.
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
