import Metadata
import OCI

/// A tag a policy run deleted (or, dry, would delete).
public struct CleanupDeletion: Sendable, Equatable {
    public var repository: RepositoryName
    public var record: TagRecord

    public init(repository: RepositoryName, record: TagRecord) {
        self.repository = repository
        self.record = record
    }
}
