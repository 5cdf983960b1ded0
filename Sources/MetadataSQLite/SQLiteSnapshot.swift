import GRDB

/// A consistent copy of a live Wharf database, taken with SQLite's online backup API while
/// servers keep reading and writing it; and what a backup needs to know about such a copy.
public enum SQLiteSnapshot {
    /// Copies the database at `source` to a new file at `destination`. The source is opened
    /// read-only and never migrated: a backup changes nothing it reads.
    public static func take(from source: String, to destination: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let live = try DatabaseQueue(path: source, configuration: configuration)
        let copy = try DatabaseQueue(path: destination)
        try live.backup(to: copy)
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        try copy.close()
        try live.close()
    }

    /// Every blob the copy names that something holds — a link, a manifest, a manifest's
    /// reference — with its size. A blob nothing holds is a garbage collection candidate whose
    /// file may already be gone (a deletion under way, or one postponed after it took effect).
    public static func storedBlobs(in path: String) throws -> [(digest: String, size: Int64)] {
        let queue = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? queue.close() }
        return try queue.read { db in
            let held = try db.columns(in: "blobs").contains { $0.name == "deleting" }
                ? """
                    SELECT b.digest, b.size FROM blobs b WHERE b.deleting IS NULL AND (
                        EXISTS (SELECT 1 FROM repository_blobs l WHERE l.digest = b.digest)
                        OR EXISTS (SELECT 1 FROM manifest_references r WHERE r.child_digest = b.digest))
                    """
                : "SELECT digest, size FROM blobs"
            return try Row.fetchAll(
                db,
                sql: """
                    \(held)
                    UNION SELECT digest, MAX(size) FROM manifests GROUP BY digest
                    ORDER BY digest
                    """
            ).map { (digest: $0["digest"], size: $0["size"]) }
        }
    }

    /// Drops the uploads in progress from a restored copy: their partial files are not in the
    /// backup, so clients start those uploads again, and what they reserved is free.
    public static func forgetUploads(in path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DELETE FROM uploads")
            if try db.tableExists("usage") { try db.execute(sql: "UPDATE usage SET reserved = 0") }
        }
        try queue.close()
    }

    /// Whether `path` is an SQLite database whose integrity check passes.
    public static func isIntact(_ path: String) throws -> Bool {
        let queue = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") == "ok" }
    }

    private static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
