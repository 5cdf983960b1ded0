import GRDB
import Metadata
import OCI

/// GitLab's repository rename: rows keep their ids, so tags, manifests, links and the review
/// queue follow the new names without being touched; usage moves link by link.
extension SQLiteMetadataStore {
    public func leaseRename(_ rename: RepositoryRename, until: Double, now: Double, maxRepositories: Int) async throws {
        try await database.write { db in
            _ = try Self.checkRename(db, rename, now: now, maxRepositories: maxRepositories)
            try db.cachedStatement(
                sql: """
                    INSERT INTO rename_leases (target, source, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT (target) DO UPDATE SET source = excluded.source, expires_at = excluded.expires_at
                    """
            ).execute(arguments: [rename.target.value, rename.source.value, until])
        }
    }

    public func renameRepositories(
        _ rename: RepositoryRename, now: Double, maxRepositories: Int, quota: QuotaDefaults
    ) async throws -> [UploadRecord] {
        try await database.write { db in
            let repositories = try Self.checkRename(db, rename, now: now, maxRepositories: maxRepositories)
            let uploads = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, repository, started_at, owner, committing, reserved FROM uploads
                        WHERE repository = ?1 OR (repository >= ?1 || '/' AND repository < ?1 || '0')
                        """
                ),
                arguments: [rename.source.value]
            ).map(Self.uploadRecord)
            if let busy = uploads.first(where: { $0.committing != nil }) {
                throw MetadataError.renameConflict("an upload into \(busy.repository) is committing its blob; try again in a moment")
            }
            for upload in uploads {
                try Self.releaseReservation(db, upload: upload.id)
                try db.cachedStatement(sql: "DELETE FROM uploads WHERE id = ?").execute(arguments: [upload.id])
            }
            // Limits and policies follow their paths, so the limits in force at the target
            // are known before usage moves there.
            try Self.renamePaths(db, table: "quotas", column: "path", rename)
            try Self.renamePaths(db, table: "cleanup_policies", column: "project", rename)
            // An unfinished run resumes after the repository it stopped at, under its new name.
            for row in try Row.fetchAll(db, sql: "SELECT project, cursor FROM cleanup_policies WHERE cursor IS NOT NULL") {
                let cursor: String = row[1]
                if let renamed = rename.renamedPath(cursor) {
                    try db.execute(sql: "UPDATE cleanup_policies SET cursor = ? WHERE project = ?", arguments: [renamed, row[0] as String])
                }
            }
            // What each limited path of the target held before: for a path at or below the
            // target, what it was called at the source (a project over its limit may still be
            // renamed; only growth is refused).
            let limited = try Self.limits(db, of: rename.target, quota: quota)
            let before = try limited.map { limit in
                try Self.usageRow(db, RepositoryRename.reverse(rename).renamedPath(limit.path) ?? limit.path)
            }
            let digests = try db.cachedStatement(sql: "SELECT digest FROM repository_blobs WHERE repository_id = ?")
            let setName = try db.cachedStatement(sql: "UPDATE repositories SET name = ? WHERE id = ?")
            for (id, name) in repositories {
                guard let renamed = try rename.renamed(name) else { continue }
                let linked = try String.fetchAll(digests, arguments: [id]).map { try Digest(parsing: $0) }
                for digest in linked { try Self.countLink(db, digest, in: name, change: -1) }
                try setName.execute(arguments: [renamed.value, id])
                for digest in linked { try Self.countLink(db, digest, in: renamed, change: 1) }
            }
            for ((path, limit), (stored, reserved)) in zip(limited, before) {
                let after = try Self.usageRow(db, path)
                let grown = after.stored + after.reserved - stored - reserved
                if grown > 0, after.stored + after.reserved > limit {
                    throw MetadataError.quotaExceeded(QuotaExceeded(path: path, limit: limit, stored: stored, reserved: reserved, needed: grown))
                }
            }
            try db.cachedStatement(sql: "DELETE FROM rename_leases WHERE source = ? OR target = ?")
                .execute(arguments: [rename.source.value, rename.target.value])
            return uploads
        }
    }

    /// The repositories the rename takes (id and name), after refusing it when it is too large
    /// or its target is taken: by a repository there, or by another source's unexpired lease
    /// on a path that contains the target or lies inside it.
    private static func checkRename(
        _ db: Database, _ rename: RepositoryRename, now: Double, maxRepositories: Int
    ) throws -> [(Int64, RepositoryName)] {
        let under = "name = ?1 OR (name >= ?1 || '/' AND name < ?1 || '0')"
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, name FROM repositories WHERE \(under) ORDER BY name LIMIT ?2"),
            arguments: [rename.source.value, maxRepositories + 1]
        )
        guard rows.count <= maxRepositories else { throw MetadataError.tooManyRepositories(limit: maxRepositories) }
        let repositories = try rows.map { (row: Row) -> (Int64, RepositoryName) in (row[0], try RepositoryName(row[1] as String)) }
        for (_, name) in repositories { _ = try rename.renamed(name) }
        if let taken = try String.fetchOne(
            db.cachedStatement(sql: "SELECT name FROM repositories WHERE \(under) LIMIT 1"), arguments: [rename.target.value]
        ) {
            throw MetadataError.renameConflict("\(rename.target) is taken: repository \(taken) exists")
        }
        let leases = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT target, source, expires_at FROM rename_leases WHERE expires_at > ? AND source <> ?"),
            arguments: [now, rename.source.value]
        )
        for lease in leases {
            let target: String = lease[0]
            guard let leased = try? RepositoryName(target),
                UsagePath.contains(target, rename.target) || UsagePath.contains(rename.target.value, leased)
            else { continue }
            throw MetadataError.renameConflict("\(rename.target) is taken: \(target) is leased to a rename of \(lease[1] as String)")
        }
        return repositories
    }

    /// Renames the rows of `table` whose `column` is a path at or below the source; a row
    /// already at the new path gives way.
    private static func renamePaths(_ db: Database, table: String, column: String, _ rename: RepositoryRename) throws {
        let paths = try String.fetchAll(
            db,
            sql: "SELECT \(column) FROM \(table) WHERE \(column) = ?1 OR (\(column) >= ?1 || '/' AND \(column) < ?1 || '0')",
            arguments: [rename.source.value]
        )
        for path in paths {
            guard let renamed = rename.renamedPath(path) else { continue }
            try db.execute(sql: "DELETE FROM \(table) WHERE \(column) = ?", arguments: [renamed])
            try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(column) = ?", arguments: [renamed, path])
        }
    }

    private static func usageRow(_ db: Database, _ path: String) throws -> (stored: Int64, reserved: Int64) {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT stored, reserved FROM usage WHERE path = ?"), arguments: [path])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }
}
