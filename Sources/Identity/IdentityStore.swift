/// Users, namespaces, projects, memberships and tokens: what `/jwt/auth` decides with.
/// Implementations keep each method one transaction and enforce unique names.
public protocol IdentityStore: Sendable {
    // MARK: Users

    /// Creates a user and its personal namespace (same path as the username).
    func createUser(username: String, passwordHash: String, isAdmin: Bool, now: Double) async throws -> User
    func user(named username: String) async throws -> User?
    func user(id: Int64) async throws -> User?
    func users() async throws -> [User]
    /// Saves a user's password hash, admin and blocked flags.
    func updateUser(_ user: User) async throws

    // MARK: Namespaces and projects

    /// Creates a group; a nested path needs its parent group to exist.
    func createGroup(path: String) async throws -> Namespace
    func namespace(path: String) async throws -> Namespace?
    func namespace(id: Int64) async throws -> Namespace?
    func namespaces() async throws -> [Namespace]
    /// Creates a project under the namespace its path names.
    func createProject(path: String, visibility: Visibility) async throws -> Project
    func project(path: String) async throws -> Project?
    func projects() async throws -> [Project]
    func updateProject(_ project: Project) async throws

    /// A project's tag protection rules, oldest first.
    func tagProtectionRules(projectID: Int64) async throws -> [TagProtectionRule]

    /// Adds a rule; `conflict` when the project has one with the same pattern, or has
    /// `TagProtectionRule.maxPerProject` already.
    func createTagProtectionRule(
        projectID: Int64, pattern: String, minimumPushLevel: ProtectionLevel?, minimumDeleteLevel: ProtectionLevel?
    ) async throws -> TagProtectionRule

    /// Removes a rule of the project; false when it has none of that id.
    func deleteTagProtectionRule(id: Int64, projectID: Int64) async throws -> Bool

    // MARK: Memberships

    /// Adds or changes a membership.
    func setMembership(_ membership: Membership) async throws
    func removeMembership(userID: Int64, source: Membership.Source) async throws -> Bool
    func memberships(userID: Int64) async throws -> [Membership]

    // MARK: Tokens

    func createPersonalAccessToken(
        userID: Int64, name: String, tokenDigest: String, scopes: [TokenScope], expiresAt: Double?, now: Double
    ) async throws -> PersonalAccessToken
    func personalAccessToken(digest: String) async throws -> PersonalAccessToken?
    func personalAccessTokens(userID: Int64?) async throws -> [PersonalAccessToken]
    func revokePersonalAccessToken(id: Int64) async throws -> Bool

    /// Creates a deploy token named `gitlab+deploy-token-<id>`, as GitLab does.
    func createDeployToken(
        name: String, owner: DeployToken.Owner, tokenDigest: String, scopes: [TokenScope], expiresAt: Double?, now: Double
    ) async throws -> DeployToken
    func deployToken(username: String) async throws -> DeployToken?
    func deployTokens() async throws -> [DeployToken]
    func revokeDeployToken(id: Int64) async throws -> Bool
}

extension IdentityStore {
    /// Every pattern of the tag rules of the project a repository belongs to (the repository's
    /// path or the nearest of its parents that is a project), protected or immutable: what a
    /// cleanup policy, which runs as nobody, leaves alone. None outside every project.
    public func tagPatterns(repository: String) async throws -> [String] {
        var candidate = repository
        while true {
            if let project = try await project(path: candidate) {
                return try await tagProtectionRules(projectID: project.id).map(\.pattern)
            }
            guard let slash = candidate.lastIndex(of: "/") else { return [] }
            candidate = String(candidate[..<slash])
        }
    }
}
