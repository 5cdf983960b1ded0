import Foundation
import GRDB
import Metadata
import OCI

/// Storage usage and limits. Every link added or removed updates the counts of its
/// repository's paths in the same transaction, so reading a namespace's usage is one row.
extension SQLiteMetadataStore {
    public func reserveUpload(_ id: String, upTo total: Int64, digest: Digest?, quota: QuotaDefaults) async throws {
        try await database.write { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT repository, reserved FROM uploads WHERE id = ?"), arguments: [id]
            ) else { throw MetadataError.uploadGone(id) }
            let repository = try RepositoryName(row[0] as String)
            let more = total - (row[1] as Int64)
            guard more > 0 else { return }
            let limited = try Self.limits(db, of: repository, quota: quota)
            guard !limited.isEmpty else { return }
            if let digest,
                let size = try Int64.fetchOne(db.cachedStatement(sql: "SELECT size FROM blobs WHERE digest = ?"), arguments: [digest.description]),
                total <= size, try limited.allSatisfy({ try Self.links(db, $0.path, digest) })
            {
                return
            }
            for (path, limit) in limited {
                try Self.refuseOverLimit(db, path: path, limit: limit, needed: more)
            }
            try db.cachedStatement(sql: "UPDATE uploads SET reserved = ? WHERE id = ?").execute(arguments: [total, id])
            try Self.addReserved(db, more, for: repository)
        }
    }

    public func trimReservation(_ id: String, to bytes: Int64) async throws {
        try await database.write { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT repository, reserved FROM uploads WHERE id = ? AND reserved > ?"), arguments: [id, max(0, bytes)]
            ) else { return }
            try db.cachedStatement(sql: "UPDATE uploads SET reserved = ? WHERE id = ?").execute(arguments: [max(0, bytes), id])
            try Self.addReserved(db, max(0, bytes) - (row[1] as Int64), for: try RepositoryName(row[0] as String))
        }
    }

    public func usage(of path: String, quota: QuotaDefaults) async throws -> StorageUsage {
        try read { db in
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT stored, reserved FROM usage WHERE path = ?"), arguments: [path])
            let own = try Int64.fetchOne(db.cachedStatement(sql: "SELECT limit_bytes FROM quotas WHERE path = ?"), arguments: [path])
            return StorageUsage(path: path, stored: row?[0] ?? 0, reserved: row?[1] ?? 0, limit: quota.limit(of: path, own: own))
        }
    }

    public func namespaceUsage(quota: QuotaDefaults) async throws -> [StorageUsage] {
        try await database.scan { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT u.path, u.stored, u.reserved, q.limit_bytes FROM usage u LEFT JOIN quotas q ON q.path = u.path
                    WHERE instr(u.path, '/') = 0 AND (u.stored > 0 OR u.reserved > 0) ORDER BY u.path
                    """
            ).map { StorageUsage(path: $0[0], stored: $0[1], reserved: $0[2], limit: quota.limit(of: $0[0], own: $0[3])) }
        }
    }

    public func setQuota(_ quota: StorageQuota) async throws {
        try await database.write { db in
            try db.cachedStatement(
                sql: "INSERT INTO quotas (path, limit_bytes) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET limit_bytes = excluded.limit_bytes"
            ).execute(arguments: [quota.path, quota.limit])
        }
    }

    public func removeQuota(_ path: String) async throws -> Bool {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM quotas WHERE path = ?").execute(arguments: [path])
            return db.changesCount > 0
        }
    }

    public func quotas() async throws -> [StorageQuota] {
        try await database.scan { db in
            try Row.fetchAll(db, sql: "SELECT path, limit_bytes FROM quotas ORDER BY path").map {
                StorageQuota(path: $0[0], limit: $0[1])
            }
        }
    }

    public func hasQuotas() async throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM quotas)") ?? false }
    }

    // MARK: Rows

    /// The limited paths of `repository`, outermost first, with their limits.
    static func limits(_ db: Database, of repository: RepositoryName, quota: QuotaDefaults) throws -> [(path: String, limit: Int64)] {
        let statement = try db.cachedStatement(sql: "SELECT limit_bytes FROM quotas WHERE path = ?")
        return try UsagePath.paths(of: repository).compactMap { path in
            let own = try Int64.fetchOne(statement, arguments: [path])
            return quota.limit(of: path, own: own).map { (path, $0) }
        }
    }

    /// Whether a repository at or below `path` links the blob.
    static func links(_ db: Database, _ path: String, _ digest: Digest) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM usage_links WHERE path = ? AND digest = ?"), arguments: [path, digest.description]
        ) == true
    }

    /// Throws `quotaExceeded` when `needed` more bytes would take `path` past `limit` (compared
    /// as room left, so a client's absurd length cannot overflow the sum).
    static func refuseOverLimit(_ db: Database, path: String, limit: Int64, needed: Int64) throws {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT stored, reserved FROM usage WHERE path = ?"), arguments: [path])
        let stored: Int64 = row?[0] ?? 0
        let reserved: Int64 = row?[1] ?? 0
        if needed > limit - stored - reserved {
            throw MetadataError.quotaExceeded(QuotaExceeded(path: path, limit: limit, stored: stored, reserved: reserved, needed: needed))
        }
    }

    /// Refuses a link of `digest` into `repository` that would take a limited path past its limit.
    static func refuseLinkOverLimit(_ db: Database, _ digest: Digest, size: Int64, into repository: RepositoryName, quota: QuotaDefaults) throws {
        for (path, limit) in try limits(db, of: repository, quota: quota) where try !links(db, path, digest) {
            try refuseOverLimit(db, path: path, limit: limit, needed: size)
        }
    }

    /// A link of `digest` was added to (`change` > 0) or removed from (< 0) `repository`: each
    /// of its paths counts the blob's bytes while at least one repository there links it.
    static func countLink(_ db: Database, _ digest: Digest, in repository: RepositoryName, change: Int) throws {
        try countLink(db, digest, paths: UsagePath.paths(of: repository), change: change)
    }

    /// The same for some of a repository's paths only (a rename moves the others whole).
    static func countLink(_ db: Database, _ digest: Digest, paths: [String], change: Int) throws {
        guard !paths.isEmpty, let size = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT size FROM blobs WHERE digest = ?"), arguments: [digest.description]
        ) else { return }
        let add = try db.cachedStatement(
            sql: """
                INSERT INTO usage_links (path, digest, links) VALUES (?, ?, 1)
                ON CONFLICT (path, digest) DO UPDATE SET links = links + 1 RETURNING links
                """
        )
        let subtract = try db.cachedStatement(
            sql: "UPDATE usage_links SET links = links - 1 WHERE path = ? AND digest = ? RETURNING links"
        )
        let remove = try db.cachedStatement(sql: "DELETE FROM usage_links WHERE path = ? AND digest = ?")
        for path in paths {
            if change > 0 {
                if try Int64.fetchOne(add, arguments: [path, digest.description]) == 1 {
                    try addUsage(db, path, stored: size, reserved: 0)
                }
            } else if let links = try Int64.fetchOne(subtract, arguments: [path, digest.description]), links <= 0 {
                try remove.execute(arguments: [path, digest.description])
                try addUsage(db, path, stored: -size, reserved: 0)
            }
        }
    }

    static func addReserved(_ db: Database, _ bytes: Int64, for repository: RepositoryName) throws {
        guard bytes != 0 else { return }
        for path in UsagePath.paths(of: repository) { try addUsage(db, path, stored: 0, reserved: bytes) }
    }

    /// Releases what an upload reserved (it committed, or it goes).
    static func releaseReservation(_ db: Database, upload id: String) throws {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT repository, reserved FROM uploads WHERE id = ? AND reserved > 0"), arguments: [id]
        ) else { return }
        try db.cachedStatement(sql: "UPDATE uploads SET reserved = 0 WHERE id = ?").execute(arguments: [id])
        try addReserved(db, -(row[1] as Int64), for: try RepositoryName(row[0] as String))
    }

    private static func addUsage(_ db: Database, _ path: String, stored: Int64, reserved: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO usage (path, stored, reserved) VALUES (?1, ?2, ?3)
                ON CONFLICT (path) DO UPDATE SET stored = stored + ?2, reserved = reserved + ?3
                """
        ).execute(arguments: [path, stored, reserved])
    }
}
