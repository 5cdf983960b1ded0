import OCI
import Registry

/// Who is calling, as far as decisions beyond the route's own accesses need it: a name for
/// per-principal limits, and whether the caller may pull some other repository (the source of
/// an automatic mount). A digest is not a credential: a blob is taken from a repository only
/// when the caller may read that repository.
public struct RegistryCaller: Sendable {
    /// The token's subject, or the client address when nobody signed in.
    public let principal: String?
    /// The token's protected and immutable tag patterns for the repository the route names.
    public let tagProtection: TagProtection
    /// The token's `meta.project_path` claims by the name of the access entry that carries
    /// them (a rename's must be its path's own); nil without a token.
    public let projectPaths: [String: String]?
    private let pullCheck: @Sendable (RepositoryName) async throws -> Bool
    private let renameCheck: @Sendable (RepositoryName) async throws -> Bool

    public init(
        principal: String?, tagProtection: TagProtection = .none, projectPaths: [String: String]? = nil,
        mayRename: @escaping @Sendable (RepositoryName) async throws -> Bool = { _ in true },
        mayPull: @escaping @Sendable (RepositoryName) async throws -> Bool
    ) {
        self.principal = principal
        self.tagProtection = tagProtection
        self.projectPaths = projectPaths
        self.renameCheck = mayRename
        self.pullCheck = mayPull
    }

    /// Whether the caller may rename repositories it holds the scopes for to `target`: GitLab's
    /// tokens decide that in GitLab; where Wharf issues the tokens, only an administrator may,
    /// and only into a project (whose tag rules then govern the images), since a rename moves
    /// images out of a project past its rules.
    public func mayRename(into target: RepositoryName) async throws -> Bool {
        try await renameCheck(target)
    }

    public func mayPull(_ repository: RepositoryName) async throws -> Bool {
        try await pullCheck(repository)
    }

    /// An open registry: everyone may read everything, so automatic mounts take any blob.
    public static func open(address: String?) -> RegistryCaller {
        RegistryCaller(principal: address.map { "address:" + $0 }, mayPull: { _ in true })
    }
}
