import CWharfLinux
import Foundation

/// Puts a fully written directory in place of another in one step: renameat2(RENAME_EXCHANGE),
/// so at every instant the path names either the whole old or the whole new data. Where the
/// kernel or filesystem cannot exchange, two renames with the old directory parked beside it;
/// `recover` undoes a kill between them.
enum DirectorySwap {
    /// Swaps `replacement` into `target`; afterwards `replacement` names the old data, if any.
    static func swap(_ replacement: String, into target: String, parked: String) throws {
        guard FileManager.default.fileExists(atPath: target) else {
            try rename(replacement, target)
            return
        }
        if wharf_exchange_paths(replacement, target) == 0 { return }
        guard errno == EINVAL || errno == ENOSYS || errno == ENOTSUP else { throw failure("exchange \(replacement) and \(target)") }
        try rename(target, parked)
        try rename(replacement, target)
        try rename(parked, replacement)
    }

    /// After a kill inside the fallback: data parked beside a missing target goes back; parked
    /// data beside a target already replaced is the old data, no longer needed.
    static func recover(target: String, parked: String) throws {
        guard FileManager.default.fileExists(atPath: parked) else { return }
        if FileManager.default.fileExists(atPath: target) {
            try FileManager.default.removeItem(atPath: parked)
        } else {
            try rename(parked, target)
        }
    }

    private static func rename(_ from: String, _ to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw failure("rename \(from) to \(to)") }
    }

    private static func failure(_ what: String) -> BackupError {
        .failed("cannot \(what): \(String(cString: strerror(errno)))")
    }
}
