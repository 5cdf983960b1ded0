import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The object operations the driver uses, one JSON API call each (rewrite may take several).
extension GCSClient {
    public struct ObjectInfo: Sendable, Equatable {
        public let size: Int64
        /// Seconds since 1970.
        public let updated: Double
        /// The version of the object's content, for requests that must not act on another.
        public let generation: String?
    }

    struct ObjectResource: Decodable {
        let name: String
        let size: String?
        let updated: String?
        let generation: String?

        var info: ObjectInfo {
            ObjectInfo(size: size.flatMap { Int64($0) } ?? 0, updated: updated.flatMap(GCSClient.seconds) ?? 0, generation: generation)
        }
    }

    /// RFC 3339 with or without fractional seconds.
    static func seconds(_ text: String) -> Double? {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: text) { return date.timeIntervalSince1970 }
        return ISO8601DateFormatter().date(from: text)?.timeIntervalSince1970
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: Response) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body.readableBytesView))
        } catch {
            throw GCSError(status: response.status, message: "an answer that is not the expected JSON: \(error)")
        }
    }

    public func metadata(_ name: String) async throws -> ObjectInfo {
        try decode(ObjectResource.self, try await perform(.GET, location.metadataURL(name))).info
    }

    /// The object's bytes in `range` (all when nil) as they arrive; 200 or 206.
    public func download(_ name: String, range: Range<Int64>?) async throws -> HTTPClientResponse {
        // No header for a read from byte 0: an empty object has no byte 0 to range over.
        var headers: [(String, String)] = []
        if let range {
            headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)"))
        }
        return try await stream(.GET, location.mediaURL(name), headers: headers)
    }

    /// One request for the whole object.
    public func upload(_ name: String, _ bytes: ByteBuffer) async throws {
        try await perform(.POST, location.uploadURL(name, type: "media"), headers: [("content-type", "application/octet-stream")], body: bytes)
    }

    /// Starts a resumable upload; its session URL takes the chunks.
    public func startSession(_ name: String) async throws -> String {
        let response = try await perform(
            .POST, location.uploadURL(name, type: "resumable"), headers: [("x-upload-content-type", "application/octet-stream")]
        )
        guard let session = response.headers.first(name: "location"), !session.isEmpty else {
            throw GCSError(status: response.status, message: "a resumable upload started without a session URL")
        }
        return session
    }

    /// Sends bytes at `offset` of a session; with `total`, the last ones. Returns the bytes
    /// the service holds after a non-final chunk (it may keep fewer than were sent), nil
    /// when the object is complete.
    public func putChunk(_ session: String, _ bytes: ByteBuffer, offset: Int64, total: Int64?) async throws -> Int64? {
        let length = Int64(bytes.readableBytes)
        let range = length == 0 ? "bytes */\(total.map(String.init) ?? "*")" : "bytes \(offset)-\(offset + length - 1)/\(total.map(String.init) ?? "*")"
        // Not sent again blindly: after an unknown outcome the writer asks the session first.
        let response = try await perform(
            .PUT, session, headers: [("content-type", "application/octet-stream"), ("content-range", range)],
            body: length == 0 ? nil : bytes, accepted: [200, 201, 308], retries: false
        )
        return Self.held(response)
    }

    /// What a session holds, asked after a chunk's outcome was lost; nil when it is complete.
    /// (fake-gcs-server completes the upload instead; the tests never lose an answer.)
    public func sessionStatus(_ session: String) async throws -> Int64? {
        Self.held(try await perform(.PUT, session, headers: [("content-range", "bytes */*")], accepted: [200, 201, 308]))
    }

    /// A 308's `Range: bytes=0-<last>` as a byte count (0 without the header); nil for a
    /// complete upload.
    static func held(_ response: Response) -> Int64? {
        guard response.status == 308 else { return nil }
        guard let held = response.headers.first(name: "range"), let last = held.split(separator: "-").last.flatMap({ Int64($0) }) else {
            return 0
        }
        return last + 1
    }

    public struct Page: Sendable {
        public var names: [String] = []
        public var prefixes: [String] = []
        public var nextToken: String?
    }

    private struct ListAnswer: Decodable {
        let items: [ObjectResource]?
        let prefixes: [String]?
        let nextPageToken: String?
    }

    public func list(prefix: String, delimiter: String?, pageToken: String?, maxResults: Int? = nil) async throws -> Page {
        let response: Response
        do {
            response = try await perform(.GET, location.listURL(prefix: prefix, delimiter: delimiter, pageToken: pageToken, maxResults: maxResults))
        } catch let error as GCSError where error.status == 404 {
            // A listing of an absent prefix is empty: a 404 is the bucket's.
            throw GCSError(status: 404, message: "bucket does not exist: \(location.bucket) (\(error.message))")
        }
        let answer = try decode(ListAnswer.self, response)
        return Page(names: answer.items?.map(\.name) ?? [], prefixes: answer.prefixes ?? [], nextToken: answer.nextPageToken)
    }

    public func delete(_ name: String) async throws {
        try await perform(.DELETE, location.metadataURL(name))
    }

    private struct RewriteAnswer: Decodable {
        let done: Bool
        let rewriteToken: String?
    }

    /// A server-side copy; a large one across storage classes takes several calls.
    public func rewrite(from source: String, to destination: String) async throws {
        var token: String?
        while true {
            let answer = try decode(
                RewriteAnswer.self,
                try await perform(.POST, location.rewriteURL(from: source, to: destination, token: token), headers: [("content-type", "application/json")], body: ByteBuffer(string: "{}"))
            )
            if answer.done { return }
            guard let next = answer.rewriteToken, !next.isEmpty else {
                throw GCSError(status: 200, message: "a rewrite was not done and gave no token to continue")
            }
            token = next
        }
    }

    /// Concatenates up to 32 objects into `destination` (which may be one of them), atomically;
    /// with `generation`, only onto that version of `destination`: a retried compose whose
    /// first answer was lost fails (412) instead of appending twice. The sources are not pinned
    /// to a generation: the old one is gone after a compose, and a retry would get 404.
    public func compose(_ sources: [String], into destination: String, generation: String? = nil) async throws {
        struct Source: Encodable { let name: String }
        struct Destination: Encodable { let contentType: String }
        struct Request: Encodable {
            let sourceObjects: [Source]
            let destination: Destination
        }
        let objects = sources.map { Source(name: $0) }
        let body = try JSONEncoder().encode(Request(sourceObjects: objects, destination: Destination(contentType: "application/octet-stream")))
        let url = location.composeURL(destination) + (generation.map { "?ifGenerationMatch=" + GCSLocation.encoded($0) } ?? "")
        try await perform(.POST, url, headers: [("content-type", "application/json")], body: ByteBuffer(bytes: body))
    }
}
