import Logging
import Metadata
import OCI
import StorageDriver

/// The registry's services over one storage driver and one metadata store.
public struct RegistryServices: Sendable {
    public let blobs: BlobStore
    public let uploads: UploadService
    public let manifests: ManifestService
    public let listings: ListingService
    public let quotas: QuotaService
    /// The store itself, for GitLab's API, which reads what no service wraps.
    public let metadata: any MetadataStore
    public let cleanup: CleanupService
    public let renamer: RepositoryRenamer
    public let options: RegistryOptions
    public let statistics: RegistryStatistics

    /// `protectedTags`: the patterns of a project's tag rules, when this process has the identity.
    public init(
        driver: any StorageDriver, metadata: any MetadataStore, options: RegistryOptions, logger: Logger,
        protectedTags: (@Sendable (String) async throws -> [String])? = nil
    ) {
        let statistics = RegistryStatistics()
        self.statistics = statistics
        let blobs = BlobStore(driver: driver, metadata: metadata, options: options, statistics: statistics)
        self.blobs = blobs
        self.uploads = UploadService(driver: driver, metadata: metadata, blobs: blobs, limit: options.uploadLimit, quota: options.quotaDefaults, logger: logger)
        self.manifests = ManifestService(driver: driver, metadata: metadata, options: options, statistics: statistics)
        self.listings = ListingService(metadata: metadata)
        self.metadata = metadata
        self.quotas = QuotaService(metadata: metadata, defaults: options.quotaDefaults)
        self.cleanup = CleanupService(metadata: metadata, logger: logger, protectedTags: protectedTags)
        self.renamer = RepositoryRenamer(metadata: metadata, uploads: uploads, quota: options.quotaDefaults, logger: logger)
        self.options = options
    }
}
