import NIOConcurrencyHelpers
import OCI

/// Usage computed from the links on every call: the reference the SQLite store's running
/// counts are checked against in the conformance suite.
extension InMemoryMetadataStore {
    public func reserveUpload(_ id: String, upTo total: Int64, digest: Digest?, quota: QuotaDefaults) async throws {
        try state.withLockedValue { state in
            guard let upload = state.uploads[id] else { throw MetadataError.uploadGone(id) }
            let more = total - upload.reserved
            guard more > 0 else { return }
            let limited = UsagePath.paths(of: upload.repository).filter { quota.limit(of: $0, own: state.quotas[$0]) != nil }
            guard !limited.isEmpty else { return }
            if let digest, let size = state.blobs[digest]?.size, total <= size,
                limited.allSatisfy({ state.linked(under: $0).contains(digest) })
            {
                return
            }
            try state.checkLimits(of: upload.repository, adding: nil, reserving: more, quota: quota)
            state.uploads[id]?.reserved = total
        }
    }

    public func trimReservation(_ id: String, to bytes: Int64) async throws {
        state.withLockedValue { state in
            guard let held = state.uploads[id]?.reserved, held > bytes else { return }
            state.uploads[id]?.reserved = max(0, bytes)
        }
    }

    public func usage(of path: String, quota: QuotaDefaults) async throws -> StorageUsage {
        state.withLockedValue { state in
            StorageUsage(
                path: path, stored: state.stored(under: path), reserved: state.reserved(under: path),
                limit: quota.limit(of: path, own: state.quotas[path])
            )
        }
    }

    public func namespaceUsage(quota: QuotaDefaults) async throws -> [StorageUsage] {
        state.withLockedValue { state in
            let namespaces = Set(state.links.keys.map { String($0.components[0]) } + state.uploads.values.map { String($0.repository.components[0]) })
            return namespaces.sorted().compactMap { path in
                let usage = StorageUsage(
                    path: path, stored: state.stored(under: path), reserved: state.reserved(under: path),
                    limit: quota.limit(of: path, own: state.quotas[path])
                )
                return usage.stored + usage.reserved > 0 ? usage : nil
            }
        }
    }

    public func setQuota(_ quota: StorageQuota) async throws {
        state.withLockedValue { $0.quotas[quota.path] = quota.limit }
    }

    public func removeQuota(_ path: String) async throws -> Bool {
        state.withLockedValue { $0.quotas.removeValue(forKey: path) != nil }
    }

    public func quotas() async throws -> [StorageQuota] {
        state.withLockedValue { state in
            state.quotas.map { StorageQuota(path: $0.key, limit: $0.value) }.sorted { $0.path < $1.path }
        }
    }

    public func hasQuotas() async throws -> Bool {
        state.withLockedValue { !$0.quotas.isEmpty }
    }
}

extension InMemoryMetadataStore.State {
    /// The distinct blobs the repositories at or below `path` link.
    func linked(under path: String) -> Set<Digest> {
        links.filter { UsagePath.contains(path, $0.key) }.values.reduce(into: Set()) { $0.formUnion($1) }
    }

    func stored(under path: String) -> Int64 {
        linked(under: path).reduce(0) { $0 + (blobs[$1]?.size ?? 0) }
    }

    func reserved(under path: String) -> Int64 {
        uploads.values.filter { UsagePath.contains(path, $0.repository) }.reduce(0) { $0 + $1.reserved }
    }

    /// Throws `quotaExceeded` for the first limited path of `repository` that linking `blob`
    /// (free where the path links it already) plus reserving `more` bytes would take past its limit.
    func checkLimits(of repository: RepositoryName, adding blob: BlobRecord?, reserving more: Int64, quota: QuotaDefaults) throws {
        for path in UsagePath.paths(of: repository) {
            guard let limit = quota.limit(of: path, own: quotas[path]) else { continue }
            let linked = linked(under: path)
            let cost = more + (blob.map { linked.contains($0.digest) ? 0 : $0.size } ?? 0)
            guard cost > 0 else { continue }
            let stored = linked.reduce(0) { $0 + (blobs[$1]?.size ?? 0) }
            let reserved = reserved(under: path)
            if cost > limit - stored - reserved {
                throw MetadataError.quotaExceeded(
                    QuotaExceeded(path: path, limit: limit, stored: stored, reserved: reserved, needed: cost)
                )
            }
        }
    }
}
