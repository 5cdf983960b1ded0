import NIOConcurrencyHelpers
import OCI

extension InMemoryMetadataStore.State {
    /// Queues a candidate; one that already waits keeps its place unless this change is later.
    mutating func enqueue(_ kind: CollectionKind, _ repository: RepositoryName?, _ digest: Digest, _ event: CollectionEvent, at time: Double) {
        let key = InMemoryMetadataStore.CandidateKey(kind: kind, repository: repository, digest: digest)
        if var waiting = queue[key] {
            if time >= waiting.queuedAt {
                waiting.queuedAt = time
                waiting.event = event
            }
            queue[key] = waiting
        } else {
            queue[key] = CollectionCandidate(kind: kind, repository: repository, digest: digest, event: event, queuedAt: time)
        }
    }

    /// Deletes a manifest and its tags, queuing what it held: its blobs' links, its children,
    /// its subject, its referrers and its own bytes.
    mutating func removeManifest(_ digest: Digest, in repository: RepositoryName, at time: Double) -> Bool {
        guard let record = manifests[repository]?.removeValue(forKey: digest) else { return false }
        tags[repository] = tags[repository]?.filter { $0.value != digest }
        let held = references[repository]?.removeValue(forKey: digest) ?? ManifestReferences()
        for blob in held.blobs { enqueue(.link, repository, blob, .manifestDeleted, at: time) }
        for child in held.manifests { enqueue(.manifest, repository, child, .manifestDeleted, at: time) }
        if let subject = record.subject { enqueue(.manifest, repository, subject, .manifestDeleted, at: time) }
        for referrer in (manifests[repository] ?? [:]).values where referrer.subject == digest {
            enqueue(.manifest, repository, referrer.digest, .manifestDeleted, at: time)
        }
        queue[InMemoryMetadataStore.CandidateKey(kind: .manifest, repository: repository, digest: digest)] = nil
        enqueue(.blob, nil, digest, .manifestDeleted, at: time)
        return true
    }

    func due(_ kind: CollectionKind, _ review: CollectionReview) -> [CollectionCandidate] {
        let due = queue.values.filter { $0.kind == kind && review.isDue($0) }
        return Array(due.sorted(by: Self.oldestFirst).prefix(review.limit))
    }

    static func oldestFirst(_ a: CollectionCandidate, _ b: CollectionCandidate) -> Bool {
        (a.queuedAt, a.digest.description, a.repository?.value ?? "") < (b.queuedAt, b.digest.description, b.repository?.value ?? "")
    }

    func isReferenced(_ digest: Digest, in repository: RepositoryName) -> Bool {
        (references[repository] ?? [:]).values.contains { $0.blobs.contains(digest) }
    }

    /// Whether a manifest must stay: tagged, a child of an index, a subject of a referrer, or
    /// a referrer whose subject is still there.
    func isManifestKept(_ record: ManifestRecord, in repository: RepositoryName) -> Bool {
        let digest = record.digest
        if (tags[repository] ?? [:]).values.contains(digest) { return true }
        if (references[repository] ?? [:]).values.contains(where: { $0.manifests.contains(digest) }) { return true }
        let present = manifests[repository] ?? [:]
        if present.values.contains(where: { $0.subject == digest }) { return true }
        if let subject = record.subject, present[subject] != nil { return true }
        return false
    }

    /// What holds a blob: a link, a manifest (its bytes or a reference); or, for the time
    /// being, an upload committing it.
    func blobHold(_ digest: Digest) -> BlobHold {
        if links.values.contains(where: { $0.contains(digest) }) { return .referenced }
        if manifests.values.contains(where: { $0[digest] != nil }) { return .referenced }
        if references.values.contains(where: { $0.values.contains { $0.blobs.contains(digest) || $0.manifests.contains(digest) } }) {
            return .referenced
        }
        return uploads.values.contains(where: { $0.committing == digest }) ? .claimed : .free
    }
}

extension InMemoryMetadataStore {
    public func collectionCandidates(_ kind: CollectionKind, limit: Int) async throws -> [CollectionCandidate] {
        state.withLockedValue { state in
            Array(state.queue.values.filter { $0.kind == kind }.sorted(by: State.oldestFirst).prefix(limit))
        }
    }

    public func collectLinks(_ review: CollectionReview) async throws -> [CollectedItem] {
        state.withLockedValue { state in
            var removed: [CollectedItem] = []
            for candidate in state.due(.link, review) {
                guard let repository = candidate.repository else { continue }
                let linked = state.links[repository]?.contains(candidate.digest) == true
                let dangling = linked && !state.isReferenced(candidate.digest, in: repository)
                if dangling { removed.append(CollectedItem(kind: .link, repository: repository, digest: candidate.digest, event: candidate.event)) }
                if review.dryRun { continue }
                state.queue[CandidateKey(kind: .link, repository: repository, digest: candidate.digest)] = nil
                if dangling { state.links[repository]?.remove(candidate.digest) }
                if dangling || !linked { state.enqueue(.blob, nil, candidate.digest, .linkRemoved, at: review.queuedBy) }
            }
            return removed
        }
    }

    public func collectManifests(_ review: CollectionReview) async throws -> [CollectedItem] {
        state.withLockedValue { state in
            var removed: [CollectedItem] = []
            for candidate in state.due(.manifest, review) {
                guard let repository = candidate.repository else { continue }
                let key = CandidateKey(kind: .manifest, repository: repository, digest: candidate.digest)
                guard let record = state.manifests[repository]?[candidate.digest] else {
                    if !review.dryRun { state.queue[key] = nil }
                    continue
                }
                if state.isManifestKept(record, in: repository) {
                    if !review.dryRun { state.queue[key] = nil }
                    continue
                }
                removed.append(CollectedItem(kind: .manifest, repository: repository, digest: candidate.digest, event: candidate.event))
                if !review.dryRun { _ = state.removeManifest(candidate.digest, in: repository, at: review.now) }
            }
            return removed
        }
    }

    public func beginBlobDeletions(_ review: CollectionReview, leaseUntil: Double) async throws -> [BlobDeletion] {
        state.withLockedValue { state in
            var begun: [BlobDeletion] = []
            // Deletions a collector began and never finished: already decided, taken over.
            for (digest, lease) in state.deleting.sorted(by: { $0.value < $1.value }) where lease < review.now {
                guard begun.count < review.limit, let blob = state.blobs[digest] else { continue }
                let candidate = state.queue[CandidateKey(kind: .blob, repository: nil, digest: digest)]
                if !review.dryRun { state.deleting[digest] = leaseUntil }
                begun.append(BlobDeletion(
                    digest: digest, size: blob.size, lease: review.dryRun ? lease : leaseUntil, reviewCount: candidate?.reviewCount ?? 0,
                    event: candidate?.event ?? .blobUnlinked
                ))
            }
            for candidate in state.due(.blob, review) where begun.count < review.limit && state.deleting[candidate.digest] == nil {
                let key = CandidateKey(kind: .blob, repository: nil, digest: candidate.digest)
                guard let blob = state.blobs[candidate.digest] else {
                    if !review.dryRun { state.queue[key] = nil }
                    continue
                }
                switch state.blobHold(candidate.digest) {
                case .referenced:
                    if !review.dryRun { state.queue[key] = nil }
                    continue
                case .claimed:
                    // The upload may still fail and leave it unreferenced: look again later.
                    if !review.dryRun { state.queue[key]?.notBefore = review.now + BlobClaim.recheck }
                    continue
                case .free:
                    break
                }
                if !review.dryRun { state.deleting[candidate.digest] = leaseUntil }
                begun.append(BlobDeletion(
                    digest: candidate.digest, size: blob.size, lease: leaseUntil, reviewCount: candidate.reviewCount, event: candidate.event
                ))
            }
            return begun
        }
    }

    public func beginOrphanDeletions(_ orphans: [BlobRecord], leaseUntil: Double) async throws -> [BlobDeletion] {
        state.withLockedValue { state in
            orphans.compactMap { orphan in
                guard state.blobs[orphan.digest] == nil, !state.uploads.values.contains(where: { $0.committing == orphan.digest }) else {
                    return nil
                }
                state.blobs[orphan.digest] = orphan
                state.deleting[orphan.digest] = leaseUntil
                return BlobDeletion(digest: orphan.digest, size: orphan.size, lease: leaseUntil, event: .orphan)
            }
        }
    }

    public func finishBlobDeletions(_ deletions: [BlobDeletion]) async throws {
        state.withLockedValue { state in
            for deletion in deletions where state.deleting[deletion.digest] == deletion.lease {
                state.deleting[deletion.digest] = nil
                state.blobs[deletion.digest] = nil
                state.queue[CandidateKey(kind: .blob, repository: nil, digest: deletion.digest)] = nil
            }
        }
    }

    public func postponeBlobDeletions(_ deletions: [BlobDeletion], until: Double) async throws {
        state.withLockedValue { state in
            for deletion in deletions where state.deleting[deletion.digest] == deletion.lease {
                state.deleting[deletion.digest] = nil
                let key = CandidateKey(kind: .blob, repository: nil, digest: deletion.digest)
                var candidate = state.queue[key]
                    ?? CollectionCandidate(kind: .blob, repository: nil, digest: deletion.digest, event: deletion.event, queuedAt: deletion.lease)
                candidate.notBefore = until
                candidate.reviewCount = deletion.reviewCount + 1
                state.queue[key] = candidate
            }
        }
    }

    public func postponeLinkReview(_ digest: Digest, in repository: RepositoryName, now: Double) async throws {
        state.withLockedValue { state in
            let key = CandidateKey(kind: .link, repository: repository, digest: digest)
            if state.queue[key] != nil { state.enqueue(.link, repository, digest, .blobChecked, at: now) }
        }
    }

    public func collectionQueueLength(_ review: CollectionReview) async throws -> CollectionQueueLength {
        state.withLockedValue { state in
            var length = CollectionQueueLength(deleting: state.deleting.count)
            for candidate in state.queue.values {
                length.waiting[candidate.kind, default: 0] += 1
                if review.isDue(candidate) { length.due[candidate.kind, default: 0] += 1 }
            }
            return length
        }
    }

    public func recordUnreferencedBlob(_ blob: BlobRecord) async throws {
        state.withLockedValue { state in
            guard state.blobs[blob.digest] == nil else { return }
            state.blobs[blob.digest] = blob
            state.enqueue(.blob, nil, blob.digest, .pushFailed, at: blob.createdAt)
        }
    }

    public func blobIsKnown(_ digest: Digest) async throws -> Bool {
        state.withLockedValue { state in
            state.blobs[digest] != nil || state.uploads.values.contains { $0.committing == digest }
        }
    }
}
