import Foundation
import Metadata
import NIOCore
import OCI
import StorageDriver

/// Manifests: validation on push, references checked in the same transaction that stores
/// them, bytes in blob storage (Distribution's layout) and in a memory cache.
public struct ManifestService: Sendable {
    let driver: any StorageDriver
    let metadata: any MetadataStore
    let options: RegistryOptions
    let cache: ManifestCache
    let statistics: RegistryStatistics

    init(driver: any StorageDriver, metadata: any MetadataStore, options: RegistryOptions, statistics: RegistryStatistics) {
        self.driver = driver
        self.metadata = metadata
        self.options = options
        self.statistics = statistics
        self.cache = ManifestCache(capacity: options.manifestCacheBytes)
    }

    /// What a push produced: the digest, the subject to announce in `OCI-Subject`, and the
    /// tags now pointing at it.
    public struct PutResult: Sendable, Equatable {
        public let digest: Digest
        public let subject: Digest?
        public let tags: [Tag]
    }

    /// Tags one push by digest may set (`?tag=`); the spec asks for at least 10.
    public static let maxTagsPerPush = 100

    /// Stores a manifest under `reference`; a push by digest may also name `tags` (the spec's
    /// `?tag=` parameters: how a sha512 manifest gets a tag).
    public func put(
        _ bytes: ByteBuffer, contentType: String?, reference: Reference, tags extraTags: [Tag] = [], in repository: RepositoryName,
        protection: TagProtection = .none
    ) async throws -> PutResult {
        guard bytes.readableBytes <= ManifestParser.maxSize else {
            throw RegistryError(
                .manifestInvalid, detail: "manifest is larger than \(ManifestParser.maxSize) bytes", status: 413
            )
        }
        let body = Array(bytes.readableBytesView)
        let parsed = try ManifestParser.parse(body, contentType: contentType)
        let digest: Digest
        var tags: [Tag] = []
        switch reference {
        case .digest(let claimed):
            digest = DigestHasher.digest(body, algorithm: claimed.algorithm)
            guard digest == claimed else {
                throw RegistryError(.digestInvalid, detail: "manifest has digest \(digest), not \(claimed)")
            }
            var seen = Set<Tag>()
            tags = extraTags.filter { seen.insert($0).inserted }
        case .tag(let name):
            guard extraTags.isEmpty else {
                throw RegistryError(.tagInvalid, detail: "tag parameters go with a push by digest, not by tag")
            }
            digest = DigestHasher.digest(body)
            tags = [name]
        }
        for tag in tags {
            if let rule = protection.first(protection.denyPush, matching: tag) {
                throw RegistryError(.denied, detail: "tag \(tag) is protected: this token may not push tags matching \"\(rule)\"")
            }
        }
        let immutable = Set(tags.filter { protection.first(protection.immutable, matching: $0) != nil })
        let record = ManifestRecord(
            digest: digest, mediaType: parsed.mediaType, size: Int64(body.count),
            artifactType: parsed.effectiveArtifactType, subject: parsed.subject?.digest,
            annotations: parsed.annotations, createdAt: Date().timeIntervalSince1970
        )
        let references = ManifestReferences(
            blobs: parsed.requiredBlobs.map(\.digest), manifests: parsed.manifests.map(\.digest), foreignBlobs: parsed.foreignBlobs.map(\.digest)
        )
        let path = RegistryLayout.blobData(digest)
        var wroteBytes = false
        do {
            try await DeletionWait.retrying {
                if !(try await driver.exists(path)) {
                    try await driver.putContent(path, bytes)
                    wroteBytes = true
                }
                try await metadata.putManifest(record, references: references, in: repository, tags: tags, immutable: immutable)
            }
        } catch MetadataError.tagImmutable(let tag) {
            if wroteBytes {
                try await metadata.recordUnreferencedBlob(BlobRecord(digest: digest, size: record.size, createdAt: record.createdAt))
            }
            let rule = protection.first(protection.immutable, matching: tag).map(\.source) ?? ""
            throw RegistryError(.denied, detail: "tag \(tag) is immutable (pattern \"\(rule)\"): it may not point at another manifest")
        } catch MetadataError.missingReferences(let missing) {
            // Bytes this push wrote and no manifest holds: collection deletes them.
            if wroteBytes {
                try await metadata.recordUnreferencedBlob(BlobRecord(digest: digest, size: record.size, createdAt: record.createdAt))
            }
            throw RegistryError(
                .manifestBlobUnknown,
                detail: "not in repository \(repository): " + missing.map(\.description).joined(separator: ", ")
            )
        }
        // A collector may have deleted a copy of these bytes between the check above and the
        // commit (an earlier copy swept, a deletion whose outcome was unknown). None can begin
        // now that the row holds them: write them back if they went.
        if !(try await driver.exists(path)) { try await driver.putContent(path, bytes) }
        cache.put(digest, bytes)
        statistics.record { $0.manifestsPushed += 1 }
        return PutResult(digest: digest, subject: parsed.subject?.digest, tags: tags)
    }

    public func get(_ reference: Reference, in repository: RepositoryName) async throws -> StoredManifest {
        guard let record = try await metadata.manifest(reference, in: repository) else {
            throw try await notFound(reference, in: repository)
        }
        if let bytes = cache.get(record.digest) {
            return StoredManifest(record: record, bytes: bytes)
        }
        let bytes = try await driver.getContent(RegistryLayout.blobData(record.digest))
        cache.put(record.digest, bytes)
        return StoredManifest(record: record, bytes: bytes)
    }

    /// Deletes a tag (the manifest stays), or a manifest with every tag pointing at it.
    public func delete(_ reference: Reference, in repository: RepositoryName, protection: TagProtection = .none) async throws {
        guard options.deleteEnabled else {
            throw RegistryError(.unsupported, detail: "deletion is disabled (storage.delete.enabled)")
        }
        try await refuseProtectedDelete(reference, in: repository, protection: protection)
        let deleted: Bool
        switch reference {
        case .tag(let tag): deleted = try await metadata.deleteTag(tag, in: repository)
        case .digest(let digest): deleted = try await metadata.deleteManifest(digest, in: repository)
        }
        if !deleted { throw try await notFound(reference, in: repository) }
    }

    /// A protected or immutable tag is not deleted (a tag that does not exist stays a 404, so
    /// protection tells nothing about what exists); nor, while any rule applies, is a manifest
    /// by digest, which would take its tags with it.
    private func refuseProtectedDelete(_ reference: Reference, in repository: RepositoryName, protection: TagProtection) async throws {
        switch reference {
        case .tag(let tag):
            let rule = protection.first(protection.denyDelete, matching: tag).map { ("protected", $0) }
                ?? protection.first(protection.immutable, matching: tag).map { ("immutable", $0) }
            guard let (kind, pattern) = rule else { return }
            guard try await metadata.manifest(.tag(tag), in: repository) != nil else { throw try await notFound(reference, in: repository) }
            throw RegistryError(.denied, detail: "tag \(tag) is \(kind) (pattern \"\(pattern)\"): this token may not delete it")
        case .digest:
            guard !protection.denyDelete.isEmpty || !protection.immutable.isEmpty else { return }
            throw RegistryError(
                .denied, detail: "manifests of \(repository) are deleted by tag while protected or immutable tag rules apply to this token"
            )
        }
    }

    /// `NAME_UNKNOWN` for a repository that does not exist, `MANIFEST_UNKNOWN` otherwise.
    private func notFound(_ reference: Reference, in repository: RepositoryName) async throws -> RegistryError {
        guard try await metadata.repositoryExists(repository) else {
            return RegistryError(.nameUnknown, detail: "repository \(repository) does not exist")
        }
        return RegistryError(.manifestUnknown, detail: "manifest \(reference) is not in repository \(repository)")
    }
}
