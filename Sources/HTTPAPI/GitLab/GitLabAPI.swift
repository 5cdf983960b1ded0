import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Metadata
import OCI
import Registry

/// GitLab's registry API, `/gitlab/v1`, as GitLab's Rails side calls it: the base probe,
/// repository details with sizes, the tag list with its filters, orders and `Link`, the
/// repositories under a path, and the rename of a project's repositories. Authorised by the
/// same tokens as `/v2`; the sizes of descendants need GitLab's `repository:<path>/*:pull`.
struct GitLabAPI: Sendable {
    let metadata: any MetadataStore
    let quotas: QuotaService
    let renamer: RepositoryRenamer
    /// `storage.maintenance.readonly`: a rename is a write.
    let readOnly: Bool
    let authorizer: any RegistryAuthorizer
    let version: String
    static let versionHeader = HTTPField.Name("Gitlab-Container-Registry-Version")!

    func respond(_ route: GitLabRoute, request: Request, origin: String, peer: String?) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            if case .repository(let name) = route, request.method == .patch {
                return try await rename(name, request: request, origin: origin, peer: peer)
            }
            throw RegistryError(.unsupported, detail: "\(request.method) is not supported here; allowed: GET, HEAD")
        }
        let query = request.uri.queryParameters
        switch route {
        case .redirect(let location):
            let target = request.uri.query.map { location + "?" + $0 } ?? location
            return Response(status: .movedPermanently, headers: [.location: target, Self.versionHeader: version])
        case .base:
            _ = try await authorizer.authorize(accesses: [], request: request, origin: origin, peer: peer)
            return try json(EmptyObject())
        case .repository(let name):
            let size = query["size"].map(String.init)
            guard size == nil || size == "self" || size == "self_with_descendants" else {
                throw RegistryError(
                    .invalidQueryParameterValue, detail: "the 'size' query parameter must be set to one of: self, self_with_descendants"
                )
            }
            var accesses = [ResourceAccess.repository(name.value, "pull")]
            if size == "self_with_descendants" { accesses.append(.repository(name.value + "/*", "pull")) }
            _ = try await authorizer.authorize(accesses: accesses, request: request, origin: origin, peer: peer)
            return try await repository(name, size: size)
        case .tags(let name):
            _ = try await authorizer.authorize(accesses: [.repository(name.value, "pull")], request: request, origin: origin, peer: peer)
            return try await tags(name, request: request)
        case .subRepositories(let name):
            let accesses = [ResourceAccess.repository(name.value, "pull"), .repository(name.value + "/*", "pull")]
            _ = try await authorizer.authorize(accesses: accesses, request: request, origin: origin, peer: peer)
            return try await subRepositories(name, request: request)
        }
    }

    func json<T: Encodable>(_ value: T, headers: HTTPFields = [:]) throws -> Response {
        var response = try JSONEncoding.response(value)
        response.headers[Self.versionHeader] = version
        for field in headers { response.headers.append(field) }
        return response
    }

    struct RepositoryView: Encodable {
        let name: String
        let path: String
        let sizeBytes: Int64?
        let sizePrecision: String?
        let createdAt: String?
        let lastPublishedAt: String?

        enum CodingKeys: String, CodingKey {
            case name, path, sizeBytes = "size_bytes", sizePrecision = "size_precision", createdAt = "created_at"
            case lastPublishedAt = "last_published_at"
        }
    }

    private func repository(_ name: RepositoryName, size: String?) async throws -> Response {
        let last = String(name.components.last ?? "")
        let details = try await metadata.repositoryDetails(name)
        var bytes: Int64?
        if size == "self" { bytes = details?.bytes }
        if size == "self_with_descendants" { bytes = try await quotas.usage(QuotaPath(name.value)).stored }
        guard let details else {
            // GitLab answers for a path with descendants but no repository of its own. Whether
            // anything exists is asked of the path itself, which the caller may read, never of
            // the namespace around it, which it may not.
            guard size == "self_with_descendants", try await !metadata.repositories(under: name.value, after: nil, limit: 1).isEmpty else {
                throw RegistryError(.nameUnknown, detail: "repository \(name) is not known")
            }
            return try json(RepositoryView(name: last, path: name.value, sizeBytes: bytes, sizePrecision: "default", createdAt: nil, lastPublishedAt: nil))
        }
        return try json(RepositoryView(
            name: last, path: name.value, sizeBytes: bytes, sizePrecision: size == nil ? nil : "default",
            createdAt: GitLabTimestamp.milliseconds(details.createdAt), lastPublishedAt: details.lastPublishedAt.map(GitLabTimestamp.milliseconds)
        ))
    }

    struct LeaseView: Encodable { let ttl: String }

    /// GitLab's rename: push and pull on the path, pull below it, push below the namespace of a
    /// move, and a token whose `meta.project_path`, on the path's own entry, is the path. The
    /// token is checked before the body is looked at.
    private func rename(_ name: RepositoryName, request: Request, origin: String, peer: String?) async throws -> Response {
        let base = [ResourceAccess.repository(name.value, "pull"), .repository(name.value, "push"), .repository(name.value + "/*", "pull")]
        var caller = try await authorizer.authorize(accesses: base, request: request, origin: origin, peer: peer)
        if readOnly {
            throw RegistryError(.unsupported, detail: "the registry is in read-only mode (storage.maintenance.readonly); reads work")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: GitLabRenameRequest.maxBodyBytes)
        } catch is HTTPError {
            throw RegistryError(.invalidBodyParameter, detail: "the body is larger than \(GitLabRenameRequest.maxBodyBytes) bytes")
        }
        let parsed = try GitLabRenameRequest(
            path: name, dryRun: request.uri.queryParameters["dry_run"].map(String.init), body: Array(buffer: body)
        )
        if let namespace = parsed.namespace {
            caller = try await authorizer.authorize(
                accesses: base + [.repository(namespace + "/*", "push")], request: request, origin: origin, peer: peer
            )
        }
        if let claims = caller.projectPaths {
            guard let path = claims[name.value] else {
                throw RegistryError(.unknownProjectPathClaim, detail: "the token's entry for \(name) has no meta.project_path claim")
            }
            guard path == name.value else {
                throw RegistryError(.mismatchProjectPathClaim, detail: "the token's meta.project_path is \(path), not \(name)")
            }
        }
        guard try await caller.mayRename(into: parsed.rename.target) else {
            throw RegistryError(
                .denied, detail: "where Wharf issues the tokens, renaming repositories needs an administrator's token and a project at \(parsed.rename.target)"
            )
        }
        guard let until = try await renamer.rename(parsed.rename, dryRun: parsed.dryRun) else {
            return Response(status: .noContent, headers: [Self.versionHeader: version])
        }
        var response = try json(LeaseView(ttl: GitLabTimestamp.milliseconds(until)))
        response.status = .accepted
        return response
    }

    struct TagView: Encodable {
        let name: String
        let digest: String
        let mediaType: String
        let sizeBytes: Int64
        let createdAt: String
        let publishedAt: String
        /// Only with `referrers=true`.
        let referrers: [ReferrerView]?

        enum CodingKeys: String, CodingKey {
            case name, digest, mediaType = "media_type", sizeBytes = "size_bytes", createdAt = "created_at", publishedAt = "published_at"
            case referrers
        }
    }

    struct ReferrerView: Encodable {
        let artifactType: String
        let digest: String
    }

    static let filterCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

    private func tags(_ name: RepositoryName, request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = try Self.pageSize(query["n"].map(String.init))
        let last = query["last"].map(String.init), before = query["before"].map(String.init)
        if last != nil && before != nil {
            throw RegistryError(.invalidQueryParameterValue, detail: "keys: [last before] are mutually exclusive")
        }
        let filter = query["name"].map(String.init)
        if let filter, filter.isEmpty || filter.count > 128 || !filter.allSatisfy(Self.filterCharacters.contains) {
            throw RegistryError(.invalidQueryParameterValue, detail: "the 'name' query parameter must match ^[a-zA-Z0-9._-]{1,128}$")
        }
        let exact = try query["name_exact"].flatMap { $0.isEmpty ? nil : $0 }.map { text throws(RegistryError) -> Tag in
            guard filter == nil else { throw RegistryError(.invalidQueryParameterValue, detail: "keys: [name name_exact] are mutually exclusive") }
            guard let tag = try? Tag(String(text)) else {
                throw RegistryError(.invalidQueryParameterValue, detail: "the 'name_exact' query parameter must be a valid tag name")
            }
            return tag
        }
        // As GitLab's registry reads them: anything but `true` is false; types are trimmed and
        // compared in lower case.
        let withReferrers = query["referrers"] == "true"
        let referrerTypes = query["referrer_type"].map {
            Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        }
        let sortText = query["sort"].map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "name"
        let descending = sortText.hasPrefix("-")
        guard let order = GitLabTagPage.Order(rawValue: String(sortText.dropFirst(descending ? 1 : 0))) else {
            throw RegistryError(.invalidQueryParameterValue, detail: "the 'sort' query parameter must be one of: name, -name, published_at, -published_at")
        }
        guard try await metadata.repositoryExists(name) else { throw RegistryError(.nameUnknown, detail: "repository \(name) is not known") }
        var all: [TagRecord] = []
        while true {
            let page = try await metadata.tagRecords(in: name, after: all.last?.tag.value, limit: 1000)
            all += page
            if page.count < 1000 { break }
        }
        if let exact { all = all.filter { $0.tag == exact } }
        let page = GitLabTagPage(all, order: order, descending: descending, nameFilter: filter, last: last, before: before, limit: limit)
        var views: [TagView] = []
        for record in page.tags {
            guard let manifest = try await metadata.manifest(.digest(record.digest), in: name) else { continue }
            let size = try await metadata.imageSize(record.digest, in: name) ?? manifest.size
            let time = GitLabTimestamp.milliseconds(record.pushedAt)
            var referrers: [ReferrerView]?
            if withReferrers {
                let found = try await metadata.referrers(of: record.digest, in: name, artifactType: nil).compactMap { descriptor -> ReferrerView? in
                    let type = descriptor.artifactType ?? descriptor.mediaType
                    guard referrerTypes.map({ $0.isEmpty || $0.contains(type.lowercased()) }) ?? true else { return nil }
                    return ReferrerView(artifactType: type, digest: descriptor.digest.description)
                }
                // Left out when there are none, as GitLab's registry does.
                referrers = found.isEmpty ? nil : found
            }
            views.append(TagView(
                name: record.tag.value, digest: record.digest.description, mediaType: manifest.mediaType, sizeBytes: size,
                createdAt: time, publishedAt: time, referrers: referrers
            ))
        }
        // One tag at most: no pages around it, so no `Link` (GitLab's rule).
        if exact != nil { return try json(views) }
        var links: [String] = []
        let path = request.uri.path
        var common: [(String, String)] = [("n", String(limit))]
        if let filter { common.append(("name", filter)) }
        if query["sort"] != nil { common.append(("sort", (descending ? "-" : "") + order.rawValue)) }
        if page.hasPrevious, let first = page.tags.first {
            links.append("<\(path)?\(Self.encode(common + [("before", page.marker(first))]))>; rel=\"previous\"")
        }
        if page.hasNext, let lastTag = page.tags.last {
            links.append("<\(path)?\(Self.encode(common + [("last", page.marker(lastTag))]))>; rel=\"next\"")
        }
        return try json(views, headers: links.isEmpty ? [:] : [.link: links.joined(separator: ", ")])
    }

    struct SubRepositoryView: Encodable {
        let name: String
        let path: String
        let createdAt: String

        enum CodingKeys: String, CodingKey { case name, path, createdAt = "created_at" }
    }

    private func subRepositories(_ name: RepositoryName, request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = try Self.pageSize(query["n"].map(String.init))
        // Known when something exists at or below the path the caller may read (GitLab asks
        // about the top-level namespace, which would tell a caller about projects it may not read).
        guard try await !metadata.repositories(under: name.value, after: nil, limit: 1).isEmpty else {
            throw RegistryError(.nameUnknown, detail: "nothing is known under \(name)")
        }
        let repositories = try await metadata.taggedRepositories(under: name.value, after: query["last"].map(String.init), limit: limit)
        var views: [SubRepositoryView] = []
        for repository in repositories {
            let created = try await metadata.repositoryDetails(repository)?.createdAt ?? 0
            views.append(SubRepositoryView(
                name: String(repository.components.last ?? ""), path: repository.value, createdAt: GitLabTimestamp.milliseconds(created)
            ))
        }
        var headers: HTTPFields = [:]
        if repositories.count == limit, let last = repositories.last {
            headers[.link] = "<\(request.uri.path)?\(Self.encode([("last", last.value), ("n", String(limit))]))>; rel=\"next\""
        }
        return try json(views, headers: headers)
    }

    /// `n`: 1 to 1,000, 100 when absent.
    static func pageSize(_ text: String?) throws(RegistryError) -> Int {
        guard let text else { return 100 }
        guard let value = Int(text) else {
            throw RegistryError(.invalidQueryParameterType, detail: "the 'n' query parameter value type must be one of: int")
        }
        guard (1...1000).contains(value) else {
            throw RegistryError(.invalidQueryParameterValue, detail: "the 'n' query parameter value must be between 1 and 1000")
        }
        return value
    }

    /// A query as Go's `url.Values.Encode` writes it: keys sorted, values escaped.
    static func encode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.sorted { $0.0 < $1.0 }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}
