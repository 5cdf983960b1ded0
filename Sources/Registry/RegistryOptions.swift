import Metadata

/// Behaviour switches of the registry services.
public struct RegistryOptions: Sendable {
    /// Whether DELETE of blobs, manifests and tags is allowed (Distribution's
    /// `storage.delete.enabled`, off by default).
    public var deleteEnabled: Bool
    /// Bytes of manifests kept in memory; manifests are immutable, so a cache is always right.
    public var manifestCacheBytes: Int
    /// Uploads older than this many seconds are purged (Distribution: 168 h).
    public var uploadMaxAge: Double
    /// Seconds between purges (Distribution: 24 h; the configuration sets it); nil, the default
    /// of applications built in tests, runs no purger.
    public var uploadPurgeInterval: Double?
    /// Log what a purge would remove without removing it.
    public var uploadPurgeDryRun: Bool
    /// Open upload sessions allowed per repository and per principal.
    public var uploadLimit: UploadLimit
    /// Garbage collection's review delay and upload grace, when anything may collect (the
    /// server's workers or `wharf gc run`); nil for a read-only registry. A blob a client is
    /// told about has its link's review started over when it would be due within the grace.
    public var collectionTiming: (reviewAfter: Double, uploadGrace: Double)?
    /// Limits without a row of their own (`quotas.default`).
    public var quotaDefaults: QuotaDefaults

    public init(
        deleteEnabled: Bool = false, manifestCacheBytes: Int = 64 * 1024 * 1024, uploadMaxAge: Double = 168 * 3600,
        uploadPurgeInterval: Double? = nil, uploadPurgeDryRun: Bool = false,
        uploadLimit: UploadLimit = UploadLimit(perRepository: 1000, perOwner: 1000),
        collectionTiming: (reviewAfter: Double, uploadGrace: Double)? = nil, quotaDefaults: QuotaDefaults = .none
    ) {
        self.quotaDefaults = quotaDefaults
        self.collectionTiming = collectionTiming
        self.uploadLimit = uploadLimit
        self.deleteEnabled = deleteEnabled
        self.manifestCacheBytes = manifestCacheBytes
        self.uploadMaxAge = uploadMaxAge
        self.uploadPurgeInterval = uploadPurgeInterval
        self.uploadPurgeDryRun = uploadPurgeDryRun
    }
}
