import GRDB
import Metadata
import OCI

extension SQLiteMetadataStore {
    public func repositoryDetails(_ repository: RepositoryName) async throws -> RepositoryDetails? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT r.created_at,
                            (SELECT coalesce(SUM(b.size), 0) FROM repository_blobs l JOIN blobs b ON b.digest = l.digest WHERE l.repository_id = r.id),
                            (SELECT MAX(t.updated_at) FROM tags t WHERE t.repository_id = r.id)
                        FROM repositories r WHERE r.name = ?
                        """
                ),
                arguments: [repository.value]
            ).map { RepositoryDetails(createdAt: $0[0], bytes: $0[1], lastPublishedAt: $0[2]) }
        }
    }

    public func imageSize(_ digest: Digest, in repository: RepositoryName) async throws -> Int64? {
        try read { db in
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT m.size + coalesce((SELECT SUM(b.size) FROM manifest_references x JOIN blobs b ON b.digest = x.child_digest
                            WHERE x.repository_id = m.repository_id AND x.manifest_digest = m.digest AND x.child_is_manifest = 0), 0)
                        FROM repositories r JOIN manifests m ON m.repository_id = r.id WHERE r.name = ? AND m.digest = ?
                        """
                ),
                arguments: [repository.value, digest.description]
            )
        }
    }

    public func taggedRepositories(under path: String, after last: String?, limit: Int) async throws -> [RepositoryName] {
        try await database.scan { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT r.name FROM repositories r
                        WHERE (r.name = ?1 OR (r.name >= ?1 || '/' AND r.name < ?1 || '0')) AND r.name > ?2
                            AND EXISTS (SELECT 1 FROM tags t WHERE t.repository_id = r.id)
                        ORDER BY r.name LIMIT ?3
                        """
                ),
                arguments: [path, last ?? "", limit]
            ).compactMap { try? RepositoryName($0) }
        }
    }
}
