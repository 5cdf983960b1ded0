import Metadata
import OCI

/// Storage limits and usage for the CLI (`wharf quota`, `wharf usage`) and the admin API:
/// one set of rules for both. Usage is the store's running count, never a walk.
public struct QuotaService: Sendable {
    let metadata: any MetadataStore
    let defaults: QuotaDefaults

    public init(metadata: any MetadataStore, defaults: QuotaDefaults) {
        self.metadata = metadata
        self.defaults = defaults
    }

    public func set(_ path: QuotaPath, limit: Int64) async throws {
        guard limit >= 0 else { throw RegistryError(.unsupported, detail: "a limit is 0 bytes or more") }
        try await metadata.setQuota(StorageQuota(path: path.value, limit: limit))
    }

    /// False when the path had no limit of its own.
    public func remove(_ path: QuotaPath) async throws -> Bool {
        try await metadata.removeQuota(path.value)
    }

    public func usage(_ path: QuotaPath) async throws -> StorageUsage {
        try await metadata.usage(of: path.value, quota: defaults)
    }

    /// Every top-level namespace that stores anything.
    public func namespaces() async throws -> [StorageUsage] {
        try await metadata.namespaceUsage(quota: defaults)
    }

    /// Every limit set, with the usage of its path.
    public func limits() async throws -> [StorageUsage] {
        var result: [StorageUsage] = []
        for quota in try await metadata.quotas() {
            result.append(try await metadata.usage(of: quota.path, quota: defaults))
        }
        return result
    }

    /// The default for namespaces without a limit of their own.
    public var defaultNamespaceLimit: Int64? { defaults.namespaceLimit }
}
