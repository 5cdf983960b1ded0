import NIOFileSystem
import StorageDriver

extension FileSystem {
    /// NIOFileSystem on Wharf's `BlockingIOPool` instead of NIO's two-thread singleton.
    static let blocking = FileSystem(threadPool: BlockingIOPool.shared)
}
