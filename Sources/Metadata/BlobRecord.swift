import OCI

/// A committed blob: its digest and size.
public struct BlobRecord: Sendable, Equatable {
    public var digest: Digest
    public var size: Int64
    /// Seconds since 1970.
    public var createdAt: Double

    public init(digest: Digest, size: Int64, createdAt: Double) {
        self.digest = digest
        self.size = size
        self.createdAt = createdAt
    }
}
