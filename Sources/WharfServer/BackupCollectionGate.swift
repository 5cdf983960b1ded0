import Registry
import StorageFilesystem

/// Storage deletes of blobs in a data directory go on only while no backup copies its blobs:
/// the collector holds `collection.lock` shared for each batch, `wharf backup create` holds it
/// exclusively from its snapshot until its last blob is copied.
struct BackupCollectionGate: CollectionGate {
    let directory: String

    func allowDeletes() -> (any Sendable)? {
        do {
            return try DataDirectoryLock.acquire(.shared, in: directory, file: DataDirectoryLock.collectionFileName)
        } catch {
            // The lock file itself cannot be made: no backup can hold it either.
            return error.path
        }
    }
}
