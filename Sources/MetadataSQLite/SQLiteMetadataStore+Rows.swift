import Foundation
import GRDB
import Metadata
import OCI

/// Row helpers shared by the store's transactions.
extension SQLiteMetadataStore {
    static func repositoryID(_ db: Database, _ name: RepositoryName) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM repositories WHERE name = ?"), arguments: [name.value])
    }

    static func ensureRepository(_ db: Database, _ name: RepositoryName, now: Double) throws -> Int64 {
        if let id = try repositoryID(db, name) { return id }
        try db.cachedStatement(sql: "INSERT INTO repositories (name, created_at) VALUES (?, ?)")
            .execute(arguments: [name.value, now])
        return db.lastInsertedRowID
    }

    static func insertBlob(_ db: Database, _ blob: BlobRecord) throws {
        try db.cachedStatement(
            sql: "INSERT INTO blobs (digest, size, created_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING"
        ).execute(arguments: [blob.digest.description, blob.size, blob.createdAt])
    }

    /// The single place links are added: a new one counts toward the repository's usage.
    static func link(_ db: Database, _ digest: Digest, into repositoryID: Int64, _ repository: RepositoryName, now: Double) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO repository_blobs (repository_id, digest, created_at) VALUES (?, ?, ?)
                ON CONFLICT (repository_id, digest) DO NOTHING
                """
        ).execute(arguments: [repositoryID, digest.description, now])
        if db.changesCount > 0 { try countLink(db, digest, in: repository, change: 1) }
    }

    /// The digests of `digests` that `table` lacks for the repository.
    static func missing(_ db: Database, _ digests: [Digest], in repositoryID: Int64, table: String) throws -> [Digest] {
        guard !digests.isEmpty else { return [] }
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM \(table) WHERE repository_id = ? AND digest = ?")
        var missing: [Digest] = []
        for digest in Set(digests).sorted() where try Bool.fetchOne(statement, arguments: [repositoryID, digest.description]) != true {
            missing.append(digest)
        }
        return missing
    }

    static func manifestRecord(_ row: Row) throws -> ManifestRecord {
        let annotations: String? = row[5]
        return ManifestRecord(
            digest: try Digest(parsing: row[0]),
            mediaType: row[1],
            size: row[2],
            artifactType: row[3],
            subject: try (row[4] as String?).map { try Digest(parsing: $0) },
            annotations: try annotations.map(decodeAnnotations),
            createdAt: row[6]
        )
    }

    static func uploadRecord(_ row: Row) throws -> UploadRecord {
        UploadRecord(
            id: row[0], repository: try RepositoryName(row[1]), startedAt: row[2], owner: row[3],
            committing: try (row[4] as String?).map { text in try Digest(parsing: text) }, reserved: row[5]
        )
    }

    static func encodeAnnotations(_ annotations: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(annotations), as: UTF8.self)
    }

    static func decodeAnnotations(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}
