import GRDB

/// The one SQLite file (WAL) holding registry metadata and identity data, migrated on open.
public final class SQLiteDatabase: Sendable {
    let pool: DatabasePool

    /// How a commit reaches the disk.
    public enum Durability: Sendable {
        /// Every commit is on disk when it returns: acknowledged pushes survive a power cut.
        case full
        /// Commits survive a crash of the process; a power cut may lose the latest ones (never
        /// corrupt the file). For bulk work that can simply run again, such as an import.
        case relaxed
    }

    public init(path: String, durability: Durability = .full) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.maximumReaderCount = 8
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteSchema.migrator.migrate(pool)
    }

    public func close() throws {
        try pool.close()
    }

    /// Copies the write-ahead log into the database file and syncs it: after a relaxed bulk
    /// job, everything it wrote is on disk.
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Runs a read on the calling thread. GRDB's async read hops to a dispatch queue and back,
    /// two thread switches that cost more than the index lookups themselves (profiled: manifest
    /// GET and tag pages spent most of their time switching threads). These reads take
    /// microseconds in WAL mode and never wait for the writer, so blocking briefly is cheaper.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.write(body)
    }

    /// The journal mode in effect ("wal" for a pool), for diagnostics.
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}
