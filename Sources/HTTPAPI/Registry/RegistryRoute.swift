import OCI

/// A `/v2/...` endpoint, parsed from the raw (still percent-encoded) path. Repository names
/// contain `/`, so the endpoint is recognised by its suffix and everything before it is the name.
public enum RegistryRoute: Sendable, Equatable {
    case base
    case catalog
    case tags(RepositoryName)
    case manifest(RepositoryName, Reference)
    /// A manifest path whose reference is neither a valid tag nor a valid digest: no manifest
    /// has that name (GET/HEAD answer 404 `MANIFEST_UNKNOWN`, as Distribution does), and a PUT
    /// or DELETE is refused with the parse error.
    case invalidManifestReference(RepositoryName, RegistryError)
    case blob(RepositoryName, Digest)
    case uploads(RepositoryName)
    case upload(RepositoryName, id: String)
    case referrers(RepositoryName, Digest)

    /// The route of `path`; nil when the path is not under `/v2`. Throws `NAME_INVALID`,
    /// `TAG_INVALID` or `DIGEST_INVALID` for a recognised endpoint with a bad part, and
    /// `UNSUPPORTED` (404) for a `/v2` path that names no endpoint.
    public init?(path: String) throws(RegistryError) {
        guard path == "/v2" || path.hasPrefix("/v2/") else { return nil }
        let rest = path.dropFirst(3)
        if rest.isEmpty || rest == "/" {
            self = .base
            return
        }
        if rest == "/_catalog" {
            self = .catalog
            return
        }
        let parts = rest.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        let count = parts.count
        func name(dropping suffix: Int) throws(RegistryError) -> RepositoryName {
            guard count > suffix else { throw Self.noEndpoint(path) }
            let text = parts[..<(count - suffix)].joined(separator: "/")
            if text.contains("%") {
                throw RegistryError(.nameInvalid, detail: "repository names cannot contain percent-encoded characters")
            }
            return try RepositoryName(text)
        }
        if count >= 3, parts[count - 3] == "blobs", parts[count - 2] == "uploads", parts[count - 1].isEmpty {
            self = .uploads(try name(dropping: 3))
        } else if count >= 2, parts[count - 2] == "blobs", parts[count - 1] == "uploads" {
            self = .uploads(try name(dropping: 2))
        } else if count >= 3, parts[count - 3] == "blobs", parts[count - 2] == "uploads" {
            self = .upload(try name(dropping: 3), id: String(parts[count - 1]))
        } else if count >= 2, parts[count - 2] == "tags", parts[count - 1] == "list" {
            self = .tags(try name(dropping: 2))
        } else if count >= 2, parts[count - 2] == "manifests" {
            let repository = try name(dropping: 2)
            do {
                self = .manifest(repository, try Reference(parsing: String(parts[count - 1])))
            } catch {
                self = .invalidManifestReference(repository, error)
            }
        } else if count >= 2, parts[count - 2] == "blobs" {
            let repository = try name(dropping: 2)
            self = .blob(repository, try Digest(parsing: String(parts[count - 1])))
        } else if count >= 2, parts[count - 2] == "referrers" {
            let repository = try name(dropping: 2)
            self = .referrers(repository, try Digest(parsing: String(parts[count - 1])))
        } else {
            throw Self.noEndpoint(path)
        }
    }

    /// The repository the route acts on, if any.
    public var repository: RepositoryName? {
        switch self {
        case .base, .catalog: nil
        case .tags(let name), .manifest(let name, _), .invalidManifestReference(let name, _), .blob(let name, _), .uploads(let name),
            .upload(let name, _),
            .referrers(let name, _):
            name
        }
    }

    /// The methods the endpoint answers, for `Allow` and 405s.
    public func allowedMethods(deleteEnabled: Bool) -> [String] {
        let delete = deleteEnabled ? ["DELETE"] : []
        switch self {
        case .base, .catalog, .tags, .referrers: return ["GET", "HEAD", "OPTIONS"]
        case .manifest, .invalidManifestReference: return ["GET", "HEAD", "PUT"] + delete + ["OPTIONS"]
        case .blob: return ["GET", "HEAD"] + delete + ["OPTIONS"]
        case .uploads: return ["POST", "OPTIONS"]
        case .upload: return ["GET", "PATCH", "PUT", "DELETE", "OPTIONS"]
        }
    }

    private static func noEndpoint(_ path: String) -> RegistryError {
        RegistryError(.unsupported, detail: "no registry endpoint at \(path.prefix(200))", status: 404)
    }
}
