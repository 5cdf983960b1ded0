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
