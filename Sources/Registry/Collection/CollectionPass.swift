import Metadata
import OCI

/// What one pass of garbage collection did (or, in a dry run, would do).
public struct CollectionPass: Sendable, Equatable {
    public var manifests: [CollectedItem] = []
    public var links: [CollectedItem] = []
    /// Blobs whose bytes were deleted (their storage deletes succeeded).
    public var blobs: [BlobDeletion] = []
    /// Blobs whose storage deletes failed: postponed with backoff, never dropped.
    public var failed: [BlobDeletion] = []
    public var bytesFreed: Int64 { blobs.reduce(0) { $0 + $1.size } }

    public init() {}

    /// Whether the pass found anything to do.
    public var isEmpty: Bool { manifests.isEmpty && links.isEmpty && blobs.isEmpty && failed.isEmpty }

    public mutating func add(_ other: CollectionPass) {
        manifests += other.manifests
        links += other.links
        blobs += other.blobs
        failed += other.failed
    }
}
