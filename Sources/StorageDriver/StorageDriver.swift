import NIOCore

/// A storage backend seen as paths and bytes, after Distribution's driver interface. Paths are
/// absolute (`/docker/registry/v2/...`); the registry decides what they mean.
public protocol StorageDriver: Sendable {
    /// Short name for logs and errors: "filesystem", "inmemory", "s3", ...
    var name: String { get }

    /// The whole content of a small file.
    func getContent(_ path: String) async throws -> ByteBuffer

    /// Replaces a small file's content atomically: readers see the old or the new bytes.
    func putContent(_ path: String, _ content: ByteBuffer) async throws

    /// Streams `range` of a file (all of it when nil) to `consume`, one chunk at a time; the
    /// next chunk is read only after `consume` returns, so memory stays bounded.
    func read(
        _ path: String, range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void
    ) async throws

    /// A writer for `path`. With `append`, writing continues after the existing bytes
    /// (a resumed upload); without, the file starts empty.
    func writer(_ path: String, append: Bool) async throws -> any StorageWriter

    func stat(_ path: String) async throws -> StorageFileInfo

    /// Full paths of the direct children of a directory, sorted.
    func list(_ path: String) async throws -> [String]

    /// Moves a file, replacing any file at `destination` atomically where the backend can.
    func move(_ source: String, to destination: String) async throws

    /// Deletes a file or a directory tree.
    func delete(_ path: String) async throws

    /// Deletes many files (never directory trees), in batches where the backend can (S3's
    /// `DeleteObjects`, 1,000 keys a request); a file already gone counts as deleted. Where the
    /// backend has directories, those the deletes left empty are removed too, up to but not
    /// including `keeping`. Returns the paths that could not be deleted, with the reason.
    func deleteFiles(_ paths: [String], keeping: String) async -> [String: StorageDriverError]

    /// A local file the HTTP layer may send with `sendfile(2)`; nil for remote backends.
    func localFilePath(_ path: String) -> String?

    /// How many files one `deleteFiles` call should carry: a request's worth for object
    /// stores (S3: 1,000), a small batch elsewhere.
    var deleteBatchSize: Int { get }
}

extension StorageDriver {
    public func localFilePath(_ path: String) -> String? { nil }

    public var deleteBatchSize: Int { 100 }

    /// One delete per file, eight at a time.
    public func deleteFiles(_ paths: [String], keeping: String) async -> [String: StorageDriverError] {
        await withTaskGroup(of: (String, StorageDriverError?).self) { group in
            var failures: [String: StorageDriverError] = [:]
            var next = paths.makeIterator()
            func start() {
                guard let path = next.next() else { return }
                group.addTask {
                    do {
                        try await delete(path)
                        return (path, nil)
                    } catch let error as StorageDriverError where error.isNotFound {
                        return (path, nil)
                    } catch let error as StorageDriverError {
                        return (path, error)
                    } catch {
                        return (path, .backend(path, driver: name, reason: "\(error)"))
                    }
                }
            }
            for _ in 0..<8 { start() }
            while let (path, failure) = await group.next() {
                if let failure { failures[path] = failure }
                start()
            }
            return failures
        }
    }

    /// True when `path` exists as a file or directory.
    public func exists(_ path: String) async throws -> Bool {
        do {
            _ = try await stat(path)
            return true
        } catch let error as StorageDriverError where error.isNotFound {
            return false
        }
    }
}
