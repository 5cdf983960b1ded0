import Foundation
import NIOConcurrencyHelpers
import OCI

/// A store in memory, for tests and as the reference behaviour of the conformance suite.
public final class InMemoryMetadataStore: MetadataStore {
    /// The clock for events that carry no time of their own (deletes, mounts).
    static func now() -> Double { Date().timeIntervalSince1970 }

    struct State {
        var repositories: Set<RepositoryName> = []
        var blobs: [Digest: BlobRecord] = [:]
        var links: [RepositoryName: Set<Digest>] = [:]
        var manifests: [RepositoryName: [Digest: ManifestRecord]] = [:]
        var references: [RepositoryName: [Digest: ManifestReferences]] = [:]
        var tags: [RepositoryName: [Tag: Digest]] = [:]
        /// When each tag was last pushed.
        var tagPushes: [RepositoryName: [Tag: Double]] = [:]
        var cleanupPolicies: [String: CleanupPolicy] = [:]
        var repositoryCreated: [RepositoryName: Double] = [:]

        mutating func addRepository(_ repository: RepositoryName, at time: Double) {
            if repositories.insert(repository).inserted { repositoryCreated[repository] = time }
        }
        var uploads: [String: UploadRecord] = [:]
        /// The review queue, keyed by kind, repository and digest.
        var queue: [CandidateKey: CollectionCandidate] = [:]
        /// Blobs whose deletion has begun, with the lease.
        var deleting: [Digest: Double] = [:]
        /// Limits set, by path.
        var quotas: [String: Int64] = [:]
        /// Rename leases by target: the source holding it and until when.
        var renameLeases: [String: (source: String, expires: Double)] = [:]
    }

    struct CandidateKey: Hashable {
        var kind: CollectionKind
        var repository: RepositoryName?
        var digest: Digest
    }

    let state = NIOLockedValueBox(State())

    public init() {}

    public func repositoryExists(_ name: RepositoryName) async throws -> Bool {
        state.withLockedValue { $0.repositories.contains(name) }
    }

    public func repositories(after last: String?, limit: Int) async throws -> [RepositoryName] {
        state.withLockedValue { state in
            Array(state.repositories.filter { last == nil || $0.value > last! }.sorted().prefix(limit))
        }
    }

    public func blob(_ digest: Digest) async throws -> BlobRecord? {
        state.withLockedValue { $0.deleting[digest] == nil ? $0.blobs[digest] : nil }
    }

    public func blob(_ digest: Digest, in repository: RepositoryName) async throws -> BlobRecord? {
        state.withLockedValue { state in
            guard state.links[repository]?.contains(digest) == true, var record = state.blobs[digest] else { return nil }
            let queued = state.queue[CandidateKey(kind: .link, repository: repository, digest: digest)]
            record.linkQueuedAt = queued?.queuedAt
            record.linkQueuedEvent = queued?.event
            return record
        }
    }

    public func commitBlob(
        _ blob: BlobRecord, in repository: RepositoryName, releasing upload: String?, quota: QuotaDefaults
    ) async throws {
        try state.withLockedValue { state in
            guard state.deleting[blob.digest] == nil else { throw MetadataError.blobBeingDeleted(blob.digest) }
            let held = upload.flatMap { state.uploads[$0]?.reserved } ?? 0
            if let upload { state.uploads[upload]?.reserved = 0 }
            do {
                try state.checkLimits(of: repository, adding: state.blobs[blob.digest] ?? blob, reserving: 0, quota: quota)
            } catch {
                if let upload { state.uploads[upload]?.reserved = held }
                throw error
            }
            if state.blobs[blob.digest] == nil { state.blobs[blob.digest] = blob }
            state.addRepository(repository, at: blob.createdAt)
            state.links[repository, default: []].insert(blob.digest)
            state.enqueue(.link, repository, blob.digest, .blobUploaded, at: blob.createdAt)
        }
    }

    public func linkBlob(_ digest: Digest, into repository: RepositoryName, quota: QuotaDefaults) async throws -> Bool {
        try state.withLockedValue { state in
            guard let blob = state.blobs[digest], state.deleting[digest] == nil else { return false }
            try state.checkLimits(of: repository, adding: blob, reserving: 0, quota: quota)
            state.addRepository(repository, at: Self.now())
            state.links[repository, default: []].insert(digest)
            state.enqueue(.link, repository, digest, .blobMounted, at: Self.now())
            return true
        }
    }

    public func repositories(linking digest: Digest, limit: Int) async throws -> [RepositoryName] {
        state.withLockedValue { state in
            Array(state.links.filter { $0.value.contains(digest) }.keys.sorted { $0.value < $1.value }.prefix(limit))
        }
    }

    public func unlinkBlob(_ digest: Digest, from repository: RepositoryName) async throws -> Bool {
        state.withLockedValue { state in
            guard state.links[repository]?.remove(digest) != nil else { return false }
            state.queue[CandidateKey(kind: .link, repository: repository, digest: digest)] = nil
            state.enqueue(.blob, nil, digest, .blobUnlinked, at: Self.now())
            return true
        }
    }

    public func putManifest(
        _ manifest: ManifestRecord, references: ManifestReferences, in repository: RepositoryName, tags: [Tag], immutable: Set<Tag>
    ) async throws -> Bool {
        try state.withLockedValue { state in
            for tag in tags where immutable.contains(tag) {
                if let current = state.tags[repository]?[tag], current != manifest.digest { throw MetadataError.tagImmutable(tag) }
            }
            let linked = state.links[repository] ?? []
            let present = state.manifests[repository] ?? [:]
            var missing = references.blobs.filter { !linked.contains($0) }
            missing += references.manifests.filter { present[$0] == nil }
            guard missing.isEmpty else { throw MetadataError.missingReferences(missing) }
            guard state.deleting[manifest.digest] == nil else { throw MetadataError.blobBeingDeleted(manifest.digest) }
            state.addRepository(repository, at: manifest.createdAt)
            let bytesWereUnknown = state.blobs[manifest.digest] == nil
            if bytesWereUnknown {
                state.blobs[manifest.digest] = BlobRecord(digest: manifest.digest, size: manifest.size, createdAt: manifest.createdAt)
            }
            let isNew = state.manifests[repository]?[manifest.digest] == nil
            if isNew {
                state.manifests[repository, default: [:]][manifest.digest] = manifest
                var held = references
                held.blobs += references.foreignBlobs.filter { linked.contains($0) }
                held.foreignBlobs = []
                state.references[repository, default: [:]][manifest.digest] = held
            }
            for tag in tags {
                if let previous = state.tags[repository]?[tag], previous != manifest.digest {
                    state.enqueue(.manifest, repository, previous, .tagMoved, at: manifest.createdAt)
                }
                state.tags[repository, default: [:]][tag] = manifest.digest
                state.tagPushes[repository, default: [:]][tag] = manifest.createdAt
            }
            if isNew && tags.isEmpty {
                state.enqueue(.manifest, repository, manifest.digest, .manifestUploaded, at: manifest.createdAt)
            }
            return bytesWereUnknown
        }
    }

    public func manifest(_ reference: Reference, in repository: RepositoryName) async throws -> ManifestRecord? {
        state.withLockedValue { state in
            switch reference {
            case .digest(let digest):
                return state.manifests[repository]?[digest]
            case .tag(let tag):
                guard let digest = state.tags[repository]?[tag] else { return nil }
                return state.manifests[repository]?[digest]
            }
        }
    }

    public func deleteManifest(_ digest: Digest, in repository: RepositoryName) async throws -> Bool {
        state.withLockedValue { state in state.removeManifest(digest, in: repository, at: Self.now()) }
    }

    public func deleteTag(_ tag: Tag, in repository: RepositoryName) async throws -> Bool {
        state.withLockedValue { state in
            guard let digest = state.tags[repository]?.removeValue(forKey: tag) else { return false }
            state.enqueue(.manifest, repository, digest, .tagDeleted, at: Self.now())
            return true
        }
    }

    public func tags(in repository: RepositoryName, after last: String?, limit: Int) async throws -> [Tag] {
        state.withLockedValue { state in
            let tags = (state.tags[repository] ?? [:]).keys.filter { last == nil || $0.value > last! }
            return Array(tags.sorted().prefix(limit))
        }
    }

    public func referrers(of digest: Digest, in repository: RepositoryName, artifactType: String?) async throws -> [Descriptor] {
        state.withLockedValue { state in
            (state.manifests[repository] ?? [:]).values
                .filter { $0.subject == digest && (artifactType == nil || $0.artifactType == artifactType) }
                .sorted { $0.digest < $1.digest }
                .map(\.descriptor)
        }
    }

    public func createUpload(_ upload: UploadRecord, limit: UploadLimit) async throws {
        try state.withLockedValue { state in
            let open = state.uploads.values
            if open.count(where: { $0.repository == upload.repository }) >= limit.perRepository {
                throw MetadataError.tooManyUploads("repository \(upload.repository) has \(limit.perRepository) open uploads")
            }
            if let owner = upload.owner, open.count(where: { $0.owner == owner }) >= limit.perOwner {
                throw MetadataError.tooManyUploads("\(owner) has \(limit.perOwner) open uploads")
            }
            var upload = upload
            upload.reserved = 0
            state.uploads[upload.id] = upload
        }
    }

    public func upload(_ id: String) async throws -> UploadRecord? {
        state.withLockedValue { $0.uploads[id] }
    }

    public func markUploadCommitting(_ id: String, digest: Digest) async throws {
        try state.withLockedValue { state in
            guard state.deleting[digest] == nil else { throw MetadataError.blobBeingDeleted(digest) }
            guard state.uploads[id] != nil else { throw MetadataError.uploadGone(id) }
            state.uploads[id]?.committing = digest
        }
    }

    public func uploadCount() async throws -> Int {
        state.withLockedValue { $0.uploads.count }
    }

    public func deleteUpload(_ id: String) async throws {
        state.withLockedValue { state in
            guard let committing = state.uploads.removeValue(forKey: id)?.committing else { return }
            // The claim is released: a blob candidate it held is due again at once.
            let key = CandidateKey(kind: .blob, repository: nil, digest: committing)
            if state.queue[key]?.reviewCount == 0 { state.queue[key]?.notBefore = 0 }
        }
    }

    public func uploads(startedBefore time: Double) async throws -> [UploadRecord] {
        state.withLockedValue { state in
            state.uploads.values.filter { $0.startedAt < time }.sorted { $0.startedAt < $1.startedAt }
        }
    }
}
