#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOFileSystem
import NIOPosix
import StorageDriver

/// Files under a root directory. Commits are `rename(2)`, atomic on one filesystem, because
/// concurrent pushes of one blob must never see a half-replaced file.
public struct FilesystemDriver: StorageDriver {
    public let name = "filesystem"
    public let root: String
    /// Whether commits `fsync` data before they report success, so a power cut loses nothing
    /// the registry acknowledged.
    public let syncOnCommit: Bool
    let chunkLength: ByteCount

    public init(root: String, syncOnCommit: Bool = true, chunkLength: ByteCount = .mebibytes(1)) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.syncOnCommit = syncOnCommit
        self.chunkLength = chunkLength
    }

    func fullPath(_ path: String) throws -> FilePath {
        try StoragePath.validate(path, driver: name)
        return FilePath(root + path)
    }

    public func localFilePath(_ path: String) -> String? {
        StoragePath.isValid(path) ? root + path : nil
    }

    public func getContent(_ path: String) async throws -> ByteBuffer {
        let file = try fullPath(path)
        do {
            return try await ByteBuffer(contentsOf: file, maximumSizeAllowed: .mebibytes(64))
        } catch let error as FileSystemError {
            throw translate(error, path)
        }
    }

    public func putContent(_ path: String, _ content: ByteBuffer) async throws {
        let file = try fullPath(path)
        // A parent directory garbage collection removed (emptied) just after it was made is
        // made again.
        for attempt in 1...3 {
            let temporary = FilePath(root + path + ".tmp-" + Self.randomSuffix())
            do {
                try await createParent(of: file)
                try await FileSystem.blocking.withFileHandle(
                    forWritingAt: temporary, options: .newFile(replaceExisting: true)
                ) { handle in
                    try await handle.write(contentsOf: content, toAbsoluteOffset: 0)
                    if syncOnCommit { try await handle.synchronize() }
                }
                try await Self.rename(temporary, to: file)
                return
            } catch let error as FileSystemError where error.code == .notFound && attempt < 3 {
                continue
            } catch {
                _ = try? await FileSystem.blocking.removeItem(at: temporary, strategy: .platformDefault, recursively: false)
                if let error = error as? FileSystemError { throw translate(error, path) }
                throw error
            }
        }
    }

    public func read(_ path: String, range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void) async throws {
        let file = try fullPath(path)
        do {
            try await FileSystem.blocking.withFileHandle(forReadingAt: file) { handle in
                let size = try await handle.info().size
                let range = range ?? 0..<size
                guard range.lowerBound >= 0, range.upperBound <= size else {
                    throw StorageDriverError.invalidRange(path, driver: name, reason: "range \(range) outside 0..<\(size)")
                }
                for try await chunk in handle.readChunks(in: range, chunkLength: chunkLength) {
                    try await consume(chunk)
                }
            }
        } catch let error as FileSystemError {
            throw translate(error, path)
        }
    }

    public func writer(_ path: String, append: Bool) async throws -> any StorageWriter {
        let file = try fullPath(path)
        try await createParent(of: file)
        do {
            let options: OpenOptions.Write =
                append
                ? .modifyFile(createIfNecessary: true)
                : OpenOptions.Write(existingFile: .truncate, newFile: .init(transactionalCreation: false))
            let handle = try await FileSystem.blocking.openFile(forWritingAt: file, options: options)
            let size = append ? try await handle.info().size : 0
            return FilesystemWriter(handle: handle, path: path, file: file, size: size, sync: syncOnCommit)
        } catch let error as FileSystemError {
            throw translate(error, path)
        }
    }

    public func stat(_ path: String) async throws -> StorageFileInfo {
        let file = try fullPath(path)
        guard let info = try await FileSystem.blocking.info(forFileAt: file, infoAboutSymbolicLink: false) else {
            throw StorageDriverError.pathNotFound(path, driver: name)
        }
        let modified = info.lastDataModificationTime
        return StorageFileInfo(
            path: path, size: info.size, isDirectory: info.type == .directory,
            modified: Double(modified.seconds) + Double(modified.nanoseconds) / 1e9
        )
    }

    public func list(_ path: String) async throws -> [String] {
        let directory = try fullPath(path)
        do {
            return try await FileSystem.blocking.withDirectoryHandle(atPath: directory) { handle in
                var names: [String] = []
                for try await entry in handle.listContents() where !entry.name.string.contains(".tmp-") {
                    names.append(StoragePath.join(path, entry.name.string))
                }
                return names.sorted()
            }
        } catch let error as FileSystemError {
            throw translate(error, path)
        }
    }

    public func move(_ source: String, to destination: String) async throws {
        let from = try fullPath(source)
        let to = try fullPath(destination)
        // Garbage collection removes blob directories it empties; one it removed between
        // creating the parent and renaming into it is made again.
        for attempt in 1...3 {
            do {
                try await createParent(of: to)
                try await Self.rename(from, to: to, path: source, driver: name)
                return
            } catch let error as StorageDriverError where error.isNotFound && attempt < 3 {
                guard try await exists(source) else { throw error }
            } catch let error as FileSystemError where error.code == .notFound && attempt < 3 {
                continue
            }
        }
    }

    public func delete(_ path: String) async throws {
        let file = try fullPath(path)
        let removed = try await FileSystem.blocking.removeItem(at: file, strategy: .platformDefault, recursively: true)
        if removed == 0 { throw StorageDriverError.pathNotFound(path, driver: name) }
    }

    /// `unlink(2)` each file, then `rmdir(2)` the directories it leaves empty up to `keeping`;
    /// a directory another request just filled stays (`rmdir` refuses a non-empty one). Runs
    /// on the blocking pool, a hundred files a job.
    public func deleteFiles(_ paths: [String], keeping: String) async -> [String: StorageDriverError] {
        var failures: [String: StorageDriverError] = [:]
        let stop = root + keeping
        for start in stride(from: 0, to: paths.count, by: 100) {
            let batch = Array(paths[start..<min(start + 100, paths.count)])
            let root = root
            let name = name
            let failed: [String: StorageDriverError]
            do {
                failed = try await BlockingIOPool.shared.runIfActive {
                    var failed: [String: StorageDriverError] = [:]
                    for path in batch {
                        guard StoragePath.isValid(path) else {
                            failed[path] = .invalidPath(path, driver: name)
                            continue
                        }
                        var directory = FilePath(root + path)
                        if Glibc.unlink(directory.string) != 0 && errno != ENOENT {
                            let reason = String(cString: strerror(errno))
                            failed[path] = [EIO, ENOSPC, EROFS, EBUSY].contains(errno)
                                ? .unavailable(path, driver: name, reason: "unlink failed: \(reason)")
                                : .backend(path, driver: name, reason: "unlink failed: \(reason)")
                            continue
                        }
                        directory.removeLastComponent()
                        while directory.string.count > stop.count, directory.string.hasPrefix(stop), Glibc.rmdir(directory.string) == 0 {
                            directory.removeLastComponent()
                        }
                    }
                    return failed
                }
            } catch {
                failed = Dictionary(uniqueKeysWithValues: batch.map { ($0, StorageDriverError.unavailable($0, driver: name, reason: "\(error)")) })
            }
            failures.merge(failed) { first, _ in first }
        }
        return failures
    }

    private func createParent(of file: FilePath) async throws {
        var parent = file
        parent.removeLastComponent()
        do {
            try await FileSystem.blocking.createDirectory(
                at: parent, withIntermediateDirectories: true, permissions: nil
            )
        } catch let error as FileSystemError where error.code == .fileAlreadyExists {
            // Another request created it first.
        }
    }

    /// A missing file is `pathNotFound`; a full disk, an I/O error or an exhausted resource
    /// (descriptors) is `unavailable`: it may pass, so clients retry.
    private func translate(_ error: FileSystemError, _ path: String) -> any Error {
        if error.code == .notFound { return StorageDriverError.pathNotFound(path, driver: name) }
        if [.resourceExhausted, .io, .unavailable].contains(error.code) {
            return StorageDriverError.unavailable(path, driver: name, reason: "\(error.code): \(error.message)")
        }
        return StorageDriverError.backend(path, driver: name, reason: "\(error.code): \(error.message)")
    }

    /// `rename(2)` on the blocking pool: replaces `to` atomically.
    static func rename(_ from: FilePath, to: FilePath, path: String = "", driver: String = "filesystem") async throws {
        let result = try await BlockingIOPool.shared.runIfActive { () -> Int32 in
            let status = from.withPlatformString { source in
                to.withPlatformString { destination in Glibc.rename(source, destination) }
            }
            return status == 0 ? 0 : errno
        }
        if result == ENOENT { throw StorageDriverError.pathNotFound(path, driver: driver) }
        if result != 0 {
            throw StorageDriverError.backend(path, driver: driver, reason: "rename failed: \(String(cString: strerror(result)))")
        }
    }

    static func randomSuffix() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }
}
