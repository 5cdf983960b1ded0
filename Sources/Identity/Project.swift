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
