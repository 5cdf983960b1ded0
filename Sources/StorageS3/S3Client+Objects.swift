import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Single-object operations and listings.
extension S3Client {
    public struct ObjectInfo: Sendable, Equatable {
        public let key: String
        public let size: Int64
        /// Seconds since 1970.
        public let modified: Double
        /// For the index of a file written by appends: the file's size (`S3SegmentIndex`).
        public var segmentedSize: Int64? = nil
    }

    public func headObject(_ key: String) async throws -> ObjectInfo {
        let response = try await perform(.HEAD, key: key)
        let size = response.headers.first(name: "content-length").flatMap { Int64($0) } ?? 0
        let modified = response.headers.first(name: "last-modified").flatMap(Self.httpDate) ?? 0
        return ObjectInfo(key: key, size: size, modified: modified, segmentedSize: Self.segmentedSize(response.headers))
    }

    static func segmentedSize(_ headers: HTTPHeaders) -> Int64? {
        headers.first(name: S3SegmentIndex.sizeHeader).flatMap { Int64($0) }
    }

    public func getObject(_ key: String) async throws -> ByteBuffer {
        try await perform(.GET, key: key).body
    }

    public func putObject(_ key: String, _ body: ByteBuffer, headers: [(String, String)] = []) async throws {
        try await perform(.PUT, key: key, headers: [("content-type", "application/octet-stream")] + headers, body: body)
    }

    public func deleteObject(_ key: String) async throws {
        try await perform(.DELETE, key: key)
    }

    /// Deletes up to 1,000 keys in one request; keys that do not exist are not an error.
    /// Throws the first key's failure.
    public func deleteObjects(_ keys: [String]) async throws {
        if let failure = try await deleteObjectsReportingFailures(keys).first?.value { throw failure }
    }

    /// Deletes up to 1,000 keys in one request (`DeleteObjects`, quiet mode: only failures
    /// are answered); returns the keys S3 could not delete, with its error for each.
    public func deleteObjectsReportingFailures(_ keys: [String]) async throws -> [String: S3Error] {
        guard !keys.isEmpty else { return [:] }
        let items = keys.map { "<Object><Key>\(Self.escape($0))</Key></Object>" }.joined()
        let body = ByteBuffer(string: "<Delete><Quiet>true</Quiet>\(items)</Delete>")
        let md5 = body.withUnsafeReadableBytes { Data(Insecure.MD5.hash(data: $0)) }.base64EncodedString()
        let response = try await perform(.POST, key: nil, query: [("delete", "")], headers: [("content-md5", md5)], body: body)
        // Quiet mode answers an empty DeleteResult when all went well: anything else is no
        // confirmation that anything was deleted.
        guard let result = response.xml, result.name == "DeleteResult" else {
            throw Self.embeddedError(response, key: keys[0])
                ?? S3Error(status: 502, code: "MalformedResponse", message: "DeleteObjects answered without a DeleteResult", key: keys[0])
        }
        var failures: [String: S3Error] = [:]
        for failed in result.all("Error") {
            let key = failed.value("Key") ?? ""
            let code = failed.value("Code") ?? "InternalError"
            failures[key] = S3Error(status: code == "AccessDenied" ? 403 : 500, code: code, message: failed.value("Message") ?? "", key: key)
        }
        return failures
    }

    /// A server-side copy of an object of at most 5 GiB.
    public func copyObject(from source: String, to destination: String) async throws {
        let response = try await perform(.PUT, key: destination, headers: [("x-amz-copy-source", copySource(source))])
        if let error = Self.embeddedError(response, key: destination) { throw error }
    }

    func copySource(_ key: String) -> String {
        "/" + SigV4Signer.encode(location.bucket) + "/" + SigV4Signer.encode(key, keepSlash: true)
    }

    public struct Listing: Sendable {
        public var objects: [ObjectInfo] = []
        /// Common prefixes, each ending with the delimiter.
        public var prefixes: [String] = []
        public var nextToken: String?
    }

    /// One page of ListObjectsV2.
    public func listObjects(prefix: String, delimiter: String?, maxKeys: Int = 1000, token: String? = nil) async throws -> Listing {
        var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys))]
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let token { query.append(("continuation-token", token)) }
        guard let xml = try await perform(.GET, key: nil, query: query).xml else {
            throw S3Error(status: 500, code: "MalformedResponse", message: "the list answer is not XML", key: prefix)
        }
        var listing = Listing()
        for item in xml.all("Contents") {
            guard let key = item.value("Key") else { continue }
            listing.objects.append(ObjectInfo(
                key: key, size: item.value("Size").flatMap { Int64($0) } ?? 0, modified: item.value("LastModified").flatMap(Self.isoDate) ?? 0
            ))
        }
        listing.prefixes = xml.all("CommonPrefixes").compactMap { $0.value("Prefix") }
        if xml.value("IsTruncated") == "true" { listing.nextToken = xml.value("NextContinuationToken") }
        return listing
    }

    /// Creates the bucket (tests and first runs against an empty server).
    public func createBucket() async throws {
        try await perform(.PUT, key: nil)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func httpDate(_ text: String) -> Double? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    static func isoDate(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
