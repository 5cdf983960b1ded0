import GRDB

/// The one SQLite file (WAL) holding registry metadata and identity data, migrated on open.
public final class SQLiteDatabase: Sendable {
    let pool: DatabasePool

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            // Acknowledged pushes must survive a power cut, not only a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteSchema.migrator.migrate(pool)
    }

    public func close() throws {
        try pool.close()
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
