import Foundation

/// The management operations behind both the CLI and the admin API, validated in one place.
/// Secrets (passwords, token values) are returned once and never stored in clear.
public struct IdentityAdmin: Sendable {
    public let store: any IdentityStore
    let passwords: PasswordHasher
    let clock: @Sendable () -> Double

    public init(store: any IdentityStore, passwords: PasswordHasher, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.passwords = passwords
        self.clock = clock
    }

    /// Where a membership or deploy token applies: a group (and everything below) or a project.
    public enum Target: Sendable, Equatable {
        case group(String)
        case project(String)
    }

    /// A secret shown once with the record it belongs to.
    public struct Created<Record: Sendable>: Sendable {
        public let record: Record
        public let secret: String
    }

    public func createUser(username: String, password: String?, isAdmin: Bool) async throws -> Created<User> {
        let secret = password ?? SecretGenerator.make(length: 24)
        guard secret.count >= 8 else { throw IdentityError.invalidInput("a password has at least 8 characters") }
        let user = try await store.createUser(username: username, passwordHash: try await passwords.hash(secret), isAdmin: isAdmin, now: clock())
        return Created(record: user, secret: secret)
    }

    public func setPassword(username: String, password: String) async throws {
        guard password.count >= 8 else { throw IdentityError.invalidInput("a password has at least 8 characters") }
        var user = try await requireUser(username)
        user.passwordHash = try await passwords.hash(password)
        try await store.updateUser(user)
    }

    public func setBlocked(username: String, _ blocked: Bool) async throws {
        var user = try await requireUser(username)
        user.isBlocked = blocked
        try await store.updateUser(user)
    }

    public func setAdmin(username: String, _ admin: Bool) async throws {
        var user = try await requireUser(username)
        user.isAdmin = admin
        try await store.updateUser(user)
    }

    public func createGroup(path: String) async throws -> Namespace {
        try await store.createGroup(path: path)
    }

    public func createProject(path: String, visibility: Visibility) async throws -> Project {
        try await store.createProject(path: path, visibility: visibility)
    }

    public func setVisibility(project path: String, _ visibility: Visibility) async throws {
        guard var project = try await store.project(path: path) else { throw IdentityError.notFound("no project \(path)") }
        project.visibility = visibility
        try await store.updateProject(project)
    }

    public func addMember(username: String, to target: Target, role: Role) async throws {
        let user = try await requireUser(username)
        try await store.setMembership(Membership(userID: user.id, source: try await source(target), role: role))
    }

    public func removeMember(username: String, from target: Target) async throws -> Bool {
        let user = try await requireUser(username)
        return try await store.removeMembership(userID: user.id, source: try await source(target))
    }

    public func createPersonalAccessToken(username: String, name: String, scopes: [TokenScope], expiresInDays: Int?)
        async throws -> Created<PersonalAccessToken>
    {
        let user = try await requireUser(username)
        let secret = SecretGenerator.make(prefix: "glpat-")
        let record = try await store.createPersonalAccessToken(
            userID: user.id, name: name, tokenDigest: SecretGenerator.digest(secret), scopes: scopes,
            expiresAt: try expiry(expiresInDays), now: clock()
        )
        return Created(record: record, secret: secret)
    }

    public func createDeployToken(for target: Target, name: String, scopes: [TokenScope], expiresInDays: Int?)
        async throws -> Created<DeployToken>
    {
        guard !scopes.contains(.api) else { throw IdentityError.invalidInput("deploy tokens take read_registry and write_registry only") }
        let owner: DeployToken.Owner
        switch try await source(target) {
        case .namespace(let id): owner = .namespace(id)
        case .project(let id): owner = .project(id)
        }
        let secret = SecretGenerator.make(prefix: "gldt-")
        let record = try await store.createDeployToken(
            name: name, owner: owner, tokenDigest: SecretGenerator.digest(secret), scopes: scopes,
            expiresAt: try expiry(expiresInDays), now: clock()
        )
        return Created(record: record, secret: secret)
    }

    public func requireUser(_ username: String) async throws -> User {
        guard let user = try await store.user(named: username) else { throw IdentityError.notFound("no user \(username)") }
        return user
    }

    private func source(_ target: Target) async throws -> Membership.Source {
        switch target {
        case .group(let path):
            guard let group = try await store.namespace(path: path), group.kind == .group else {
                throw IdentityError.notFound("no group \(path)")
            }
            return .namespace(group.id)
        case .project(let path):
            guard let project = try await store.project(path: path) else { throw IdentityError.notFound("no project \(path)") }
            return .project(project.id)
        }
    }

    private func expiry(_ days: Int?) throws -> Double? {
        guard let days else { return nil }
        guard days > 0, days <= 3650 else { throw IdentityError.invalidInput("expiry must be 1 to 3650 days") }
        return clock() + Double(days) * 86_400
    }
}
