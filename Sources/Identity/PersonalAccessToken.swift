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
