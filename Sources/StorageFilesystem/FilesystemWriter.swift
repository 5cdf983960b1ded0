import NIOCore
import NIOFileSystem
import StorageDriver

/// Writes at the end of one file through NIOFileSystem's blocking pool.
final class FilesystemWriter: StorageWriter {
    private let handle: WriteFileHandle
    private let path: String
    private let file: FilePath
    private let sync: Bool
    private(set) var size: Int64
    private var closed = false

    init(handle: WriteFileHandle, path: String, file: FilePath, size: Int64, sync: Bool) {
        self.handle = handle
        self.path = path
        self.file = file
        self.size = size
        self.sync = sync
    }

    func write(_ buffer: ByteBuffer) async throws {
        guard !closed else { throw StorageDriverError.backend(path, driver: "filesystem", reason: "writer is closed") }
        let written = try await handle.write(contentsOf: buffer, toAbsoluteOffset: size)
        size += written
    }

    func commit() async throws {
        guard !closed else { return }
        closed = true
        if sync { try await handle.synchronize() }
        try await handle.close(makeChangesVisible: true)
    }

    func cancel() async throws {
        if !closed {
            closed = true
            try? await handle.close(makeChangesVisible: false)
        }
        _ = try await FileSystem.shared.removeItem(at: file, strategy: .platformDefault, recursively: false)
    }

    func close() async throws {
        guard !closed else { return }
        closed = true
        try await handle.close(makeChangesVisible: true)
    }

    deinit {
        if !closed {
            // A writer dropped without close (a cancelled request): close the descriptor.
            let handle = handle
            Task { try? await handle.close(makeChangesVisible: true) }
        }
    }
}
