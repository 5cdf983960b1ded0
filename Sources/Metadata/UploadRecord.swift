import OCI

/// An upload session. Its bytes so far are the storage file's; the record makes the session
/// survive a restart and lets a purge find abandoned ones.
public struct UploadRecord: Sendable, Equatable {
    public var id: String
    public var repository: RepositoryName
    /// Seconds since 1970.
    public var startedAt: Double

    public init(id: String, repository: RepositoryName, startedAt: Double) {
        self.id = id
        self.repository = repository
        self.startedAt = startedAt
    }
}
