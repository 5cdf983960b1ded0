import NIOCore
import NIOPosix

/// Threads for blocking file work: open, pread/pwrite, fsync, rename, stat. NIO's singleton
/// pool has one thread per core, so on two cores two slow fsyncs held up every other file
/// operation of the process — a blob opened for a pull waited behind pushes, and in-process
/// test servers stopped answering. These threads mostly wait on the disk, so there are many.
public enum BlockingIOPool {
    public static let threadCount = max(16, 4 * System.coreCount)

    public static let shared: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()
}
