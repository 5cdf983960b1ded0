import OCI

/// Everything the registry records besides bytes: repositories, blobs and their links,
/// manifests with their references, tags, referrers and upload sessions. Every method is one
/// transaction, so a check and the write that depends on it cannot be split by another request.
public protocol MetadataStore: Sendable {
    // MARK: Repositories

    func repositoryExists(_ name: RepositoryName) async throws -> Bool

    /// Repository names after `last` in lexical order, at most `limit`.
    func repositories(after last: String?, limit: Int) async throws -> [RepositoryName]

    // MARK: Blobs

    /// A blob known anywhere in the registry.
    func blob(_ digest: Digest) async throws -> BlobRecord?

    /// A blob linked into `repository`.
    func blob(_ digest: Digest, in repository: RepositoryName) async throws -> BlobRecord?

    /// Records a committed blob and links it into `repository`, creating the repository.
    func commitBlob(_ blob: BlobRecord, in repository: RepositoryName) async throws

    /// Links a blob already known to the registry into `repository`; false when it is unknown.
    func linkBlob(_ digest: Digest, into repository: RepositoryName) async throws -> Bool

    /// Repositories linking the blob, in lexical order, at most `limit`.
    func repositories(linking digest: Digest, limit: Int) async throws -> [RepositoryName]

    /// Removes a blob's link from `repository`; false when it was not linked.
    func unlinkBlob(_ digest: Digest, from repository: RepositoryName) async throws -> Bool

    // MARK: Manifests and tags

    /// Stores a manifest and points `tags` at it, in one transaction. Fails with
    /// `MetadataError.missingReferences` when a referenced blob is not linked into the
    /// repository or a child manifest is not in it.
    func putManifest(
        _ manifest: ManifestRecord, references: ManifestReferences, in repository: RepositoryName, tags: [Tag]
    ) async throws

    /// The manifest a tag or digest names in `repository`.
    func manifest(_ reference: Reference, in repository: RepositoryName) async throws -> ManifestRecord?

    /// Deletes a manifest and every tag pointing at it; false when it did not exist.
    func deleteManifest(_ digest: Digest, in repository: RepositoryName) async throws -> Bool

    /// Deletes one tag; false when it did not exist.
    func deleteTag(_ tag: Tag, in repository: RepositoryName) async throws -> Bool

    /// Tags after `last` in lexical order, at most `limit`.
    func tags(in repository: RepositoryName, after last: String?, limit: Int) async throws -> [Tag]

    /// Manifests whose `subject` is `digest`, optionally only those of one artifact type.
    func referrers(of digest: Digest, in repository: RepositoryName, artifactType: String?) async throws -> [Descriptor]

    // MARK: Upload sessions

    /// Creates a session, unless the repository or the owner already holds as many open
    /// sessions as `limit` allows (`MetadataError.tooManyUploads`).
    func createUpload(_ upload: UploadRecord, limit: UploadLimit) async throws

    func upload(_ id: String) async throws -> UploadRecord?

    /// Records that the session's verified bytes are being moved to the blob of `digest`.
    func markUploadCommitting(_ id: String, digest: Digest) async throws

    func deleteUpload(_ id: String) async throws

    /// Open sessions, counted (the metrics scrape).
    func uploadCount() async throws -> Int

    /// Sessions started before `time` (seconds since 1970), for purging.
    func uploads(startedBefore time: Double) async throws -> [UploadRecord]
}

extension MetadataStore {
    public func putManifest(
        _ manifest: ManifestRecord, references: ManifestReferences, in repository: RepositoryName, tag: Tag?
    ) async throws {
        try await putManifest(manifest, references: references, in: repository, tags: tag.map { [$0] } ?? [])
    }

    public func createUpload(_ upload: UploadRecord) async throws {
        try await createUpload(upload, limit: .unlimited)
    }
}
