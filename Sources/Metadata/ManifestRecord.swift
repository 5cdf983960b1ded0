import OCI

/// A manifest as the store keeps it: identity, type, and what a referrers listing shows.
/// The bytes live in blob storage under the same digest.
public struct ManifestRecord: Sendable, Equatable {
    public var digest: Digest
    public var mediaType: String
    public var size: Int64
    /// The artifact type shown in referrers listings.
    public var artifactType: String?
    public var subject: Digest?
    public var annotations: [String: String]?
    /// Seconds since 1970.
    public var createdAt: Double

    public init(
        digest: Digest, mediaType: String, size: Int64, artifactType: String? = nil, subject: Digest? = nil,
        annotations: [String: String]? = nil, createdAt: Double
    ) {
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
        self.artifactType = artifactType
        self.subject = subject
        self.annotations = annotations
        self.createdAt = createdAt
    }

    /// The descriptor a referrers listing shows for this manifest.
    public var descriptor: Descriptor {
        Descriptor(mediaType: mediaType, digest: digest, size: size, artifactType: artifactType, annotations: annotations)
    }
}
