import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files only their owner may read, private from the first byte: created by
/// `open(O_CREAT|O_EXCL, 0600)` and then written. Foundation's `createFile(attributes:)` writes
/// a temporary file with the umask's mode, renames it and only then changes the mode, and a
/// local user watching the directory reads the secret in between.
public enum SecretFile {
    /// Writes `contents` to a new file at `path` (a file already there is replaced: unlinked
    /// first, so the new one is never opened with its old mode) and syncs it.
    public static func write(_ contents: String, to path: String) throws {
        if unlink(path) != 0, errno != ENOENT { throw failure("cannot replace", path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create", path) }
        defer { close(descriptor) }
        var bytes = Array(contents.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw failure("cannot write", path) }
            bytes = bytes.dropFirst(written)
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot sync", path) }
    }

    /// Creates `path` and missing parents by `mkdir(2)` with mode 0700 (Foundation makes them
    /// with 0777 and narrows them afterwards); an existing directory is left as it is.
    public static func makePrivateDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw WharfStartupError("\(path) exists and is not a directory") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makePrivateDirectory(parent) }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw failure("cannot create", path) }
    }

    private static func failure(_ what: String, _ path: String) -> WharfStartupError {
        WharfStartupError("\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
