#if canImport(Glibc)
import Glibc
#endif

/// The open-file limit of the process. A registry holds a descriptor per connection and per
/// open blob; the soft limit is often 1024 while the hard one is far higher, so at start the
/// soft limit is raised to the hard one, as Docker Distribution does.
public enum FileDescriptorLimit {
    /// Raises the soft limit to the hard limit; returns the limits before and after.
    @discardableResult
    public static func raiseToHardLimit() -> (before: UInt64, after: UInt64)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        let before = UInt64(limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return (before, before) }
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (before, before) }
        return (before, UInt64(limit.rlim_cur))
    }
}
