/// How garbage collection decides and deletes (GitLab's `gc:` keys, in seconds).
public struct CollectionSettings: Sendable, Equatable {
    /// A candidate is reviewed this long after the change that made it one (`reviewafter`).
    public var reviewDelay: Double
    /// Whether untagged, unreferenced manifests are collected (`manifests.disabled` off).
    public var manifestsEnabled: Bool
    /// Whether links and blobs are collected (`blobs.disabled` off).
    public var blobsEnabled: Bool
    /// Candidates reviewed per transaction, and blobs deleted per storage batch (S3 deletes
    /// 1,000 keys a request).
    public var batchSize: Int
    /// How long one batch of storage deletes may take (`blobs.storagetimeout`).
    public var storageTimeout: Double
    /// The longest a failed deletion waits before it is tried again (`maxbackoff`).
    public var maxBackoff: Double
    /// The least time a link an upload or mount made, or a client was told about, waits for
    /// review (`uploadgrace`, Wharf's): the push is still sending its other blobs and its
    /// manifest. It matters when `reviewDelay` is shorter (GitLab adds 5–60 s for the same reason).
    public var uploadGrace: Double

    public init(
        reviewDelay: Double = 24 * 3600, manifestsEnabled: Bool = true, blobsEnabled: Bool = true, batchSize: Int = 1000,
        storageTimeout: Double = 5, maxBackoff: Double = 24 * 3600, uploadGrace: Double = 60
    ) {
        self.uploadGrace = max(0, uploadGrace)
        self.reviewDelay = max(0, reviewDelay)
        self.manifestsEnabled = manifestsEnabled
        self.blobsEnabled = blobsEnabled
        self.batchSize = max(1, batchSize)
        self.storageTimeout = max(0.1, storageTimeout)
        self.maxBackoff = max(1, maxBackoff)
    }

    /// How long a deletion's lease lasts; the store keeps its expiry, after which another
    /// collector takes it over. A collector starts no storage request after half of it, and
    /// abandons each after the storage timeout, so none of its requests is meant to be in flight
    /// when the lease passes on.
    public var leaseTimeout: Double { max(10, 4 * storageTimeout) }

    /// How long a link a client was told about waits for review.
    public var linkDelay: Double { max(reviewDelay, uploadGrace) }

    /// When a blob whose storage delete failed for the `reviewCount`-th time is tried again:
    /// 5 minutes doubling with each failure (GitLab's postponement), at most `maxBackoff`.
    public func retryDelay(afterFailures reviewCount: Int) -> Double {
        min(maxBackoff, 300 * Double(1 << min(reviewCount, 20)))
    }
}
