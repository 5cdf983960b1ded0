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
