#if canImport(Glibc)
import Glibc
#endif

/// The lock file could not be opened or locked for a reason other than another holder.
public struct DataDirectoryLockError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let errno: Int32

    public var description: String { "cannot lock \(path): \(String(cString: strerror(errno)))" }
}
