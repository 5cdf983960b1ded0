import OCI

/// A blob whose deletion has begun: the store marked it with `lease` (the time until which the
/// deletion is its collector's alone), so no upload, mount or manifest can claim it until the
/// deletion finishes or is postponed; a collector that died leaves a lease another one takes
/// over once it has expired. The expiry is stored, not the start, so collectors configured
/// differently agree on when a lease is free.
public struct BlobDeletion: Sendable, Hashable {
    public var digest: Digest
    public var size: Int64
    public var lease: Double
    public var reviewCount: Int
    public var event: CollectionEvent

    public init(digest: Digest, size: Int64, lease: Double, reviewCount: Int = 0, event: CollectionEvent) {
        self.digest = digest
        self.size = size
        self.lease = lease
        self.reviewCount = reviewCount
        self.event = event
    }
}
