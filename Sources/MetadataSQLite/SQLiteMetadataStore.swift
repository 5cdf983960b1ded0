import Foundation
import GRDB
import Metadata
import OCI

/// The embedded default store: one SQLite file in WAL mode, readers in parallel with the
/// writer. Tag lists and the catalog are index range scans, never directory walks.
public final class SQLiteMetadataStore: MetadataStore {
    let database: SQLiteDatabase
    /// The columns `manifestRecord(_:)` reads, in its order, from `manifests m`.
    static let manifestColumns = "m.digest, m.media_type, m.size, m.artifact_type, m.subject, m.annotations, m.created_at"

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// A store on a database of its own at `path` (created and migrated), opened off the
    /// cooperative pool.
    public static func open(path: String) async throws -> SQLiteMetadataStore {
        SQLiteMetadataStore(database: try await SQLiteDatabase.open(path: path))
    }

    /// Blocks the calling thread while the database opens: from async code, use `open`.
    public convenience init(path: String) throws {
        self.init(database: try SQLiteDatabase(path: path))
    }

    public func close() throws {
        try database.close()
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read(body)
    }

    // MARK: Repositories

    public func repositoryExists(_ name: RepositoryName) async throws -> Bool {
        try read { db in try Self.repositoryID(db, name) != nil }
    }

    public func repositories(after last: String?, limit: Int) async throws -> [RepositoryName] {
        try await database.scan { db in
            let names = try String.fetchAll(
                db.cachedStatement(sql: "SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?"),
                arguments: [last ?? "", limit]
            )
            return try names.map { try RepositoryName($0) }
        }
    }

    // MARK: Blobs

    public func blob(_ digest: Digest) async throws -> BlobRecord? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT size, created_at FROM blobs WHERE digest = ? AND deleting IS NULL"),
                arguments: [digest.description]
            ).map { BlobRecord(digest: digest, size: $0[0], createdAt: $0[1]) }
        }
    }

    public func blob(_ digest: Digest, in repository: RepositoryName) async throws -> BlobRecord? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT b.size, b.created_at, q.queued_at, q.event FROM repositories r
                        JOIN repository_blobs l ON l.repository_id = r.id
                        JOIN blobs b ON b.digest = l.digest
                        LEFT JOIN gc_queue q ON q.kind = 'link' AND q.repository_id = r.id AND q.digest = l.digest
                        WHERE r.name = ? AND l.digest = ?
                        """
                ),
                arguments: [repository.value, digest.description]
            ).map {
                BlobRecord(
                    digest: digest, size: $0[0], createdAt: $0[1], linkQueuedAt: $0[2],
                    linkQueuedEvent: ($0[3] as String?).flatMap(CollectionEvent.init(rawValue:))
                )
            }
        }
    }

    public func commitBlob(
        _ blob: BlobRecord, in repository: RepositoryName, releasing upload: String?, quota: QuotaDefaults
    ) async throws {
        try await database.write { db in
            try Self.refuseIfDeleting(db, blob.digest)
            if let upload { try Self.releaseReservation(db, upload: upload) }
            let size = try Int64.fetchOne(db.cachedStatement(sql: "SELECT size FROM blobs WHERE digest = ?"), arguments: [blob.digest.description])
            try Self.refuseLinkOverLimit(db, blob.digest, size: size ?? blob.size, into: repository, quota: quota)
            try Self.insertBlob(db, blob)
            let id = try Self.ensureRepository(db, repository, now: blob.createdAt)
            try Self.link(db, blob.digest, into: id, repository, now: blob.createdAt)
            try Self.enqueue(db, .link, id, blob.digest, .blobUploaded, at: blob.createdAt)
        }
    }

    public func linkBlob(_ digest: Digest, into repository: RepositoryName, quota: QuotaDefaults) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await database.write { db in
            guard let size = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT size FROM blobs WHERE digest = ? AND deleting IS NULL"), arguments: [digest.description]
            ) else { return false }
            try Self.refuseLinkOverLimit(db, digest, size: size, into: repository, quota: quota)
            let id = try Self.ensureRepository(db, repository, now: now)
            try Self.link(db, digest, into: id, repository, now: now)
            try Self.enqueue(db, .link, id, digest, .blobMounted, at: now)
            return true
        }
    }

    public func repositories(linking digest: Digest, limit: Int) async throws -> [RepositoryName] {
        try await database.scan { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT r.name FROM repository_blobs l JOIN repositories r ON r.id = l.repository_id
                        WHERE l.digest = ? ORDER BY r.name LIMIT ?
                        """
                ),
                arguments: [digest.description, limit]
            ).compactMap { try? RepositoryName($0) }
        }
    }

    public func unlinkBlob(_ digest: Digest, from repository: RepositoryName) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await database.write { db in
            guard let id = try Self.repositoryID(db, repository) else { return false }
            try db.cachedStatement(sql: "DELETE FROM repository_blobs WHERE repository_id = ? AND digest = ?")
                .execute(arguments: [id, digest.description])
            guard db.changesCount > 0 else { return false }
            try Self.countLink(db, digest, in: repository, change: -1)
            try Self.dequeue(db, .link, id, digest)
            try Self.enqueue(db, .blob, 0, digest, .blobUnlinked, at: now)
            return true
        }
    }

    // MARK: Manifests and tags

    public func putManifest(
        _ manifest: ManifestRecord, references: ManifestReferences, in repository: RepositoryName, tags: [Tag], immutable: Set<Tag>
    ) async throws -> Bool {
        let annotations = try manifest.annotations.map(Self.encodeAnnotations)
        return try await database.write { db in
            let id = try Self.ensureRepository(db, repository, now: manifest.createdAt)
            for tag in tags where immutable.contains(tag) {
                let current = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT digest FROM tags WHERE repository_id = ? AND name = ?"), arguments: [id, tag.value]
                )
                if let current, current != manifest.digest.description { throw MetadataError.tagImmutable(tag) }
            }
            let missing =
                try Self.missing(db, references.blobs, in: id, table: "repository_blobs")
                + Self.missing(db, references.manifests, in: id, table: "manifests")
            guard missing.isEmpty else { throw MetadataError.missingReferences(missing) }
            try Self.refuseIfDeleting(db, manifest.digest)
            try Self.insertBlob(db, BlobRecord(digest: manifest.digest, size: manifest.size, createdAt: manifest.createdAt))
            let bytesWereUnknown = db.changesCount > 0
            try db.cachedStatement(
                sql: """
                    INSERT INTO manifests (repository_id, digest, media_type, size, artifact_type, subject, annotations, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (repository_id, digest) DO NOTHING
                    """
            ).execute(arguments: [
                id, manifest.digest.description, manifest.mediaType, manifest.size, manifest.artifactType,
                manifest.subject?.description, annotations, manifest.createdAt,
            ])
            let isNew = db.changesCount > 0
            let insertReference = try db.cachedStatement(
                sql: """
                    INSERT INTO manifest_references (repository_id, manifest_digest, child_digest, child_is_manifest)
                    VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
            )
            for blob in references.blobs {
                try insertReference.execute(arguments: [id, manifest.digest.description, blob.description, false])
            }
            for blob in try references.foreignBlobs.filter({ try Self.missing(db, [$0], in: id, table: "repository_blobs").isEmpty }) {
                try insertReference.execute(arguments: [id, manifest.digest.description, blob.description, false])
            }
            for child in references.manifests {
                try insertReference.execute(arguments: [id, manifest.digest.description, child.description, true])
            }
            for tag in tags {
                if let previous = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT digest FROM tags WHERE repository_id = ? AND name = ?"), arguments: [id, tag.value]
                ), previous != manifest.digest.description {
                    try Self.enqueue(db, .manifest, id, try Digest(parsing: previous), .tagMoved, at: manifest.createdAt)
                }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO tags (repository_id, name, digest, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (repository_id, name) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at
                        """
                ).execute(arguments: [id, tag.value, manifest.digest.description, manifest.createdAt])
            }
            if isNew && tags.isEmpty {
                try Self.enqueue(db, .manifest, id, manifest.digest, .manifestUploaded, at: manifest.createdAt)
            }
            return bytesWereUnknown
        }
    }

    public func manifest(_ reference: Reference, in repository: RepositoryName) async throws -> ManifestRecord? {
        try read { db in
            let row: Row?
            switch reference {
            case .digest(let digest):
                row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT \(Self.manifestColumns)
                            FROM repositories r JOIN manifests m ON m.repository_id = r.id
                            WHERE r.name = ? AND m.digest = ?
                            """
                    ),
                    arguments: [repository.value, digest.description]
                )
            case .tag(let tag):
                row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT \(Self.manifestColumns)
                            FROM repositories r JOIN tags t ON t.repository_id = r.id
                            JOIN manifests m ON m.repository_id = r.id AND m.digest = t.digest
                            WHERE r.name = ? AND t.name = ?
                            """
                    ),
                    arguments: [repository.value, tag.value]
                )
            }
            return try row.map(Self.manifestRecord)
        }
    }

    public func deleteManifest(_ digest: Digest, in repository: RepositoryName) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await database.write { db in
            guard let id = try Self.repositoryID(db, repository) else { return false }
            return try Self.removeManifest(db, digest, in: id, at: now)
        }
    }

    public func deleteTag(_ tag: Tag, in repository: RepositoryName) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await database.write { db in
            guard let id = try Self.repositoryID(db, repository),
                let digest = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT digest FROM tags WHERE repository_id = ? AND name = ?"), arguments: [id, tag.value]
                )
            else { return false }
            try db.cachedStatement(sql: "DELETE FROM tags WHERE repository_id = ? AND name = ?").execute(arguments: [id, tag.value])
            try Self.enqueue(db, .manifest, id, try Digest(parsing: digest), .tagDeleted, at: now)
            return true
        }
    }

    public func tags(in repository: RepositoryName, after last: String?, limit: Int) async throws -> [Tag] {
        try await database.scan { db in
            let names = try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT t.name FROM repositories r JOIN tags t ON t.repository_id = r.id
                        WHERE r.name = ? AND t.name > ? ORDER BY t.name LIMIT ?
                        """
                ),
                arguments: [repository.value, last ?? "", limit]
            )
            return try names.map { try Tag($0) }
        }
    }

    public func referrers(of digest: Digest, in repository: RepositoryName, artifactType: String?) async throws -> [Descriptor] {
        try await database.scan { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.manifestColumns)
                        FROM repositories r JOIN manifests m ON m.repository_id = r.id
                        WHERE r.name = ? AND m.subject = ? AND (?3 IS NULL OR m.artifact_type = ?3)
                        ORDER BY m.digest
                        """
                ),
                arguments: [repository.value, digest.description, artifactType]
            )
            return try rows.map { try Self.manifestRecord($0).descriptor }
        }
    }

    // MARK: Upload sessions

    public func createUpload(_ upload: UploadRecord, limit: UploadLimit) async throws {
        try await database.write { db in
            // Counting stops at the limit: the check costs at most `limit` index entries.
            let inRepository = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM (SELECT 1 FROM uploads WHERE repository = ? LIMIT ?)"),
                arguments: [upload.repository.value, limit.perRepository]
            ) ?? 0
            if inRepository >= limit.perRepository {
                throw MetadataError.tooManyUploads("repository \(upload.repository) has \(limit.perRepository) open uploads")
            }
            if let owner = upload.owner {
                let owned = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM (SELECT 1 FROM uploads WHERE owner = ? LIMIT ?)"),
                    arguments: [owner, limit.perOwner]
                ) ?? 0
                if owned >= limit.perOwner { throw MetadataError.tooManyUploads("\(owner) has \(limit.perOwner) open uploads") }
            }
            try db.cachedStatement(sql: "INSERT INTO uploads (id, repository, started_at, owner) VALUES (?, ?, ?, ?)")
                .execute(arguments: [upload.id, upload.repository.value, upload.startedAt, upload.owner])
        }
    }

    public func upload(_ id: String) async throws -> UploadRecord? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, repository, started_at, owner, committing, reserved FROM uploads WHERE id = ?"), arguments: [id]
            ).map(Self.uploadRecord)
        }
    }

    public func markUploadCommitting(_ id: String, digest: Digest) async throws {
        try await database.write { db in
            try Self.refuseIfDeleting(db, digest)
            try db.cachedStatement(sql: "UPDATE uploads SET committing = ? WHERE id = ?").execute(arguments: [digest.description, id])
            if db.changesCount == 0 { throw MetadataError.uploadGone(id) }
        }
    }

    public func uploadCount() async throws -> Int {
        try await database.scan { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM uploads") ?? 0 }
    }

    public func deleteUpload(_ id: String) async throws {
        try await database.write { db in
            let committing = try String.fetchOne(db.cachedStatement(sql: "SELECT committing FROM uploads WHERE id = ?"), arguments: [id])
            try Self.releaseReservation(db, upload: id)
            try db.cachedStatement(sql: "DELETE FROM uploads WHERE id = ?").execute(arguments: [id])
            // The claim is released: a blob candidate it held is due again at once.
            if let committing {
                try db.cachedStatement(sql: "UPDATE gc_queue SET not_before = 0 WHERE kind = 'blob' AND repository_id = 0 AND digest = ? AND review_count = 0")
                    .execute(arguments: [committing])
            }
        }
    }

    public func uploads(startedBefore time: Double) async throws -> [UploadRecord] {
        try await database.scan { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, repository, started_at, owner, committing, reserved FROM uploads WHERE started_at < ? ORDER BY started_at"),
                arguments: [time]
            ).map(Self.uploadRecord)
        }
    }
}

extension SQLiteMetadataStore {
    /// The journal mode in effect ("wal" for a pool), for diagnostics.
    public func journalMode() throws -> String {
        try database.journalMode()
    }
}
