import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

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

    /// Opens (and migrates) the database on a thread of its own: opening writes and syncs the
    /// file, once per migration, which must not hold a thread of the cooperative pool.
    public static func open(path: String, durability: Durability = .full) async throws -> SQLiteDatabase {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try SQLiteDatabase(path: path, durability: durability) })
            }
        }
    }

    /// Opens the database on the calling thread, blocking it: from async code, use `open`.
    public init(path: String, durability: Durability = .full) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.maximumReaderCount = 8
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        try Self.restrictToOwner(path)
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteSchema.migrator.migrate(pool)
    }

    /// The database holds bcrypt hashes and token digests: the file is created 0600 before
    /// SQLite opens it (SQLite gives `-wal` and `-shm` the database file's mode), and files an
    /// older Wharf created with the umask's mode are narrowed.
    static func restrictToOwner(_ path: String) throws {
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseError(resultCode: .SQLITE_CANTOPEN, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(descriptor) }
        _ = fchmod(descriptor, 0o600)
        for companion in [path + "-wal", path + "-shm"] { _ = chmod(companion, 0o600) }
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

    /// A read that may visit many rows (a page of tags, the catalog, listings): through GRDB's
    /// async read, on its own queue, so no cooperative thread waits for it.
    func scan<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.write(body)
    }

    /// The journal mode in effect ("wal" for a pool), for diagnostics.
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}
