import HTTPTypes
import Hummingbird
import OCI
import Metadata
import Registry

/// `POST /v2/<name>/blobs/uploads/` and `GET`/`PATCH`/`PUT`/`DELETE` on an upload.
struct UploadController: Sendable {
    let services: RegistryServices
    let origin: PublicOrigin

    func start(_ name: RepositoryName, request: Request, base: String?, caller: RegistryCaller) async throws -> Response {
        let query = request.uri.queryParameters
        if let mount = query["mount"] {
            let digest = try Digest(parsing: String(mount))
            let mounted: Bool
            if let from = query["from"] {
                mounted = try await services.blobs.mount(digest, from: try RepositoryName(String(from)), into: name)
            } else {
                mounted = try await services.blobs.mountAnywhere(digest, into: name, readableBy: caller.mayPull)
            }
            if mounted { return created(name, digest: digest, base: base) }
        } else if let digest = query["digest"] {
            let digest = try Digest(parsing: String(digest))
            let blob = try await services.uploads.monolithic(
                in: name, owner: caller.principal, digest: digest, contentLength: contentLength(request), body: request.body
            )
            return created(name, digest: blob.digest, base: base)
        }
        let status = try await services.uploads.start(in: name, owner: caller.principal)
        return progress(name, status, code: .accepted, base: base)
    }

    func status(_ name: RepositoryName, id: String, base: String?) async throws -> Response {
        progress(name, try await services.uploads.status(id, in: name), code: .noContent, base: base)
    }

    func append(_ name: RepositoryName, id: String, request: Request, base: String?) async throws -> Response {
        let status = try await services.uploads.append(
            id, in: name, contentRange: try contentRange(request), contentLength: contentLength(request), body: request.body
        )
        return progress(name, status, code: .accepted, base: base)
    }

    func finish(_ name: RepositoryName, id: String, request: Request, base: String?) async throws -> Response {
        guard let digestText = request.uri.queryParameters["digest"] else {
            throw RegistryError(.digestInvalid, detail: "closing an upload needs the digest query parameter")
        }
        let digest = try Digest(parsing: String(digestText))
        let blob = try await services.uploads.finish(
            id, in: name, digest: digest, contentRange: try contentRange(request),
            contentLength: contentLength(request), body: request.body
        )
        return created(name, digest: blob.digest, base: base)
    }

    func cancel(_ name: RepositoryName, id: String) async throws -> Response {
        try await services.uploads.cancel(id, in: name)
        return Response(status: .noContent, headers: [.contentLength: "0"])
    }

    private func created(_ name: RepositoryName, digest: Digest, base: String?) -> Response {
        Response(
            status: .created,
            headers: [
                .location: origin.location("/v2/\(name)/blobs/\(digest)", base: base), .dockerContentDigest: digest.description, .contentLength: "0",
            ]
        )
    }

    private func progress(_ name: RepositoryName, _ status: UploadStatus, code: HTTPResponse.Status, base: String?) -> Response {
        Response(
            status: code,
            headers: [
                .location: origin.location("/v2/\(name)/blobs/uploads/\(status.id)", base: base), .range: status.rangeHeader,
                .dockerUploadUUID: status.id, .contentLength: "0",
            ]
        )
    }

    private func contentRange(_ request: Request) throws -> ContentRange? {
        try request.headers[.contentRange].map { header throws(RegistryError) in try ContentRange(parsing: header) }
    }

    private func contentLength(_ request: Request) -> Int64? {
        request.headers[.contentLength].flatMap { Int64($0) }
    }
}
