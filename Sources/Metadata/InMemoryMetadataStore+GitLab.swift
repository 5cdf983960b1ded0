import NIOConcurrencyHelpers
import OCI

extension InMemoryMetadataStore {
    public func repositoryDetails(_ repository: RepositoryName) async throws -> RepositoryDetails? {
        state.withLockedValue { state in
            guard let created = state.repositoryCreated[repository] else { return nil }
            let bytes = (state.links[repository] ?? []).reduce(Int64(0)) { $0 + (state.blobs[$1]?.size ?? 0) }
            let pushes = (state.tags[repository] ?? [:]).keys.compactMap { state.tagPushes[repository]?[$0] }
            return RepositoryDetails(createdAt: created, bytes: bytes, lastPublishedAt: pushes.max())
        }
    }

    public func imageSize(_ digest: Digest, in repository: RepositoryName) async throws -> Int64? {
        state.withLockedValue { state in
            guard let manifest = state.manifests[repository]?[digest] else { return nil }
            let blobs = Set(state.references[repository]?[digest]?.blobs ?? [])
            return blobs.reduce(manifest.size) { $0 + (state.blobs[$1]?.size ?? 0) }
        }
    }

    public func taggedRepositories(under path: String, after last: String?, limit: Int) async throws -> [RepositoryName] {
        state.withLockedValue { state in
            Array(
                state.repositories.filter {
                    UsagePath.contains(path, $0) && (last == nil || $0.value > last!) && !(state.tags[$0]?.isEmpty ?? true)
                }.sorted().prefix(limit)
            )
        }
    }
}
