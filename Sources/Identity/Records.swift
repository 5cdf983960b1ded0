import Foundation

/// A user account.
public struct User: Sendable, Equatable, Codable {
    public var id: Int64
    public var username: String
    public var passwordHash: String
    public var isAdmin: Bool
    public var isBlocked: Bool
    public var createdAt: Double

    public init(id: Int64, username: String, passwordHash: String, isAdmin: Bool, isBlocked: Bool, createdAt: Double) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.isAdmin = isAdmin
        self.isBlocked = isBlocked
        self.createdAt = createdAt
    }
}

/// A group or a user's personal namespace; groups nest (`group/sub`).
public struct Namespace: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case group
        case user
    }

    public var id: Int64
    public var kind: Kind
    /// The full path, e.g. `group/sub`.
    public var path: String
    public var parentID: Int64?
    /// For a user namespace, its owner.
    public var ownerID: Int64?

    public init(id: Int64, kind: Kind, path: String, parentID: Int64?, ownerID: Int64?) {
        self.id = id
        self.kind = kind
        self.path = path
        self.parentID = parentID
        self.ownerID = ownerID
    }
}

/// A project: a repository name prefix in the registry.
public struct Project: Sendable, Equatable, Codable {
    public var id: Int64
    public var namespaceID: Int64
    /// The full path, e.g. `group/sub/app`.
    public var path: String
    public var visibility: Visibility

    public init(id: Int64, namespaceID: Int64, path: String, visibility: Visibility) {
        self.id = id
        self.namespaceID = namespaceID
        self.path = path
        self.visibility = visibility
    }
}

/// A user's role on a group (inherited by everything below it) or on one project.
public struct Membership: Sendable, Equatable, Codable {
    public enum Source: Sendable, Equatable, Codable {
        case namespace(Int64)
        case project(Int64)
    }

    public var userID: Int64
    public var source: Source
    public var role: Role

    public init(userID: Int64, source: Source, role: Role) {
        self.userID = userID
        self.source = source
        self.role = role
    }
}

/// A personal access token; only its SHA-256 is stored.
public struct PersonalAccessToken: Sendable, Equatable, Codable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    public var tokenDigest: String
    public var scopes: [TokenScope]
    public var expiresAt: Double?
    public var revoked: Bool
    public var createdAt: Double

    public init(
        id: Int64, userID: Int64, name: String, tokenDigest: String, scopes: [TokenScope], expiresAt: Double?,
        revoked: Bool, createdAt: Double
    ) {
        self.id = id
        self.userID = userID
        self.name = name
        self.tokenDigest = tokenDigest
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.revoked = revoked
        self.createdAt = createdAt
    }

    public func isUsable(at now: Double) -> Bool { !revoked && (expiresAt.map { now < $0 } ?? true) }
}

/// A deploy token of a project or a group: a username and a secret, registry scopes only.
public struct DeployToken: Sendable, Equatable, Codable {
    public enum Owner: Sendable, Equatable, Codable {
        case project(Int64)
        case namespace(Int64)
    }

    public var id: Int64
    public var name: String
    public var username: String
    public var tokenDigest: String
    public var owner: Owner
    public var scopes: [TokenScope]
    public var expiresAt: Double?
    public var revoked: Bool
    public var createdAt: Double

    public init(
        id: Int64, name: String, username: String, tokenDigest: String, owner: Owner, scopes: [TokenScope],
        expiresAt: Double?, revoked: Bool, createdAt: Double
    ) {
        self.id = id
        self.name = name
        self.username = username
        self.tokenDigest = tokenDigest
        self.owner = owner
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.revoked = revoked
        self.createdAt = createdAt
    }

    public func isUsable(at now: Double) -> Bool { !revoked && (expiresAt.map { now < $0 } ?? true) }
}
