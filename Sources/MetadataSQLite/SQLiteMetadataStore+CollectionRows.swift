import GRDB
import Metadata
import OCI

/// The review queue's row helpers, used inside the transactions that make candidates and
/// those that review them. Blob candidates have repository 0: a blob is the registry's.
extension SQLiteMetadataStore {
    /// Queues a candidate; one that already waits keeps its place unless this change is later.
    static func enqueue(_ db: Database, _ kind: CollectionKind, _ repositoryID: Int64, _ digest: Digest, _ event: CollectionEvent, at time: Double) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO gc_queue (kind, repository_id, digest, event, queued_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (kind, repository_id, digest) DO UPDATE SET
                    event = CASE WHEN excluded.queued_at >= queued_at THEN excluded.event ELSE event END,
                    queued_at = max(queued_at, excluded.queued_at)
                """
        ).execute(arguments: [kind.rawValue, repositoryID, digest.description, event.rawValue, time])
    }

    static func dequeue(_ db: Database, _ kind: CollectionKind, _ repositoryID: Int64, _ digest: Digest) throws {
        try db.cachedStatement(sql: "DELETE FROM gc_queue WHERE kind = ? AND repository_id = ? AND digest = ?")
            .execute(arguments: [kind.rawValue, repositoryID, digest.description])
    }

    /// Refuses to let anything claim a blob whose deletion has begun.
    static func refuseIfDeleting(_ db: Database, _ digest: Digest) throws {
        let lease = try Double.fetchOne(
            db.cachedStatement(sql: "SELECT deleting FROM blobs WHERE digest = ? AND deleting IS NOT NULL"), arguments: [digest.description]
        )
        if lease != nil { throw MetadataError.blobBeingDeleted(digest) }
    }

    /// Deletes a manifest and its tags, queuing what it held: its blobs' links, its children,
    /// its subject, its referrers and its own bytes.
    static func removeManifest(_ db: Database, _ digest: Digest, in repositoryID: Int64, at time: Double) throws -> Bool {
        let text = digest.description
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT subject FROM manifests WHERE repository_id = ? AND digest = ?"), arguments: [repositoryID, text]
        ) else { return false }
        let held = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT child_digest, child_is_manifest FROM manifest_references WHERE repository_id = ? AND manifest_digest = ?"),
            arguments: [repositoryID, text]
        )
        for reference in held {
            let child = try Digest(parsing: reference[0])
            try enqueue(db, (reference[1] as Bool) ? .manifest : .link, repositoryID, child, .manifestDeleted, at: time)
        }
        if let subject = row[0] as String? {
            try enqueue(db, .manifest, repositoryID, try Digest(parsing: subject), .manifestDeleted, at: time)
        }
        let referrers = try String.fetchAll(
            db.cachedStatement(sql: "SELECT digest FROM manifests WHERE repository_id = ? AND subject = ?"), arguments: [repositoryID, text]
        )
        for referrer in referrers {
            try enqueue(db, .manifest, repositoryID, try Digest(parsing: referrer), .manifestDeleted, at: time)
        }
        try db.cachedStatement(sql: "DELETE FROM manifests WHERE repository_id = ? AND digest = ?").execute(arguments: [repositoryID, text])
        try dequeue(db, .manifest, repositoryID, digest)
        try enqueue(db, .blob, 0, digest, .manifestDeleted, at: time)
        return true
    }

    /// Candidates of `kind` due for `review`, oldest first, with their repository's name.
    static func due(_ db: Database, _ kind: CollectionKind, _ review: CollectionReview) throws -> [(Int64, CollectionCandidate)] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT q.repository_id, r.name, q.digest, q.event, q.queued_at, q.not_before, q.review_count
                    FROM gc_queue q LEFT JOIN repositories r ON r.id = q.repository_id
                    WHERE q.kind = ? AND q.queued_at <= ? AND q.not_before <= ?
                        AND (q.event NOT IN ('blob_upload', 'blob_mount', 'blob_check', 'manifest_upload') OR q.queued_at <= ?)
                    ORDER BY q.queued_at, q.digest LIMIT ?
                    """
            ),
            arguments: [kind.rawValue, review.queuedBy, review.now, review.pushesQueuedBy, review.limit]
        )
        return try rows.map { row in (row[0], try candidate(kind, row)) }
    }

    /// A queue row as read by `due` and `collectionCandidates` (columns from the repository id on).
    static func candidate(_ kind: CollectionKind, _ row: Row) throws -> CollectionCandidate {
        CollectionCandidate(
            kind: kind, repository: try (row[1] as String?).map { try RepositoryName($0) }, digest: try Digest(parsing: row[2]),
            event: CollectionEvent(rawValue: row[3]) ?? .manifestDeleted, queuedAt: row[4], notBefore: row[5], reviewCount: row[6]
        )
    }

    /// Whether a manifest must stay: tagged, a child of an index, a subject of a referrer, or a
    /// referrer whose subject is still there.
    static func isManifestKept(_ db: Database, _ digest: Digest, subject: String?, in repositoryID: Int64) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM tags WHERE repository_id = ?1 AND digest = ?2)
                        OR EXISTS (SELECT 1 FROM manifest_references WHERE repository_id = ?1 AND child_digest = ?2 AND child_is_manifest = 1)
                        OR EXISTS (SELECT 1 FROM manifests WHERE repository_id = ?1 AND subject = ?2)
                        OR (?3 IS NOT NULL AND EXISTS (SELECT 1 FROM manifests WHERE repository_id = ?1 AND digest = ?3))
                    """
            ),
            arguments: [repositoryID, digest.description, subject]
        ) ?? true
    }

    /// What holds a blob: a link anywhere, a manifest's bytes or reference; or, for the time
    /// being, an upload committing it.
    static func blobHold(_ db: Database, _ digest: Digest) throws -> BlobHold {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM repository_blobs WHERE digest = ?1)
                        OR EXISTS (SELECT 1 FROM manifests WHERE digest = ?1)
                        OR EXISTS (SELECT 1 FROM manifest_references WHERE child_digest = ?1),
                        EXISTS (SELECT 1 FROM uploads WHERE committing = ?1)
                    """
            ),
            arguments: [digest.description]
        )
        guard let row else { return .referenced }
        if row[0] as Bool { return .referenced }
        return (row[1] as Bool) ? .claimed : .free
    }
}
