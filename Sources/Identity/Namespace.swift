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
