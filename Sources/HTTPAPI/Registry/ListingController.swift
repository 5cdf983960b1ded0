import HTTPTypes
import Hummingbird
import NIOCore
import OCI
import Registry

/// `GET /v2/<name>/tags/list`, `GET /v2/_catalog` and `GET /v2/<name>/referrers/<digest>`.
struct ListingController: Sendable {
    let services: RegistryServices

    private struct ReferrersIndex: Encodable {
        let schemaVersion = 2
        let mediaType = MediaType.ociIndex
        let manifests: [Descriptor]
    }

    func tags(_ name: RepositoryName, request: Request) async throws -> Response {
        let page = try pageRequest(request)
        let result = try await services.listings.tags(in: name, page: page)
        let headers = link(path: "/v2/\(name)/tags/list", limit: page.limit, next: result.next)
        return json(ListingJSON.tagList(name: name.value, tags: result.items.map(\.value)), headers: headers)
    }

    func catalog(_ request: Request) async throws -> Response {
        let page = try pageRequest(request)
        let result = try await services.listings.repositories(page: page)
        let headers = link(path: "/v2/_catalog", limit: page.limit, next: result.next)
        return json(ListingJSON.catalog(result.items.map(\.value)), headers: headers)
    }

    func referrers(_ name: RepositoryName, digest: Digest, request: Request) async throws -> Response {
        let artifactType = request.uri.queryParameters["artifactType"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let descriptors = try await services.listings.referrers(of: digest, in: name, artifactType: artifactType)
        var headers: HTTPFields = [:]
        if artifactType != nil { headers[.ociFiltersApplied] = "artifactType" }
        return try JSONEncoding.response(ReferrersIndex(manifests: descriptors), contentType: MediaType.ociIndex, headers: headers)
    }

    private func json(_ body: ByteBuffer, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    private func pageRequest(_ request: Request) throws -> PageRequest {
        let query = request.uri.queryParameters
        return try PageRequest(n: query["n"].map(String.init), last: query["last"].map(String.init))
    }

    private func link(path: String, limit: Int, next: String?) -> HTTPFields {
        guard let next else { return [:] }
        return [.link: LinkHeader.next(path: path, limit: limit, last: next)]
    }
}
