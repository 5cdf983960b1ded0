import Logging
import MetadataSQLite
import ServiceLifecycle
import StorageFilesystem

/// Closes the database after everything else has shut down (it is the first service, so the
/// group stops it last): WAL checkpointed, file consistent. It holds the data directory's
/// shared lock for as long as the server runs.
struct DatabaseCloser: Service {
    let database: SQLiteDatabase
    let lock: DataDirectoryLock
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try database.close()
            logger.info("metadata store closed")
        } catch {
            logger.error("closing the metadata store failed", metadata: ["error": "\(error)"])
        }
        withExtendedLifetime(lock) {}
    }
}
