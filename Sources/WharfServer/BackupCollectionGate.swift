import NIOPosix
import Registry
import StorageDriver
import StorageFilesystem

/// Storage deletes of blobs in a data directory go on only while no backup copies its blobs:
/// the collector holds `collection.lock` shared for each batch, `wharf backup create` holds it
/// exclusively from its snapshot until its last blob is copied.
struct BackupCollectionGate: CollectionGate {
    let directory: String

    private enum Attempt: Sendable {
        case held(DataDirectoryLock)
        case heldOff
        case noLock
    }

    /// Opening and locking a file is blocking work: done on the blocking pool. A lock file that
    /// cannot be made (or a pool that is gone) holds nothing off: no backup can hold it either.
    func allowDeletes() async -> (any Sendable)? {
        let directory = directory
        let attempt = try? await BlockingIOPool.shared.runIfActive { () -> Attempt in
            do {
                guard let lock = try DataDirectoryLock.acquire(.shared, in: directory, file: DataDirectoryLock.collectionFileName) else {
                    return .heldOff
                }
                return .held(lock)
            } catch {
                return .noLock
            }
        }
        switch attempt {
        case .held(let lock)?: return lock
        case .heldOff?: return nil
        case .noLock?, nil: return directory
        }
    }
}
