import OCI

/// A link or manifest that a review removed (or, in a dry run, would remove).
public struct CollectedItem: Sendable, Hashable {
    public var kind: CollectionKind
    public var repository: RepositoryName
    public var digest: Digest
    public var event: CollectionEvent

    public init(kind: CollectionKind, repository: RepositoryName, digest: Digest, event: CollectionEvent) {
        self.kind = kind
        self.repository = repository
        self.digest = digest
        self.event = event
    }
}
