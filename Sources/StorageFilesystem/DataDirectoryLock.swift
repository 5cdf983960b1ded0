#if canImport(Glibc)
import Glibc
#endif

/// `wharf.lock` in a data directory: every server holds it shared while it runs, a restore
/// holds it exclusively, so a restore never swaps data out from under a running server and a
/// server never starts on a directory being restored. The kernel drops the lock when the
/// process dies, so a crash leaves nothing stale behind.
public final class DataDirectoryLock: Sendable {
    public static let fileName = "wharf.lock"
    /// Garbage collectors hold it shared while they delete blob files; a backup holds it
    /// exclusively while it copies them, so no blob its snapshot names is deleted under it.
    public static let collectionFileName = "collection.lock"

    public enum Kind: Sendable { case shared, exclusive }

    private let descriptor: Int32

    /// Takes the lock without waiting; nil when another process holds it in a conflicting way.
    public static func acquire(_ kind: Kind, in directory: String, file: String = fileName) throws(DataDirectoryLockError) -> DataDirectoryLock? {
        let path = directory + "/" + file
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DataDirectoryLockError(path: path, errno: errno) }
        let operation = (kind == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB
        while flock(descriptor, operation) != 0 {
            let failure = errno
            if failure == EINTR { continue }
            close(descriptor)
            if failure == EWOULDBLOCK { return nil }
            throw DataDirectoryLockError(path: path, errno: failure)
        }
        return DataDirectoryLock(descriptor: descriptor)
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
