import GRDB
import Metadata
import OCI

/// GitLab's repository rename: rows keep their ids, so tags, manifests, links and the review
/// queue follow the new names without being touched. Usage at and below the source moves
/// whole; only the paths above it that differ from those above the target change link by link.
extension SQLiteMetadataStore {
    public func leaseRename(_ rename: RepositoryRename, until: Double, now: Double, maxRepositories: Int, quota: QuotaDefaults) async throws {
        try await database.write { db in
            // The dry run is the rename itself, rolled back: whatever would refuse the rename
            // (a conflict, a limit, an upload committing) refuses the lease.
            try db.inSavepoint {
                _ = try Self.rename(db, rename, now: now, maxRepositories: maxRepositories, quota: quota)
                return .rollback
            }
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
            let uploads = try Self.rename(db, rename, now: now, maxRepositories: maxRepositories, quota: quota)
            try db.cachedStatement(sql: "DELETE FROM rename_leases WHERE source = ? OR target = ?")
                .execute(arguments: [rename.source.value, rename.target.value])
            return uploads
        }
    }

    private static func rename(
        _ db: Database, _ rename: RepositoryRename, now: Double, maxRepositories: Int, quota: QuotaDefaults
    ) throws -> [UploadRecord] {
        let repositories = try checkRename(db, rename, now: now, maxRepositories: maxRepositories)
        let uploads = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, repository, started_at, owner, committing, reserved FROM uploads
                    WHERE repository = ?1 OR (repository >= ?1 || '/' AND repository < ?1 || '0')
                    """
            ),
            arguments: [rename.source.value]
        ).map(uploadRecord)
        if let busy = uploads.first(where: { $0.committing != nil }) {
            throw MetadataError.renameConflict("an upload into \(busy.repository) is committing its blob; try again in a moment")
        }
        for upload in uploads {
            try releaseReservation(db, upload: upload.id)
            try db.cachedStatement(sql: "DELETE FROM uploads WHERE id = ?").execute(arguments: [upload.id])
        }
        // Limits follow their paths (the stricter stays where the target had one); a policy
        // already set at the target stays. The limits in force at the target are then known
        // before usage moves there.
        try renamePaths(db, table: "quotas", column: "path", rename) { db, existing, moved in
            try db.execute(
                sql: "UPDATE quotas SET limit_bytes = MIN(limit_bytes, (SELECT limit_bytes FROM quotas WHERE path = ?2)) WHERE path = ?1",
                arguments: [existing, moved]
            )
        }
        try renamePaths(db, table: "cleanup_policies", column: "project", rename, merge: nil)
        // An unfinished run resumes after the repository it stopped at, under its new name.
        for row in try Row.fetchAll(db, sql: "SELECT project, cursor FROM cleanup_policies WHERE cursor IS NOT NULL") {
            if let renamed = rename.renamedPath(row[1] as String) {
                try db.execute(sql: "UPDATE cleanup_policies SET cursor = ? WHERE project = ?", arguments: [renamed, row[0] as String])
            }
        }
        // What each limited path of the target held before: for a path at or below the target,
        // what it was called at the source (a project over its limit may still be renamed;
        // only growth is refused).
        let limited = try limits(db, of: rename.target, quota: quota)
        let before = try limited.map { try usageRow(db, RepositoryRename.reverse(rename).renamedPath($0.path) ?? $0.path) }

        let sourceAbove = Set(UsagePath.paths(of: rename.source).dropLast()), targetAbove = Set(UsagePath.paths(of: rename.target).dropLast())
        let leaving = sourceAbove.subtracting(targetAbove).sorted(), arriving = targetAbove.subtracting(sourceAbove).sorted()
        let digests = try db.cachedStatement(sql: "SELECT digest FROM repository_blobs WHERE repository_id = ?")
        let setName = try db.cachedStatement(sql: "UPDATE repositories SET name = ? WHERE id = ?")
        for (id, name) in repositories {
            guard let renamed = try rename.renamed(name) else { continue }
            if !leaving.isEmpty || !arriving.isEmpty {
                for text in try String.fetchAll(digests, arguments: [id]) {
                    let digest = try Digest(parsing: text)
                    try countLink(db, digest, paths: leaving, change: -1)
                    try countLink(db, digest, paths: arriving, change: 1)
                }
            }
            try setName.execute(arguments: [renamed.value, id])
        }
        try movePaths(db, table: "usage_links", counts: ["links"], rename)
        try movePaths(db, table: "usage", counts: ["stored", "reserved"], rename)

        for ((path, limit), (stored, reserved)) in zip(limited, before) {
            let after = try usageRow(db, path)
            let grown = after.stored + after.reserved - stored - reserved
            if grown > 0, after.stored + after.reserved > limit {
                throw MetadataError.quotaExceeded(QuotaExceeded(path: path, limit: limit, stored: stored, reserved: reserved, needed: grown))
            }
        }
        return uploads
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

    /// Renames the rows of `table` whose `column` is a path at or below the source. Where a row
    /// is already at the new path, `merge` (given the existing and the moved path) says how it
    /// takes the moved one in; without it the existing row stays as it was.
    private static func renamePaths(
        _ db: Database, table: String, column: String, _ rename: RepositoryRename, merge: ((Database, String, String) throws -> Void)?
    ) throws {
        let paths = try String.fetchAll(
            db,
            sql: "SELECT \(column) FROM \(table) WHERE \(column) = ?1 OR (\(column) >= ?1 || '/' AND \(column) < ?1 || '0')",
            arguments: [rename.source.value]
        )
        for path in paths {
            guard let renamed = rename.renamedPath(path) else { continue }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE \(column) = ?", arguments: [renamed]) == true {
                try merge?(db, renamed, path)
                try db.execute(sql: "DELETE FROM \(table) WHERE \(column) = ?", arguments: [path])
            } else {
                try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(column) = ?", arguments: [renamed, path])
            }
        }
    }

    /// Moves the usage rows at and below the source to the target whole. No repository is at
    /// or below the target (the rename checked), but an upload there may have reserved bytes:
    /// rows already at the target add up.
    private static func movePaths(_ db: Database, table: String, counts: [String], _ rename: RepositoryRename) throws {
        let columns = counts.joined(separator: ", ")
        let sums = counts.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        let key = table == "usage" ? "path" : "path, digest"
        let under = "path = ?1 OR (path >= ?1 || '/' AND path < ?1 || '0')"
        try db.execute(
            sql: """
                INSERT INTO \(table) (\(key), \(columns))
                SELECT ?2 || substr(path, length(?1) + 1)\(table == "usage" ? "" : ", digest"), \(columns) FROM \(table) WHERE \(under)
                ON CONFLICT (\(key)) DO UPDATE SET \(sums)
                """,
            arguments: [rename.source.value, rename.target.value]
        )
        try db.execute(sql: "DELETE FROM \(table) WHERE \(under)", arguments: [rename.source.value])
    }

    private static func usageRow(_ db: Database, _ path: String) throws -> (stored: Int64, reserved: Int64) {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT stored, reserved FROM usage WHERE path = ?"), arguments: [path])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }
}
