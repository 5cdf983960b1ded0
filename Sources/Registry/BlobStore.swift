import Foundation
import Metadata
import OCI
import StorageDriver

/// Blobs of repositories: existence and size from the metadata store, bytes from the driver.
/// A blob is stored once, however many repositories link it.
public struct BlobStore: Sendable {
    let driver: any StorageDriver
    let metadata: any MetadataStore
    let options: RegistryOptions
    let statistics: RegistryStatistics

    init(driver: any StorageDriver, metadata: any MetadataStore, options: RegistryOptions, statistics: RegistryStatistics) {
        self.driver = driver
        self.metadata = metadata
        self.options = options
        self.statistics = statistics
    }

    /// The blob linked into `repository`, or `BLOB_UNKNOWN`. A client told a blob exists may
    /// reference it next: a link waiting for review that would be due within the upload grace
    /// has its review started over (as a push in progress), so the push that asked is not
    /// refused its own layer. That bookkeeping is best-effort: it never fails the request.
    public func stat(_ digest: Digest, in repository: RepositoryName) async throws -> BlobRecord {
        guard let blob = try await metadata.blob(digest, in: repository) else {
            throw RegistryError(.blobUnknown, detail: "blob \(digest) is not in repository \(repository)")
        }
        if let timing = options.collectionTiming, let queued = blob.linkQueuedAt {
            let delay = blob.linkQueuedEvent?.isPushInProgress == true ? max(timing.reviewAfter, timing.uploadGrace) : timing.reviewAfter
            let now = Date().timeIntervalSince1970
            if queued + delay - now < max(timing.uploadGrace, 1) / 2 {
                try? await metadata.postponeLinkReview(digest, in: repository, now: now)
            }
        }
        return blob
    }

    public func content(_ digest: Digest, in repository: RepositoryName) async throws -> BlobContent {
        let blob = try await stat(digest, in: repository)
        return BlobContent(digest: digest, size: blob.size, driver: driver, path: RegistryLayout.blobData(digest))
    }

    /// Links a blob of `source` into `target` (a cross-repository mount). False when `source`
    /// does not hold it, so the client falls back to an upload.
    public func mount(_ digest: Digest, from source: RepositoryName, into target: RepositoryName) async throws -> Bool {
        guard try await metadata.blob(digest, in: source) != nil else { return false }
        return try await link(digest, into: target)
    }

    /// Repositories an automatic mount looks at for a source the caller may read.
    static let mountCandidates = 64

    /// Links a blob into `target` without a named source (`?mount=` without `from`): only
    /// from a repository that links it and that the caller may pull. A digest is not a
    /// credential; false (the client uploads) when no readable repository holds the blob.
    public func mountAnywhere(
        _ digest: Digest, into target: RepositoryName, readableBy mayPull: (RepositoryName) async throws -> Bool
    ) async throws -> Bool {
        for source in try await metadata.repositories(linking: digest, limit: Self.mountCandidates) where try await mayPull(source) {
            return try await mount(digest, from: source, into: target)
        }
        return false
    }

    /// A mount that would take a path of `target` past its limit is refused with 403, not
    /// answered with an upload the client could not finish either.
    private func link(_ digest: Digest, into target: RepositoryName) async throws -> Bool {
        let linked: Bool
        do {
            linked = try await metadata.linkBlob(digest, into: target, quota: options.quotaDefaults)
        } catch MetadataError.quotaExceeded(let refusal) {
            throw refusal.registryError
        }
        if linked { statistics.record { $0.blobMounts += 1 } }
        return linked
    }

    /// Removes the blob from the repository. Its bytes stay until garbage collection, since
    /// other repositories may link the same blob.
    public func delete(_ digest: Digest, in repository: RepositoryName) async throws {
        guard options.deleteEnabled else {
            throw RegistryError(.unsupported, detail: "deletion is disabled (storage.delete.enabled)")
        }
        guard try await metadata.unlinkBlob(digest, from: repository) else {
            throw RegistryError(.blobUnknown, detail: "blob \(digest) is not in repository \(repository)")
        }
    }

    /// Whether the blob is stored: known, and its file present.
    func isStored(_ digest: Digest) async throws -> Bool {
        guard try await metadata.blob(digest) != nil else { return false }
        return try await driver.exists(RegistryLayout.blobData(digest))
    }

    /// Commits verified upload bytes as the blob `digest` and links it into `repository`,
    /// turning what the upload reserved into usage. The bytes arrive by `rename(2)` on the
    /// filesystem, so a blob file is never half written.
    /// Should a limit refuse the link after all (the path stopped linking the blob while the
    /// upload closed, so its reservation does not cover it), moved bytes are recorded as a
    /// blob nothing holds, for collection, and the client gets 403.
    func commit(
        uploadPath: String, digest: Digest, size: Int64, into repository: RepositoryName, upload: String, quota: QuotaDefaults
    ) async throws {
        var moved = false
        if !(try await isStored(digest)) {
            try await driver.move(uploadPath, to: RegistryLayout.blobData(digest))
            moved = true
        }
        let record = BlobRecord(digest: digest, size: size, createdAt: Date().timeIntervalSince1970)
        do {
            try await metadata.commitBlob(record, in: repository, releasing: upload, quota: quota)
        } catch MetadataError.quotaExceeded(let refusal) {
            if moved { try? await metadata.recordUnreferencedBlob(record) }
            throw refusal.registryError
        }
        statistics.record {
            $0.blobsCommitted += 1
            $0.bytesCommitted += size
        }
    }
}
