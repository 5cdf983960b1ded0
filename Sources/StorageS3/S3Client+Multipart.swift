import NIOCore
import NIOHTTP1

/// Multipart uploads: how large objects are written in parts, and how an object is continued
/// (its bytes copied server-side as the first parts).
extension S3Client {
    public struct Part: Sendable, Equatable {
        public let number: Int
        public let etag: String
    }

    public func createMultipartUpload(_ key: String) async throws -> String {
        let response = try await perform(.POST, key: key, query: [("uploads", "")], headers: [("content-type", "application/octet-stream")])
        guard let id = response.xml?.value("UploadId") else {
            throw S3Error(status: 500, code: "MalformedResponse", message: "no UploadId in the answer", key: key)
        }
        return id
    }

    public func uploadPart(_ key: String, uploadId: String, number: Int, body: ByteBuffer) async throws -> Part {
        let response = try await perform(.PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)], body: body)
        guard let etag = response.headers.first(name: "etag") else {
            throw S3Error(status: 500, code: "MalformedResponse", message: "no ETag for part \(number)", key: key)
        }
        return Part(number: number, etag: etag)
    }

    /// A part copied from `range` of another object, on the server.
    public func uploadPartCopy(_ key: String, uploadId: String, number: Int, source: String, range: Range<Int64>) async throws -> Part {
        let response = try await perform(
            .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)],
            headers: [("x-amz-copy-source", copySource(source)), ("x-amz-copy-source-range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")]
        )
        if let error = Self.embeddedError(response, key: key) { throw error }
        guard let etag = response.xml?.value("ETag") else {
            throw S3Error(status: 500, code: "MalformedResponse", message: "no ETag for copied part \(number)", key: key)
        }
        return Part(number: number, etag: etag)
    }

    public func completeMultipartUpload(_ key: String, uploadId: String, parts: [Part]) async throws {
        let items = parts.map { "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(Self.escape($0.etag))</ETag></Part>" }.joined()
        let response = try await perform(
            .POST, key: key, query: [("uploadId", uploadId)], body: ByteBuffer(string: "<CompleteMultipartUpload>\(items)</CompleteMultipartUpload>")
        )
        if let error = Self.embeddedError(response, key: key) { throw error }
    }

    public func abortMultipartUpload(_ key: String, uploadId: String) async throws {
        try await perform(.DELETE, key: key, query: [("uploadId", uploadId)])
    }

    /// Multipart uploads begun and neither completed nor aborted, of keys under `prefix`.
    public func listMultipartUploads(prefix: String) async throws -> [(key: String, uploadId: String)] {
        var uploads: [(key: String, uploadId: String)] = []
        var markers: [(String, String)] = []
        while true {
            let response = try await perform(.GET, key: nil, query: [("uploads", ""), ("prefix", prefix)] + markers)
            guard let xml = response.xml else {
                throw S3Error(status: 500, code: "MalformedResponse", message: "the uploads list is not XML", key: prefix)
            }
            for upload in xml.all("Upload") {
                if let key = upload.value("Key"), let id = upload.value("UploadId") { uploads.append((key, id)) }
            }
            guard xml.value("IsTruncated") == "true", let key = xml.value("NextKeyMarker"), let id = xml.value("NextUploadIdMarker") else {
                return uploads
            }
            markers = [("key-marker", key), ("upload-id-marker", id)]
        }
    }

    /// A server-side copy of an object of any size: one CopyObject up to 5 GiB, parts beyond.
    public func copyLargeObject(from source: String, to destination: String, size: Int64) async throws {
        guard size > Self.maximumCopy else {
            try await copyObject(from: source, to: destination)
            return
        }
        let uploadId = try await createMultipartUpload(destination)
        do {
            var parts: [Part] = []
            for (index, range) in Self.copyRanges(size: size).enumerated() {
                parts.append(try await uploadPartCopy(destination, uploadId: uploadId, number: index + 1, source: source, range: range))
            }
            try await completeMultipartUpload(destination, uploadId: uploadId, parts: parts)
        } catch {
            try? await abortMultipartUpload(destination, uploadId: uploadId)
            throw error
        }
    }

    /// S3's limits: parts of 5 MiB to 5 GiB, except the last, which may be smaller.
    public static let minimumPart: Int64 = 5 << 20
    public static let maximumCopy: Int64 = 5 << 30

    /// `size` bytes cut into the fewest near-equal ranges of at most 5 GiB, so that every
    /// range is at least 5 MiB when `size` is.
    public static func copyRanges(size: Int64) -> [Range<Int64>] {
        evenRanges(0..<size, maximum: maximumCopy)
    }

    /// `range` cut into the fewest pieces of at most `maximum` bytes, their lengths differing by
    /// at most one byte (so no piece is left short).
    static func evenRanges(_ range: Range<Int64>, maximum: Int64) -> [Range<Int64>] {
        let length = range.upperBound - range.lowerBound
        guard length > 0 else { return [] }
        let count = (length + maximum - 1) / maximum
        let base = length / count
        let longer = length % count
        var start = range.lowerBound
        return (0..<count).map { index in
            let end = start + base + (index < longer ? 1 : 0)
            defer { start = end }
            return start..<end
        }
    }
}
