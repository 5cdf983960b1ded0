/// What GitLab's repository endpoint reports about one repository.
public struct RepositoryDetails: Sendable, Equatable {
    public var createdAt: Double
    /// The distinct blobs the repository itself links.
    public var bytes: Int64
    /// The latest push of any of its tags.
    public var lastPublishedAt: Double?

    public init(createdAt: Double, bytes: Int64, lastPublishedAt: Double?) {
        self.createdAt = createdAt
        self.bytes = bytes
        self.lastPublishedAt = lastPublishedAt
    }
}
