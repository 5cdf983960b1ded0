import OCI

/// An upload session. Its bytes so far are the storage file's; the record makes the session
/// survive a restart and lets a purge find abandoned ones.
public struct UploadRecord: Sendable, Equatable {
    public var id: String
    public var repository: RepositoryName
    /// Seconds since 1970.
    public var startedAt: Double
    /// Who opened it (a token subject, or a client address), for the per-principal limit.
    public var owner: String?
    /// The verified digest whose move to the blob's path began: after a crash in that window,
    /// this session (and only it) may complete from the moved bytes.
    public var committing: Digest?
    /// Bytes reserved against the repository's limits (`reserveUpload`), released when the
    /// session commits or goes.
    public var reserved: Int64

    public init(
        id: String, repository: RepositoryName, startedAt: Double, owner: String? = nil, committing: Digest? = nil,
        reserved: Int64 = 0
    ) {
        self.reserved = reserved
        self.id = id
        self.repository = repository
        self.startedAt = startedAt
        self.owner = owner
        self.committing = committing
    }
}
