import OCI

/// What a manifest points at. The store checks these exist in the repository in the same
/// transaction that stores the manifest.
public struct ManifestReferences: Sendable, Equatable {
    /// Config and layers: blobs linked into the repository.
    public var blobs: [Digest]
    /// Child manifests of an index.
    public var manifests: [Digest]
    /// Layers with `urls`: not required, but recorded as references where the repository holds
    /// them, so garbage collection keeps a foreign layer a client pushed anyway.
    public var foreignBlobs: [Digest]

    public init(blobs: [Digest] = [], manifests: [Digest] = [], foreignBlobs: [Digest] = []) {
        self.blobs = blobs
        self.manifests = manifests
        self.foreignBlobs = foreignBlobs
    }
}
