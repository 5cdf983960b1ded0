/// Where a bucket's objects are addressed: the endpoint (AWS's regional one, or
/// `regionendpoint` for radosgw, MinIO, moto...), path style (`/<bucket>/<key>`) or virtual-host
/// style (`<bucket>.<host>/<key>`), and the key prefix (`rootdirectory`).
public struct S3Location: Sendable, Equatable {
    public let secure: Bool
    public let host: String
    public let port: Int?
    public let bucket: String
    public let pathStyle: Bool
    /// Prepended to every driver path, without slashes at either end; empty for the bucket root.
    public let prefix: String

    /// - Parameters:
    ///   - endpoint: `regionendpoint`, e.g. `http://127.0.0.1:9000`; nil means AWS in `region`.
    public init(endpoint: String?, region: String, bucket: String, pathStyle: Bool?, secure: Bool = true, rootDirectory: String = "") throws(S3ConfigurationError) {
        guard !bucket.isEmpty else { throw S3ConfigurationError("storage.s3.bucket is empty") }
        self.bucket = bucket
        self.prefix = rootDirectory.split(separator: "/").joined(separator: "/")
        if let endpoint, !endpoint.isEmpty {
            var rest = Substring(endpoint)
            var isSecure = secure
            if rest.hasPrefix("https://") {
                isSecure = true
                rest = rest.dropFirst(8)
            } else if rest.hasPrefix("http://") {
                isSecure = false
                rest = rest.dropFirst(7)
            }
            rest = rest.prefix { $0 != "/" }
            guard !rest.isEmpty else { throw S3ConfigurationError("storage.s3.regionendpoint \(endpoint) names no host") }
            if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]"), let number = Int(rest[rest.index(after: colon)...]) {
                host = String(rest[..<colon])
                port = number
            } else {
                host = String(rest)
                port = nil
            }
            self.secure = isSecure
            // S3-compatible servers are addressed by path unless told otherwise.
            self.pathStyle = pathStyle ?? true
        } else {
            host = "s3.\(region).amazonaws.com"
            port = nil
            self.secure = secure
            self.pathStyle = pathStyle ?? false
        }
    }

    /// The `Host` header value.
    public var hostHeader: String {
        let authority = pathStyle ? host : "\(bucket).\(host)"
        guard let port, port != (secure ? 443 : 80) else { return authority }
        return "\(authority):\(port)"
    }

    /// The object key of a driver path (`/docker/registry/v2/...`).
    public func key(for path: String) -> String {
        let relative = path.drop { $0 == "/" }
        if prefix.isEmpty { return String(relative) }
        return relative.isEmpty ? prefix : prefix + "/" + relative
    }

    /// The driver path of an object key this location produced.
    public func path(for key: String) -> String {
        let relative = prefix.isEmpty ? Substring(key) : key.dropFirst(prefix.count + 1)
        return "/" + relative
    }

    /// The encoded request path for `key` (nil: the bucket itself).
    public func encodedPath(for key: String?) -> String {
        let object = key.map { "/" + SigV4Signer.encode($0, keepSlash: true) } ?? (pathStyle ? "" : "/")
        return pathStyle ? "/" + SigV4Signer.encode(bucket) + object : object
    }

    /// The URL to send a request for `encodedPath` and an encoded query string to.
    public func url(encodedPath: String, query: String) -> String {
        "\(secure ? "https" : "http")://\(hostHeader)\(encodedPath)\(query.isEmpty ? "" : "?" + query)"
    }
}
