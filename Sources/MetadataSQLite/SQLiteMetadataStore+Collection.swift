import GRDB
import Metadata
import OCI

/// Garbage collection's reviews. Each batch is one write transaction: SQLite serialises it
/// with every push, mount and delete, so a review's check and the change it makes cannot be
/// split by another request (dry runs read only).
extension SQLiteMetadataStore {
    public func collectionCandidates(_ kind: CollectionKind, limit: Int) async throws -> [CollectionCandidate] {
        try await database.scan { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT q.repository_id, r.name, q.digest, q.event, q.queued_at, q.not_before, q.review_count
                        FROM gc_queue q LEFT JOIN repositories r ON r.id = q.repository_id
                        WHERE q.kind = ? ORDER BY q.queued_at, q.digest LIMIT ?
                        """
                ),
                arguments: [kind.rawValue, limit]
            ).map { try Self.candidate(kind, $0) }
        }
    }

    public func collectLinks(_ review: CollectionReview) async throws -> [CollectedItem] {
        try await transaction(dryRun: review.dryRun) { db in
            var removed: [CollectedItem] = []
            for (id, candidate) in try Self.due(db, .link, review) {
                guard let repository = candidate.repository else { continue }
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM repository_blobs WHERE repository_id = ?1 AND digest = ?2),
                                EXISTS (SELECT 1 FROM manifest_references WHERE repository_id = ?1 AND child_digest = ?2 AND child_is_manifest = 0)
                            """
                    ),
                    arguments: [id, candidate.digest.description]
                )
                let linked: Bool = row?[0] ?? false
                let referenced: Bool = row?[1] ?? true
                let dangling = linked && !referenced
                if dangling { removed.append(CollectedItem(kind: .link, repository: repository, digest: candidate.digest, event: candidate.event)) }
                if review.dryRun { continue }
                try Self.dequeue(db, .link, id, candidate.digest)
                if dangling {
                    try db.cachedStatement(sql: "DELETE FROM repository_blobs WHERE repository_id = ? AND digest = ?")
                        .execute(arguments: [id, candidate.digest.description])
                    try Self.countLink(db, candidate.digest, in: repository, change: -1)
                }
                if dangling || !linked {
                    // The link already waited its review delay (or a client removed it): the blob's
                    // own review is due at once, and decides whether anything else holds it.
                    try Self.enqueue(db, .blob, 0, candidate.digest, .linkRemoved, at: review.queuedBy)
                }
            }
            return removed
        }
    }

    public func collectManifests(_ review: CollectionReview) async throws -> [CollectedItem] {
        try await transaction(dryRun: review.dryRun) { db in
            var removed: [CollectedItem] = []
            for (id, candidate) in try Self.due(db, .manifest, review) {
                guard let repository = candidate.repository else { continue }
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT subject FROM manifests WHERE repository_id = ? AND digest = ?"),
                    arguments: [id, candidate.digest.description]
                )
                guard let row else {
                    // Deleted meanwhile: its deletion queued what it held, and its bytes.
                    if !review.dryRun { try Self.dequeue(db, .manifest, id, candidate.digest) }
                    continue
                }
                guard !(try Self.isManifestKept(db, candidate.digest, subject: row[0], in: id)) else {
                    if !review.dryRun { try Self.dequeue(db, .manifest, id, candidate.digest) }
                    continue
                }
                removed.append(CollectedItem(kind: .manifest, repository: repository, digest: candidate.digest, event: candidate.event))
                if !review.dryRun { _ = try Self.removeManifest(db, candidate.digest, in: id, at: review.now) }
            }
            return removed
        }
    }

    public func beginBlobDeletions(_ review: CollectionReview, leaseUntil: Double) async throws -> [BlobDeletion] {
        try await transaction(dryRun: review.dryRun) { db in
            var begun: [BlobDeletion] = []
            // Deletions whose lease expired (their collector died or gave up): already decided, taken over.
            let stale = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT b.digest, b.size, b.deleting, q.review_count, q.event FROM blobs b
                        LEFT JOIN gc_queue q ON q.kind = 'blob' AND q.repository_id = 0 AND q.digest = b.digest
                        WHERE b.deleting IS NOT NULL AND b.deleting < ? ORDER BY b.deleting LIMIT ?
                        """
                ),
                arguments: [review.now, review.limit]
            )
            for row in stale {
                let digest = try Digest(parsing: row[0])
                let oldLease: Double = row[2]
                if !review.dryRun {
                    try db.cachedStatement(sql: "UPDATE blobs SET deleting = ? WHERE digest = ?").execute(arguments: [leaseUntil, digest.description])
                }
                begun.append(BlobDeletion(
                    digest: digest, size: row[1], lease: review.dryRun ? oldLease : leaseUntil, reviewCount: (row[3] as Int?) ?? 0,
                    event: (row[4] as String?).flatMap(CollectionEvent.init(rawValue:)) ?? .blobUnlinked
                ))
            }
            for (_, candidate) in try Self.due(db, .blob, review) where begun.count < review.limit {
                let blob = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT size, deleting FROM blobs WHERE digest = ?"), arguments: [candidate.digest.description]
                )
                if let blob, (blob[1] as Double?) != nil { continue }  // being deleted by another collector
                guard let blob else {
                    if !review.dryRun { try Self.dequeue(db, .blob, 0, candidate.digest) }
                    continue
                }
                switch try Self.blobHold(db, candidate.digest) {
                case .referenced:
                    if !review.dryRun { try Self.dequeue(db, .blob, 0, candidate.digest) }
                    continue
                case .claimed:
                    // The upload may still fail and leave it unreferenced: look again later.
                    if !review.dryRun {
                        try db.cachedStatement(sql: "UPDATE gc_queue SET not_before = ? WHERE kind = 'blob' AND repository_id = 0 AND digest = ?")
                            .execute(arguments: [review.now + BlobClaim.recheck, candidate.digest.description])
                    }
                    continue
                case .free:
                    break
                }
                if !review.dryRun {
                    try db.cachedStatement(sql: "UPDATE blobs SET deleting = ? WHERE digest = ?")
                        .execute(arguments: [leaseUntil, candidate.digest.description])
                }
                begun.append(BlobDeletion(
                    digest: candidate.digest, size: blob[0], lease: leaseUntil, reviewCount: candidate.reviewCount, event: candidate.event
                ))
            }
            return begun
        }
    }

    public func beginOrphanDeletions(_ orphans: [BlobRecord], leaseUntil: Double) async throws -> [BlobDeletion] {
        guard !orphans.isEmpty else { return [] }
        return try await database.write { db in
            var begun: [BlobDeletion] = []
            for orphan in orphans {
                let known = try Bool.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT EXISTS (SELECT 1 FROM blobs WHERE digest = ?1) OR EXISTS (SELECT 1 FROM uploads WHERE committing = ?1)"
                    ),
                    arguments: [orphan.digest.description]
                ) ?? true
                if known { continue }
                try db.cachedStatement(sql: "INSERT INTO blobs (digest, size, created_at, deleting) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [orphan.digest.description, orphan.size, orphan.createdAt, leaseUntil])
                begun.append(BlobDeletion(digest: orphan.digest, size: orphan.size, lease: leaseUntil, event: .orphan))
            }
            return begun
        }
    }

    public func finishBlobDeletions(_ deletions: [BlobDeletion]) async throws {
        guard !deletions.isEmpty else { return }
        try await database.write { db in
            for deletion in deletions {
                try db.cachedStatement(sql: "DELETE FROM blobs WHERE digest = ? AND deleting = ?")
                    .execute(arguments: [deletion.digest.description, deletion.lease])
                if db.changesCount > 0 { try Self.dequeue(db, .blob, 0, deletion.digest) }
            }
        }
    }

    public func postponeBlobDeletions(_ deletions: [BlobDeletion], until: Double) async throws {
        guard !deletions.isEmpty else { return }
        try await database.write { db in
            for deletion in deletions {
                try db.cachedStatement(sql: "UPDATE blobs SET deleting = NULL WHERE digest = ? AND deleting = ?")
                    .execute(arguments: [deletion.digest.description, deletion.lease])
                guard db.changesCount > 0 else { continue }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO gc_queue (kind, repository_id, digest, event, queued_at, not_before, review_count)
                        VALUES ('blob', 0, ?, ?, ?, ?, ?)
                        ON CONFLICT (kind, repository_id, digest) DO UPDATE SET
                            not_before = excluded.not_before, review_count = excluded.review_count
                        """
                ).execute(arguments: [deletion.digest.description, deletion.event.rawValue, deletion.lease, until, deletion.reviewCount + 1])
            }
        }
    }

    public func postponeLinkReview(_ digest: Digest, in repository: RepositoryName, now: Double) async throws {
        try await database.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE gc_queue SET event = CASE WHEN ?1 >= queued_at THEN 'blob_check' ELSE event END, queued_at = max(queued_at, ?1)
                    WHERE kind = 'link' AND repository_id = (SELECT id FROM repositories WHERE name = ?2) AND digest = ?3
                    """
            ).execute(arguments: [now, repository.value, digest.description])
        }
    }

    public func recordUnreferencedBlob(_ blob: BlobRecord) async throws {
        try await database.write { db in
            try db.cachedStatement(
                sql: "INSERT INTO blobs (digest, size, created_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING"
            ).execute(arguments: [blob.digest.description, blob.size, blob.createdAt])
            if db.changesCount > 0 { try Self.enqueue(db, .blob, 0, blob.digest, .pushFailed, at: blob.createdAt) }
        }
    }

    public func collectionQueueLength(_ review: CollectionReview) async throws -> CollectionQueueLength {
        try await database.scan { db in
            var length = CollectionQueueLength()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, COUNT(*), SUM(queued_at <= ? AND not_before <= ?
                        AND (event NOT IN ('blob_upload', 'blob_mount', 'blob_check', 'manifest_upload') OR queued_at <= ?))
                    FROM gc_queue GROUP BY kind
                    """,
                arguments: [review.queuedBy, review.now, review.pushesQueuedBy]
            )
            for row in rows {
                guard let kind = CollectionKind(rawValue: row[0]) else { continue }
                length.waiting[kind] = row[1]
                length.due[kind] = (row[2] as Int?) ?? 0
            }
            length.deleting = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blobs WHERE deleting IS NOT NULL") ?? 0
            return length
        }
    }

    public func blobIsKnown(_ digest: Digest) async throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM blobs WHERE digest = ?1)
                            OR EXISTS (SELECT 1 FROM uploads WHERE committing = ?1)
                        """
                ),
                arguments: [digest.description]
            ) ?? true
        }
    }

    /// A review batch: one write transaction, or a read for a dry run.
    private func transaction<T: Sendable>(dryRun: Bool, _ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        dryRun ? try await database.scan(body) : try await database.write(body)
    }
}
