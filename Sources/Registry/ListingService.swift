import Metadata
import OCI

/// Tag lists, the catalog and referrers: index queries on the metadata store.
public struct ListingService: Sendable {
    let metadata: any MetadataStore

    public func tags(in repository: RepositoryName, page: PageRequest) async throws -> Page<Tag> {
        guard page.limit > 0 else {
            guard try await metadata.repositoryExists(repository) else { throw unknown(repository) }
            return Page(fetched: [], limit: 0, key: \.value)
        }
        let fetched = try await metadata.tags(in: repository, after: page.last, limit: page.limit + 1)
        if fetched.isEmpty, !(try await metadata.repositoryExists(repository)) { throw unknown(repository) }
        return Page(fetched: fetched, limit: page.limit, key: \.value)
    }

    public func repositories(page: PageRequest) async throws -> Page<RepositoryName> {
        guard page.limit > 0 else { return Page(fetched: [], limit: 0, key: \.value) }
        let fetched = try await metadata.repositories(after: page.last, limit: page.limit + 1)
        return Page(fetched: fetched, limit: page.limit, key: \.value)
    }

    /// Manifests that name `digest` as their subject. An unknown subject has no referrers: an
    /// empty list, never an error.
    public func referrers(of digest: Digest, in repository: RepositoryName, artifactType: String?) async throws -> [Descriptor] {
        try await metadata.referrers(of: digest, in: repository, artifactType: artifactType)
    }

    private func unknown(_ repository: RepositoryName) -> RegistryError {
        RegistryError(.nameUnknown, detail: "repository \(repository) does not exist")
    }
}
