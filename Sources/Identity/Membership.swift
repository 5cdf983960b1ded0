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
