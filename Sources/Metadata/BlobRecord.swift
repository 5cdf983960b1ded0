import OCI

/// A committed blob: its digest and size.
public struct BlobRecord: Sendable, Equatable {
    public var digest: Digest
    public var size: Int64
    /// Seconds since 1970.
    public var createdAt: Double
    /// When the repository's link to it was queued for review, and why, if it is (set by
    /// `blob(_:in:)`).
    public var linkQueuedAt: Double?
    public var linkQueuedEvent: CollectionEvent?

    public init(digest: Digest, size: Int64, createdAt: Double, linkQueuedAt: Double? = nil, linkQueuedEvent: CollectionEvent? = nil) {
        self.digest = digest
        self.size = size
        self.createdAt = createdAt
        self.linkQueuedAt = linkQueuedAt
        self.linkQueuedEvent = linkQueuedEvent
    }
}
