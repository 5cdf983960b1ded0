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

    /// A local file the HTTP layer may send with `sendfile(2)`; nil for remote backends.
    func localFilePath(_ path: String) -> String?
}

extension StorageDriver {
    public func localFilePath(_ path: String) -> String? { nil }

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
