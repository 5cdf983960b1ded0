import NIOConcurrencyHelpers
import OCI

/// Renames move every entry keyed by a repository or a path below the source.
extension InMemoryMetadataStore {
    public func leaseRename(_ rename: RepositoryRename, until: Double, now: Double, maxRepositories: Int, quota: QuotaDefaults) async throws {
        try state.withLockedValue { state in
            _ = try Self.renaming(state, rename, now: now, maxRepositories: maxRepositories, quota: quota)
            state.renameLeases[rename.target.value] = (rename.source.value, until)
        }
    }

    public func renameRepositories(
        _ rename: RepositoryRename, now: Double, maxRepositories: Int, quota: QuotaDefaults
    ) async throws -> [UploadRecord] {
        try state.withLockedValue { state in
            let (next, uploads) = try Self.renaming(state, rename, now: now, maxRepositories: maxRepositories, quota: quota)
            state = next
            state.renameLeases = state.renameLeases.filter { $0.key != rename.target.value && $0.value.source != rename.source.value }
            return uploads
        }
    }

    /// The state after the rename, and the uploads it ends; the state given is left as it was.
    private static func renaming(
        _ state: State, _ rename: RepositoryRename, now: Double, maxRepositories: Int, quota: QuotaDefaults
    ) throws -> (State, [UploadRecord]) {
        let renamed = try state.checkRename(rename, now: now, maxRepositories: maxRepositories)
        let uploads = state.uploads.values.filter { UsagePath.contains(rename.source.value, $0.repository) }
        if let busy = uploads.first(where: { $0.committing != nil }) {
            throw MetadataError.renameConflict("an upload into \(busy.repository) is committing its blob; try again in a moment")
        }
        var next = state
        for upload in uploads { next.uploads[upload.id] = nil }
        let cleared = next
        // The stricter limit stays where the target had one; a policy there stays.
        next.quotas = Self.renamingKeys(next.quotas, rename) { existing, moved in min(existing, moved) }
        next.cleanupPolicies = Self.renamingKeys(next.cleanupPolicies, rename) { existing, _ in existing }.mapValues { policy in
            var policy = policy
            policy.project = rename.renamedPath(policy.project) ?? policy.project
            policy.cursor = policy.cursor.map { rename.renamedPath($0) ?? $0 }
            return policy
        }
        for (old, new) in renamed {
            next.repositories.remove(old)
            next.repositories.insert(new)
            Self.move(&next.links, old, new)
            Self.move(&next.manifests, old, new)
            Self.move(&next.references, old, new)
            Self.move(&next.tags, old, new)
            Self.move(&next.tagPushes, old, new)
            Self.move(&next.repositoryCreated, old, new)
        }
        next.queue = Dictionary(next.queue.map { key, candidate in
            guard let repository = key.repository, let new = renamed[repository] else { return (key, candidate) }
            var key = key, candidate = candidate
            key.repository = new
            candidate.repository = new
            return (key, candidate)
        }, uniquingKeysWith: { first, _ in first })
        for path in UsagePath.paths(of: rename.target) {
            guard let limit = quota.limit(of: path, own: next.quotas[path]) else { continue }
            let was = RepositoryRename.reverse(rename).renamedPath(path) ?? path
            let (stored, reserved) = (cleared.stored(under: was), cleared.reserved(under: was))
            let grown = next.stored(under: path) + next.reserved(under: path) - stored - reserved
            if grown > 0, next.stored(under: path) + next.reserved(under: path) > limit {
                throw MetadataError.quotaExceeded(QuotaExceeded(path: path, limit: limit, stored: stored, reserved: reserved, needed: grown))
            }
        }
        return (next, uploads)
    }

    private static func move<Value>(_ dictionary: inout [RepositoryName: Value], _ old: RepositoryName, _ new: RepositoryName) {
        if let value = dictionary.removeValue(forKey: old) { dictionary[new] = value }
    }

    private static func renamingKeys<Value>(
        _ dictionary: [String: Value], _ rename: RepositoryRename, merge: (Value, Value) -> Value
    ) -> [String: Value] {
        var result = dictionary.filter { rename.renamedPath($0.key) == nil }
        for (path, value) in dictionary {
            if let new = rename.renamedPath(path) { result[new] = result[new].map { merge($0, value) } ?? value }
        }
        return result
    }
}

extension InMemoryMetadataStore.State {
    /// The repositories a rename takes, old name to new, after the checks of the SQLite store.
    func checkRename(_ rename: RepositoryRename, now: Double, maxRepositories: Int) throws -> [RepositoryName: RepositoryName] {
        let taken = repositories.filter { UsagePath.contains(rename.source.value, $0) }
        guard taken.count <= maxRepositories else { throw MetadataError.tooManyRepositories(limit: maxRepositories) }
        var renamed: [RepositoryName: RepositoryName] = [:]
        for name in taken { renamed[name] = try rename.renamed(name) }
        if let existing = repositories.filter({ UsagePath.contains(rename.target.value, $0) }).min() {
            throw MetadataError.renameConflict("\(rename.target) is taken: repository \(existing) exists")
        }
        for (target, lease) in renameLeases.sorted(by: { $0.key < $1.key }) where lease.expires > now && lease.source != rename.source.value {
            guard let leased = try? RepositoryName(target),
                UsagePath.contains(target, rename.target) || UsagePath.contains(rename.target.value, leased)
            else { continue }
            throw MetadataError.renameConflict("\(rename.target) is taken: \(target) is leased to a rename of \(lease.source)")
        }
        return renamed
    }
}
