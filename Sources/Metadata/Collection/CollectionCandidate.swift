import OCI

/// One entry of the review queue: what to review, since when, and how often its deletion
/// failed before.
public struct CollectionCandidate: Sendable, Hashable {
    public var kind: CollectionKind
    /// The repository of a link or a manifest; nil for a blob.
    public var repository: RepositoryName?
    public var digest: Digest
    public var event: CollectionEvent
    /// When the change happened (seconds since 1970); the candidate is due `gc.reviewafter` later.
    public var queuedAt: Double
    /// Not reviewed before this time: a failed deletion is retried with backoff.
    public var notBefore: Double
    public var reviewCount: Int

    public init(
        kind: CollectionKind, repository: RepositoryName?, digest: Digest, event: CollectionEvent, queuedAt: Double,
        notBefore: Double = 0, reviewCount: Int = 0
    ) {
        self.kind = kind
        self.repository = repository
        self.digest = digest
        self.event = event
        self.queuedAt = queuedAt
        self.notBefore = notBefore
        self.reviewCount = reviewCount
    }
}
