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

    /// Takes the lock; nil when another process holds it in a conflicting way for longer than
    /// `patienceMilliseconds`. Some patience is for a holder that is no process: a program that
    /// forks while one of its threads has the lock file open hands the child that descriptor
    /// until the child execs, and the lock outlives its `close` by that long (the test process
    /// starts programs all the time; a restore there was refused as if a server ran).
    public static func acquire(
        _ kind: Kind, in directory: String, file: String = fileName, patienceMilliseconds: Int = 0
    ) throws(DataDirectoryLockError) -> DataDirectoryLock? {
        let path = directory + "/" + file
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DataDirectoryLockError(path: path, errno: errno) }
        let operation = (kind == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB
        var waited = 0
        while flock(descriptor, operation) != 0 {
            let failure = errno
            if failure == EINTR { continue }
            if failure == EWOULDBLOCK && waited < patienceMilliseconds {
                usleep(20_000)
                waited += 20
                continue
            }
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
