import OCI

/// The routes of GitLab's registry API (`/gitlab/v1`, docs/spec/gitlab/api.md of GitLab's
/// registry), parsed from the path alone. Every route ends in `/`; one without it is redirected
/// there, as GitLab's strict-slash router does.
public enum GitLabRoute: Equatable, Sendable {
    case base
    case repository(RepositoryName)
    case tags(RepositoryName)
    case subRepositories(RepositoryName)
    /// A known route without its trailing slash: 301 to `location`.
    case redirect(String)

    static let prefix = "/gitlab/v1"

    /// Nil for paths outside `/gitlab/v1` and unknown routes under it; throws for an invalid name.
    public init?(path: String) throws(RegistryError) {
        guard path.hasPrefix(Self.prefix) else { return nil }
        let rest = String(path.dropFirst(Self.prefix.count))
        if rest.isEmpty {
            self = .redirect(path + "/")
            return
        }
        if rest == "/" {
            self = .base
            return
        }
        let slash = rest.hasSuffix("/")
        let trimmed = slash ? String(rest.dropLast()) : rest
        for (start, end, make) in Self.shapes {
            guard trimmed.hasPrefix(start), trimmed.hasSuffix(end), trimmed.count > start.count + end.count else { continue }
            let name = try RepositoryName(String(trimmed.dropFirst(start.count).dropLast(end.count)))
            self = slash ? make(name) : .redirect(path + "/")
            return
        }
        return nil
    }

    /// Path shapes, most specific first: `/repositories/<name>/tags/list` before `/repositories/<name>`.
    private static let shapes: [(String, String, @Sendable (RepositoryName) -> GitLabRoute)] = [
        ("/repositories/", "/tags/list", { .tags($0) }),
        ("/repository-paths/", "/repositories/list", { .subRepositories($0) }),
        ("/repositories/", "", { .repository($0) }),
    ]
}
