import HTTPTypes
import Hummingbird
import NIOCore
import OCI
import Metadata
import Registry

/// `GET`/`HEAD`/`PUT`/`DELETE /v2/<name>/manifests/<reference>`.
struct ManifestController: Sendable {
    let services: RegistryServices
    let origin: PublicOrigin

    func get(_ name: RepositoryName, reference: Reference, request: Request) async throws -> Response {
        let manifest = try await services.manifests.get(reference, in: name)
        let mediaType = manifest.record.mediaType
        guard ManifestNegotiation.accepts(request.headers[values: .accept], mediaType: mediaType) else {
            throw RegistryError(
                .manifestUnknown,
                detail: "manifest \(reference) is a \(mediaType), which the Accept header does not list"
            )
        }
        let tag = "\"\(manifest.record.digest)\""
        if EntityTagMatch.matches(ifNoneMatch: request.headers[.ifNoneMatch], tag: tag) {
            return Response(status: .notModified, headers: [.eTag: tag, .dockerContentDigest: manifest.record.digest.description])
        }
        let headers: HTTPFields = [
            .contentType: mediaType,
            .dockerContentDigest: manifest.record.digest.description,
            .eTag: "\"\(manifest.record.digest)\"",
            .contentLength: String(manifest.bytes.readableBytes),
        ]
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: manifest.bytes))
    }

    func put(_ name: RepositoryName, reference: Reference, request: Request, base: String?, caller: RegistryCaller) async throws -> Response {
        let limit = ManifestParser.maxSize
        let tooLarge = RegistryError(.manifestInvalid, detail: "manifest is larger than \(limit) bytes", status: 413)
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        let tags = try Self.tagParameters(request)
        let result = try await services.manifests.put(
            bytes, contentType: request.headers[.contentType], reference: reference, tags: tags, in: name,
            protection: caller.tagProtection
        )
        var headers: HTTPFields = [
            .location: origin.location("/v2/\(name)/manifests/\(result.digest)", base: base),
            .dockerContentDigest: result.digest.description,
            .contentLength: "0",
        ]
        if let subject = result.subject { headers[.ociSubject] = subject.description }
        if case .digest = reference, !result.tags.isEmpty {
            headers[.ociTag] = result.tags.map(\.value).joined(separator: ", ")
        }
        return Response(status: .created, headers: headers)
    }

    /// The `tag` query parameters of a push by digest; 414 past `maxTagsPerPush`, 400 for an
    /// invalid one (nothing is stored then).
    static func tagParameters(_ request: Request) throws -> [Tag] {
        let values = request.uri.queryParameters[values: "tag"]
        guard values.count <= ManifestService.maxTagsPerPush else {
            throw RegistryError(
                .tagInvalid, detail: "at most \(ManifestService.maxTagsPerPush) tag parameters per push", status: 414
            )
        }
        return try values.map { value throws(RegistryError) in try Tag(String(value)) }
    }

    func delete(_ name: RepositoryName, reference: Reference, caller: RegistryCaller) async throws -> Response {
        try await services.manifests.delete(reference, in: name, protection: caller.tagProtection)
        return Response(status: .accepted, headers: [.contentLength: "0"])
    }
}
