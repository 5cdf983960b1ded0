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

    /// Records a committed blob and links it into `repository`, creating the repository, and
    /// releases what the upload `releasing` reserved, in one transaction. The release pays for
    /// the link; should it not (the path stopped linking a blob the upload reserved nothing
    /// for, or a limit came after the bytes), the commit is refused with `quotaExceeded`.
    func commitBlob(_ blob: BlobRecord, in repository: RepositoryName, releasing upload: String?, quota: QuotaDefaults) async throws

    /// Links a blob already known to the registry into `repository`; false when it is unknown.
    /// Fails with `MetadataError.quotaExceeded` when the link would take a path of the
    /// repository past its limit (a blob a path already links costs it nothing).
    func linkBlob(_ digest: Digest, into repository: RepositoryName, quota: QuotaDefaults) async throws -> Bool

    /// Repositories linking the blob, in lexical order, at most `limit`.
    func repositories(linking digest: Digest, limit: Int) async throws -> [RepositoryName]

    /// Removes a blob's link from `repository`; false when it was not linked.
    func unlinkBlob(_ digest: Digest, from repository: RepositoryName) async throws -> Bool

    // MARK: Manifests and tags

    /// Stores a manifest and points `tags` at it, in one transaction. Fails with
    /// `MetadataError.missingReferences` when a referenced blob is not linked into the
    /// repository or a child manifest is not in it, and `blobBeingDeleted` while the
    /// manifest's own bytes are being collected, and `tagImmutable` when a tag of `immutable`
    /// exists pointing at another manifest (checked in the same transaction, so two pushes
    /// cannot both take an immutable tag). Returns true when the manifest's bytes were unknown
    /// until this call (so a collector may have deleted an earlier copy of them).
    @discardableResult
    func putManifest(
        _ manifest: ManifestRecord, references: ManifestReferences, in repository: RepositoryName, tags: [Tag], immutable: Set<Tag>
    ) async throws -> Bool

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

    /// Records that the session's verified bytes are being moved to the blob of `digest`: a
    /// claim on the blob until the session is deleted. Throws `MetadataError.blobBeingDeleted`
    /// while the blob's deletion is under way (the bytes would be deleted after the move), and
    /// `uploadGone` when the session no longer exists.
    func markUploadCommitting(_ id: String, digest: Digest) async throws

    func deleteUpload(_ id: String) async throws

    /// Open sessions, counted (the metrics scrape).
    func uploadCount() async throws -> Int

    /// Sessions started before `time` (seconds since 1970), for purging.
    func uploads(startedBefore time: Double) async throws -> [UploadRecord]

    // MARK: Usage and limits
    // Usage is kept per path (`UsagePath`) as links are added and removed, never by a walk:
    // the distinct blobs the repositories at or below the path link, plus what uploads in
    // progress there have reserved. Stored plus reserved never exceeds a limit.

    /// Reserves bytes for an upload so that it holds `total` in all, checked against every
    /// limited path of its repository in the same transaction. Nothing is reserved where no
    /// limit applies, nor when `digest` is given, `total` is no more than that blob's size and
    /// every limited path links it already (its commit costs nothing). Fails with
    /// `quotaExceeded` (also for totals no limit could hold), or `uploadGone`.
    func reserveUpload(_ id: String, upTo total: Int64, digest: Digest?, quota: QuotaDefaults) async throws

    /// Gives back what an upload holds beyond `bytes` (a request ended, or failed, short of
    /// what it reserved).
    func trimReservation(_ id: String, to bytes: Int64) async throws

    /// The usage of a path, with the limit in force there.
    func usage(of path: String, quota: QuotaDefaults) async throws -> StorageUsage

    /// The usage of every top-level namespace that stores or reserves anything, by path.
    func namespaceUsage(quota: QuotaDefaults) async throws -> [StorageUsage]

    /// Sets (or replaces) the limit of a path.
    func setQuota(_ quota: StorageQuota) async throws

    /// Removes the limit of a path; false when it had none.
    func removeQuota(_ path: String) async throws -> Bool

    /// Every limit set, by path.
    func quotas() async throws -> [StorageQuota]

    /// Whether any limit is set: without one (and without `quotas.default`) uploads reserve nothing.
    func hasQuotas() async throws -> Bool

    // MARK: Cleanup policies

    /// Repositories named `path` or below it, after `last` in lexical order, at most `limit`.
    func repositories(under path: String, after last: String?, limit: Int) async throws -> [RepositoryName]

    /// Tags with their manifests and push times, after `last` in lexical order, at most `limit`.
    func tagRecords(in repository: RepositoryName, after last: String?, limit: Int) async throws -> [TagRecord]

    /// Deletes a tag only if it still points at `digest` from the push at `pushedAt`: a tag a
    /// client pushed again since a policy looked at it stays. False when it did not.
    func deleteTag(_ tag: Tag, in repository: RepositoryName, ifPointingAt digest: Digest, pushedAt: Double) async throws -> Bool

    func cleanupPolicy(for project: String) async throws -> CleanupPolicy?

    /// Stores (or replaces) a project's policy, one revision after the stored one.
    func setCleanupPolicy(_ policy: CleanupPolicy) async throws

    /// Enabled policies whose next run is at or before `now`, soonest first.
    func dueCleanupPolicies(at now: Double, limit: Int) async throws -> [CleanupPolicy]

    /// Where a run of the project's policy stopped (`cursor`, nil when it finished) and when
    /// the next one is due; nothing when the policy is no longer at `revision`. False then.
    @discardableResult
    func recordCleanupProgress(project: String, revision: Int64, cursor: String?, nextRunAt: Double?) async throws -> Bool

    // MARK: GitLab's registry API

    /// When the repository was created, the bytes of the blobs it links itself, and its last
    /// tag push; nil when it does not exist.
    func repositoryDetails(_ repository: RepositoryName) async throws -> RepositoryDetails?

    /// The bytes of an image: the manifest and the blobs it references directly.
    func imageSize(_ digest: Digest, in repository: RepositoryName) async throws -> Int64?

    /// Repositories at or below `path` that hold at least one tag, after `last`, at most `limit`.
    func taggedRepositories(under path: String, after last: String?, limit: Int) async throws -> [RepositoryName]

    /// Checks a rename exactly as `renameRepositories` would make it (conflicts, size, limits,
    /// uploads committing) without making it, and leases the target to the source until
    /// `until`: another rename cannot take it meanwhile (GitLab's dry run, which Rails makes
    /// before it renames the project on its side).
    func leaseRename(_ rename: RepositoryRename, until: Double, now: Double, maxRepositories: Int, quota: QuotaDefaults) async throws

    /// Renames the source and every repository below it to the target, with their tags,
    /// manifests, links, usage, limits and cleanup policies, in one transaction. Fails with
    /// `renameConflict` when a repository exists at or below the target, another source holds
    /// an unexpired lease on it, or an upload below the source is committing its blob;
    /// `tooManyRepositories` beyond `maxRepositories`; `quotaExceeded` when the move would take
    /// a limited path of the target past its limit. Upload sessions below the source end (their
    /// clients start over); returned, so their bytes can be deleted.
    func renameRepositories(_ rename: RepositoryRename, now: Double, maxRepositories: Int, quota: QuotaDefaults) async throws -> [UploadRecord]

    // MARK: Garbage collection
    // Every change that can leave something unreferenced queues a candidate in its own
    // transaction: uploads and mounts queue their link, blob deletes the blob, manifest pushes
    // without a tag and tag deletes and moves the manifest, manifest deletes what the manifest
    // referenced, its subject, its referrers and its own bytes. Reviews never walk all tags or
    // repositories: they look at due candidates only.

    /// Waiting candidates of `kind`, oldest first, at most `limit`.
    func collectionCandidates(_ kind: CollectionKind, limit: Int) async throws -> [CollectionCandidate]

    /// Reviews due link candidates: a link that no manifest of its repository references is
    /// removed and its blob queued; the others leave the queue.
    func collectLinks(_ review: CollectionReview) async throws -> [CollectedItem]

    /// Reviews due manifest candidates: a manifest that no tag, index or referrer of its
    /// repository points at, and whose subject (when it has one) is gone from the repository,
    /// is deleted as a client's delete would be; the others leave the queue.
    func collectManifests(_ review: CollectionReview) async throws -> [CollectedItem]

    /// Reviews due blob candidates, and takes over deletions whose lease expired before
    /// `review.now`: a blob that no repository links, that is no manifest and no
    /// manifest references, and that no upload is committing, is marked as being
    /// deleted and returned; the others leave the queue (one that only an upload committing it
    /// holds is looked at again after `BlobClaim.recheck`). From the mark on, the blob is unknown
    /// to `blob(_:)` and `linkBlob`, and `commitBlob`, `markUploadCommitting` and `putManifest`
    /// of it fail with `blobBeingDeleted`.
    /// The lease is `leaseUntil`, the time until which the deletion is this collector's alone.
    func beginBlobDeletions(_ review: CollectionReview, leaseUntil: Double) async throws -> [BlobDeletion]

    /// Marks blob files nobody knows (`wharf gc orphans`) for deletion as `beginBlobDeletions`
    /// marks candidates: each digest that has no row and no upload committing it gets a row
    /// under the lease `leaseUntil`, so a push of it waits until the deletion is done; returns
    /// those marked.
    func beginOrphanDeletions(_ orphans: [BlobRecord], leaseUntil: Double) async throws -> [BlobDeletion]

    /// The blobs' bytes are deleted from storage: forget those still under the given lease.
    func finishBlobDeletions(_ deletions: [BlobDeletion]) async throws

    /// Deleting the bytes failed and left them in place: the blobs are claimable again, and
    /// reviewed again (if still unreferenced) not before `until`. A deletion whose outcome is
    /// unknown (a timeout) is not postponed: its lease runs out and a collector deletes again.
    func postponeBlobDeletions(_ deletions: [BlobDeletion], until: Double) async throws

    /// A client was told the blob is in `repository` while its link waits for review: the
    /// review starts over from `now`, so the push that asked is not refused its own layer.
    func postponeLinkReview(_ digest: Digest, in repository: RepositoryName, now: Double) async throws

    /// Bytes a failed manifest push wrote: recorded as a blob nothing holds (unless the blob is
    /// known already), so collection deletes them rather than leaving them for `gc orphans`.
    func recordUnreferencedBlob(_ blob: BlobRecord) async throws

    /// Candidates waiting, and due for `review`, per kind.
    func collectionQueueLength(_ review: CollectionReview) async throws -> CollectionQueueLength

    /// Whether a blob found in storage is known to the registry: a row in any state, or an
    /// upload committing it. `wharf gc orphans` deletes only what is not.
    func blobIsKnown(_ digest: Digest) async throws -> Bool
}

extension MetadataStore {
    @discardableResult
    public func putManifest(
        _ manifest: ManifestRecord, references: ManifestReferences, in repository: RepositoryName, tag: Tag?
    ) async throws -> Bool {
        try await putManifest(manifest, references: references, in: repository, tags: tag.map { [$0] } ?? [])
    }

    @discardableResult
    public func putManifest(
        _ manifest: ManifestRecord, references: ManifestReferences, in repository: RepositoryName, tags: [Tag]
    ) async throws -> Bool {
        try await putManifest(manifest, references: references, in: repository, tags: tags, immutable: [])
    }

    public func commitBlob(_ blob: BlobRecord, in repository: RepositoryName) async throws {
        try await commitBlob(blob, in: repository, releasing: nil, quota: .none)
    }

    public func linkBlob(_ digest: Digest, into repository: RepositoryName) async throws -> Bool {
        try await linkBlob(digest, into: repository, quota: .none)
    }

    public func createUpload(_ upload: UploadRecord) async throws {
        try await createUpload(upload, limit: .unlimited)
    }
}
