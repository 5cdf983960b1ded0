import HTTPTypes
import Hummingbird
import OCI
import Registry

/// `GET`/`HEAD`/`DELETE /v2/<name>/blobs/<digest>`.
struct BlobController: Sendable {
    let services: RegistryServices

    func get(_ name: RepositoryName, digest: Digest, request: Request) async throws -> Response {
        let content = try await services.blobs.content(digest, in: name)
        let range = try ByteRangeRequest.resolve(request.headers[.range], size: content.size)
        var headers: HTTPFields = [
            .contentType: "application/octet-stream",
            .dockerContentDigest: digest.description,
            .eTag: "\"\(digest)\"",
            .acceptRanges: "bytes",
            .cacheControl: "max-age=31536000",
        ]
        if [.get, .head].contains(request.method), EntityTagMatch.matches(ifNoneMatch: request.headers[.ifNoneMatch], tag: "\"\(digest)\"") {
            return Response(status: .notModified, headers: [.eTag: "\"\(digest)\"", .dockerContentDigest: digest.description])
        }
        let sent = range ?? 0..<content.size
        headers[.contentLength] = String(sent.count)
        let status: HTTPResponse.Status = range == nil ? .ok : .partialContent
        if let range { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(content.size)" }
        if request.method == .head || sent.isEmpty {
            return Response(status: status, headers: headers)
        }
        if request.headers[.wharfSendfileCapable] == SendfileHandler.marker, let file = content.localFilePath {
            headers[.wharfSendfile] = SendfileDirective(path: file, range: sent).headerValue
            return Response(status: status, headers: headers)
        }
        // The read starts before the head: a missing object or a storage outage is a 404 or
        // 503 now, never a 200 whose body does not come.
        let opened = try await content.open(range: range)
        let body = ResponseBody(contentLength: Int(sent.count)) { writer in
            try await writer.write(contentsOf: opened.first)
            while let chunks = try await opened.next() { try await writer.write(contentsOf: chunks) }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    func delete(_ name: RepositoryName, digest: Digest) async throws -> Response {
        try await services.blobs.delete(digest, in: name)
        return Response(status: .accepted, headers: [.contentLength: "0", .dockerContentDigest: digest.description])
    }
}
