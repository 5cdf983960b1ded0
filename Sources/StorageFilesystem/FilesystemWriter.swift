#if canImport(Glibc)
import Glibc
#endif
import CWharfLinux
import NIOCore
import NIOFileSystem
import StorageDriver

/// Appends to one file with several `pwrite`s in flight on NIOFileSystem's blocking pool, so
/// the disk copy of one batch overlaps the hashing and receiving of the next. With `sync`, each
/// batch also starts its writeback at once, leaving little for the fsync at commit.
final class FilesystemWriter: StorageWriter {
    /// Batches written concurrently at most; each is one upload batch (about 1 MiB).
    static let maxInFlight = 4

    private let handle: WriteFileHandle
    private let path: String
    private let file: FilePath
    private let sync: Bool
    private(set) var size: Int64
    private var inFlight: [Task<Void, any Error>] = []
    private var closed = false

    init(handle: WriteFileHandle, path: String, file: FilePath, size: Int64, sync: Bool) {
        self.handle = handle
        self.path = path
        self.file = file
        self.size = size
        self.sync = sync
    }

    /// Queues the bytes at the current end of the file. A failure surfaces from a later write,
    /// or from `close`/`commit`.
    func write(_ buffer: ByteBuffer) async throws {
        guard !closed else { throw StorageDriverError.backend(path, driver: "filesystem", reason: "writer is closed") }
        let offset = size
        size += Int64(buffer.readableBytes)
        inFlight.append(Self.startWrite(buffer, handle: handle, at: offset, startWriteback: sync, path: path))
        if inFlight.count >= Self.maxInFlight {
            try await inFlight.removeFirst().value
        }
    }

    func commit() async throws {
        guard !closed else { return }
        closed = true
        do {
            try await drain()
            if sync { try await handle.synchronize() }
        } catch {
            try? await closeHandle(makeChangesVisible: true)
            throw error
        }
        try await closeHandle(makeChangesVisible: true)
    }

    func cancel() async throws {
        if !closed {
            closed = true
            try? await drain()
            try? await closeHandle(makeChangesVisible: false)
        }
        _ = try await FileSystem.blocking.removeItem(at: file, strategy: .platformDefault, recursively: false)
    }

    func close() async throws {
        guard !closed else { return }
        closed = true
        do {
            try await drain()
        } catch {
            try? await closeHandle(makeChangesVisible: true)
            throw error
        }
        try await closeHandle(makeChangesVisible: true)
    }

    /// Closes the file even when the calling task is cancelled (a client that left mid-upload):
    /// NIOFileSystem skips work queued by a cancelled task, which would leave the descriptor
    /// open and `closed` set, and dropping an open handle stops the process.
    private func closeHandle(makeChangesVisible: Bool) async throws {
        let handle = handle
        try await Task { try await handle.close(makeChangesVisible: makeChangesVisible) }.value
    }

    /// Waits for every queued write; throws the first failure after all have ended.
    private func drain() async throws {
        var failure: (any Error)?
        while !inFlight.isEmpty {
            do {
                try await inFlight.removeFirst().value
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
    }

    private static func startWrite(
        _ buffer: ByteBuffer, handle: WriteFileHandle, at offset: Int64, startWriteback: Bool, path: String
    ) -> Task<Void, any Error> {
        Task {
            try await handle.withUnsafeDescriptor { descriptor in
                try writeAll(buffer, to: descriptor.rawValue, at: offset, path: path)
                if startWriteback { _ = wharf_start_writeback(descriptor.rawValue, offset, Int64(buffer.readableBytes)) }
            }
        }
    }

    /// `pwrite(2)` until every byte is written.
    private static func writeAll(_ buffer: ByteBuffer, to descriptor: Int32, at offset: Int64, path: String) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            var written = 0
            while written < bytes.count {
                let result = pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
                if result < 0 {
                    let failure = errno
                    if failure == EINTR { continue }
                    let reason = "write failed: \(String(cString: strerror(failure)))"
                    // A full disk or quota may pass (an upload purge, an operator): retry later.
                    if [ENOSPC, EDQUOT, EIO].contains(failure) {
                        throw StorageDriverError.unavailable(path, driver: "filesystem", reason: reason)
                    }
                    throw StorageDriverError.backend(path, driver: "filesystem", reason: reason)
                }
                written += result
            }
        }
    }

    deinit {
        if !closed {
            // A writer dropped without close (a cancelled request): close the descriptor.
            let handle = handle
            let pending = inFlight
            Task {
                for task in pending { _ = try? await task.value }
                try? await handle.close(makeChangesVisible: true)
            }
        }
    }
}
