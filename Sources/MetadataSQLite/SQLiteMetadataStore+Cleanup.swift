import Foundation
import GRDB
import Metadata
import OCI

extension SQLiteMetadataStore {
    /// A range scan of the names index: `path` itself, then `path/...` (every name below it
    /// sorts between `path/` and `path0`, since `0` follows `/`).
    public func repositories(under path: String, after last: String?, limit: Int) async throws -> [RepositoryName] {
        try await database.scan { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT name FROM repositories
                        WHERE (name = ?1 OR (name >= ?1 || '/' AND name < ?1 || '0')) AND name > ?2
                        ORDER BY name LIMIT ?3
                        """
                ),
                arguments: [path, last ?? "", limit]
            ).compactMap { try? RepositoryName($0) }
        }
    }

    public func tagRecords(in repository: RepositoryName, after last: String?, limit: Int) async throws -> [TagRecord] {
        try await database.scan { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT t.name, t.digest, t.updated_at FROM repositories r JOIN tags t ON t.repository_id = r.id
                        WHERE r.name = ? AND t.name > ? ORDER BY t.name LIMIT ?
                        """
                ),
                arguments: [repository.value, last ?? "", limit]
            ).map { TagRecord(tag: try Tag($0[0] as String), digest: try Digest(parsing: $0[1] as String), pushedAt: $0[2]) }
        }
    }

    public func deleteTag(_ tag: Tag, in repository: RepositoryName, ifPointingAt digest: Digest, pushedAt: Double) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await database.write { db in
            guard let id = try Self.repositoryID(db, repository) else { return false }
            try db.cachedStatement(sql: "DELETE FROM tags WHERE repository_id = ? AND name = ? AND digest = ? AND updated_at = ?")
                .execute(arguments: [id, tag.value, digest.description, pushedAt])
            guard db.changesCount > 0 else { return false }
            try Self.enqueue(db, .manifest, id, digest, .tagDeleted, at: now)
            return true
        }
    }

    public func cleanupPolicy(for project: String) async throws -> CleanupPolicy? {
        try read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.policyColumns) FROM cleanup_policies WHERE project = ?"), arguments: [project]
            ).map(Self.cleanupPolicy)
        }
    }

    public func setCleanupPolicy(_ policy: CleanupPolicy) async throws {
        try await database.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO cleanup_policies (\(Self.policyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    ON CONFLICT (project) DO UPDATE SET enabled = excluded.enabled, cadence = excluded.cadence,
                        keep_n = excluded.keep_n, older_than = excluded.older_than, name_regex = excluded.name_regex,
                        name_regex_keep = excluded.name_regex_keep, next_run_at = excluded.next_run_at, cursor = excluded.cursor,
                        revision = cleanup_policies.revision + 1
                    """
            ).execute(arguments: [
                policy.project, policy.enabled, policy.cadence.rawValue, policy.keepN, policy.olderThan?.rawValue, policy.nameRegex,
                policy.nameRegexKeep, policy.nextRunAt, policy.cursor,
            ])
        }
    }

    public func dueCleanupPolicies(at now: Double, limit: Int) async throws -> [CleanupPolicy] {
        try await database.scan { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.policyColumns) FROM cleanup_policies
                        WHERE enabled = 1 AND coalesce(next_run_at, 0) <= ? ORDER BY coalesce(next_run_at, 0), project LIMIT ?
                        """
                ),
                arguments: [now, limit]
            ).map(Self.cleanupPolicy)
        }
    }

    public func recordCleanupProgress(project: String, revision: Int64, cursor: String?, nextRunAt: Double?) async throws -> Bool {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE cleanup_policies SET cursor = ?, next_run_at = ? WHERE project = ? AND revision = ?")
                .execute(arguments: [cursor, nextRunAt, project, revision])
            return db.changesCount > 0
        }
    }

    static let policyColumns = "project, enabled, cadence, keep_n, older_than, name_regex, name_regex_keep, next_run_at, cursor, revision"

    /// A stored policy; values a newer Wharf wrote and this one does not know fall back to defaults.
    static func cleanupPolicy(_ row: Row) -> CleanupPolicy {
        var policy = CleanupPolicy(
            project: row[0], enabled: row[1], cadence: CleanupCadence(rawValue: row[2]) ?? .daily, keepN: row[3],
            olderThan: (row[4] as String?).flatMap(CleanupAge.init(rawValue:)), nameRegex: row[5], nameRegexKeep: row[6],
            nextRunAt: row[7], cursor: row[8]
        )
        policy.revision = row[9]
        return policy
    }
}
