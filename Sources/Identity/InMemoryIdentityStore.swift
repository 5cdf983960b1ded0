import NIOConcurrencyHelpers

/// Identity data in memory, for tests and as the reference behaviour of the conformance suite.
public final class InMemoryIdentityStore: IdentityStore {
    private struct State {
        var nextID: Int64 = 1
        var users: [Int64: User] = [:]
        var namespaces: [Int64: Namespace] = [:]
        var projects: [Int64: Project] = [:]
        var memberships: [Membership] = []
        var pats: [Int64: PersonalAccessToken] = [:]
        var deployTokens: [Int64: DeployToken] = [:]
        var tagRules: [TagProtectionRule] = []

        mutating func id() -> Int64 {
            defer { nextID += 1 }
            return nextID
        }

        func pathTaken(_ path: String) -> Bool {
            namespaces.values.contains { $0.path == path } || projects.values.contains { $0.path == path }
        }
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func createUser(username: String, passwordHash: String, isAdmin: Bool, now: Double) async throws -> User {
        try IdentityPaths.validateUsername(username)
        return try state.withLockedValue { state in
            guard !state.users.values.contains(where: { $0.username == username }), !state.pathTaken(username) else {
                throw IdentityError.conflict("the name \(username) is taken")
            }
            let user = User(id: state.id(), username: username, passwordHash: passwordHash, isAdmin: isAdmin, isBlocked: false, createdAt: now)
            state.users[user.id] = user
            let namespace = Namespace(id: state.id(), kind: .user, path: username, parentID: nil, ownerID: user.id)
            state.namespaces[namespace.id] = namespace
            return user
        }
    }

    public func user(named username: String) async throws -> User? {
        state.withLockedValue { $0.users.values.first { $0.username == username } }
    }

    public func user(id: Int64) async throws -> User? { state.withLockedValue { $0.users[id] } }

    public func users() async throws -> [User] { state.withLockedValue { $0.users.values.sorted { $0.id < $1.id } } }

    public func updateUser(_ user: User) async throws {
        try state.withLockedValue { state in
            guard state.users[user.id] != nil else { throw IdentityError.notFound("no user \(user.id)") }
            state.users[user.id] = user
        }
    }

    public func createGroup(path: String) async throws -> Namespace {
        try IdentityPaths.validate(path, what: "group")
        return try state.withLockedValue { state in
            guard !state.pathTaken(path) else { throw IdentityError.conflict("the path \(path) is taken") }
            var parentID: Int64?
            if let parent = IdentityPaths.parent(of: path) {
                guard let group = state.namespaces.values.first(where: { $0.path == parent && $0.kind == .group }) else {
                    throw IdentityError.notFound("parent group \(parent) does not exist")
                }
                parentID = group.id
            }
            let namespace = Namespace(id: state.id(), kind: .group, path: path, parentID: parentID, ownerID: nil)
            state.namespaces[namespace.id] = namespace
            return namespace
        }
    }

    public func namespace(path: String) async throws -> Namespace? {
        state.withLockedValue { $0.namespaces.values.first { $0.path == path } }
    }

    public func namespace(id: Int64) async throws -> Namespace? { state.withLockedValue { $0.namespaces[id] } }

    public func namespaces() async throws -> [Namespace] {
        state.withLockedValue { $0.namespaces.values.sorted { $0.path < $1.path } }
    }

    public func createProject(path: String, visibility: Visibility) async throws -> Project {
        try IdentityPaths.validate(path, what: "project")
        guard let parent = IdentityPaths.parent(of: path) else {
            throw IdentityError.invalidInput("a project path is namespace/project")
        }
        return try state.withLockedValue { state in
            guard !state.pathTaken(path) else { throw IdentityError.conflict("the path \(path) is taken") }
            guard let namespace = state.namespaces.values.first(where: { $0.path == parent }) else {
                throw IdentityError.notFound("namespace \(parent) does not exist")
            }
            let project = Project(id: state.id(), namespaceID: namespace.id, path: path, visibility: visibility)
            state.projects[project.id] = project
            return project
        }
    }

    public func project(path: String) async throws -> Project? {
        state.withLockedValue { $0.projects.values.first { $0.path == path } }
    }

    public func projects() async throws -> [Project] { state.withLockedValue { $0.projects.values.sorted { $0.path < $1.path } } }

    public func tagProtectionRules(projectID: Int64) async throws -> [TagProtectionRule] {
        state.withLockedValue { $0.tagRules.filter { $0.projectID == projectID } }
    }

    public func createTagProtectionRule(
        projectID: Int64, pattern: String, minimumPushLevel: ProtectionLevel?, minimumDeleteLevel: ProtectionLevel?
    ) async throws -> TagProtectionRule {
        try state.withLockedValue { state in
            guard state.projects[projectID] != nil else { throw IdentityError.notFound("no project \(projectID)") }
            let existing = state.tagRules.filter { $0.projectID == projectID }
            guard !existing.contains(where: { $0.pattern == pattern }) else {
                throw IdentityError.conflict("the project has a rule for \(pattern) already")
            }
            guard existing.count < TagProtectionRule.maxPerProject else {
                throw IdentityError.conflict("a project has at most \(TagProtectionRule.maxPerProject) tag protection rules")
            }
            let rule = TagProtectionRule(
                id: state.id(), projectID: projectID, pattern: pattern, minimumPushLevel: minimumPushLevel,
                minimumDeleteLevel: minimumDeleteLevel
            )
            state.tagRules.append(rule)
            return rule
        }
    }

    public func deleteTagProtectionRule(id: Int64, projectID: Int64) async throws -> Bool {
        state.withLockedValue { state in
            guard let index = state.tagRules.firstIndex(where: { $0.id == id && $0.projectID == projectID }) else { return false }
            state.tagRules.remove(at: index)
            return true
        }
    }

    public func updateProject(_ project: Project) async throws {
        try state.withLockedValue { state in
            guard state.projects[project.id] != nil else { throw IdentityError.notFound("no project \(project.id)") }
            state.projects[project.id] = project
        }
    }

    public func setMembership(_ membership: Membership) async throws {
        try state.withLockedValue { state in
            guard state.users[membership.userID] != nil else { throw IdentityError.notFound("no user \(membership.userID)") }
            switch membership.source {
            case .namespace(let id):
                guard state.namespaces[id] != nil else { throw IdentityError.notFound("no namespace \(id)") }
            case .project(let id):
                guard state.projects[id] != nil else { throw IdentityError.notFound("no project \(id)") }
            }
            state.memberships.removeAll { $0.userID == membership.userID && $0.source == membership.source }
            state.memberships.append(membership)
        }
    }

    public func removeMembership(userID: Int64, source: Membership.Source) async throws -> Bool {
        state.withLockedValue { state in
            let before = state.memberships.count
            state.memberships.removeAll { $0.userID == userID && $0.source == source }
            return state.memberships.count < before
        }
    }

    public func memberships(userID: Int64) async throws -> [Membership] {
        state.withLockedValue { $0.memberships.filter { $0.userID == userID } }
    }

    public func createPersonalAccessToken(
        userID: Int64, name: String, tokenDigest: String, scopes: [TokenScope], expiresAt: Double?, now: Double
    ) async throws -> PersonalAccessToken {
        try state.withLockedValue { state in
            guard state.users[userID] != nil else { throw IdentityError.notFound("no user \(userID)") }
            let token = PersonalAccessToken(
                id: state.id(), userID: userID, name: name, tokenDigest: tokenDigest, scopes: scopes, expiresAt: expiresAt,
                revoked: false, createdAt: now
            )
            state.pats[token.id] = token
            return token
        }
    }

    public func personalAccessToken(digest: String) async throws -> PersonalAccessToken? {
        state.withLockedValue { $0.pats.values.first { $0.tokenDigest == digest } }
    }

    public func personalAccessTokens(userID: Int64?) async throws -> [PersonalAccessToken] {
        state.withLockedValue { state in
            state.pats.values.filter { userID == nil || $0.userID == userID }.sorted { $0.id < $1.id }
        }
    }

    public func revokePersonalAccessToken(id: Int64) async throws -> Bool {
        state.withLockedValue { state in
            guard state.pats[id] != nil, state.pats[id]?.revoked == false else { return false }
            state.pats[id]?.revoked = true
            return true
        }
    }

    public func createDeployToken(
        name: String, owner: DeployToken.Owner, tokenDigest: String, scopes: [TokenScope], expiresAt: Double?, now: Double
    ) async throws -> DeployToken {
        try state.withLockedValue { state in
            switch owner {
            case .project(let id): guard state.projects[id] != nil else { throw IdentityError.notFound("no project \(id)") }
            case .namespace(let id): guard state.namespaces[id]?.kind == .group else { throw IdentityError.notFound("no group \(id)") }
            }
            let id = state.id()
            let token = DeployToken(
                id: id, name: name, username: "gitlab+deploy-token-\(id)", tokenDigest: tokenDigest, owner: owner,
                scopes: scopes, expiresAt: expiresAt, revoked: false, createdAt: now
            )
            state.deployTokens[id] = token
            return token
        }
    }

    public func deployToken(username: String) async throws -> DeployToken? {
        state.withLockedValue { $0.deployTokens.values.first { $0.username == username } }
    }

    public func deployTokens() async throws -> [DeployToken] {
        state.withLockedValue { $0.deployTokens.values.sorted { $0.id < $1.id } }
    }

    public func revokeDeployToken(id: Int64) async throws -> Bool {
        state.withLockedValue { state in
            guard state.deployTokens[id] != nil, state.deployTokens[id]?.revoked == false else { return false }
            state.deployTokens[id]?.revoked = true
            return true
        }
    }
}
