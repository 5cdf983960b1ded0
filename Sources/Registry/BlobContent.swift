import NIOCore
import OCI
import StorageDriver

/// A blob ready to be sent: its size, and how to get its bytes.
public struct BlobContent: Sendable {
    public let digest: Digest
    public let size: Int64
    let driver: any StorageDriver
    let path: String

    /// A local file the HTTP layer may send with `sendfile(2)`, when the driver has one.
    public var localFilePath: String? { driver.localFilePath(path) }

    /// Streams `range` (all when nil) of the blob to `consume`.
    public func read(range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void) async throws {
        try await driver.read(path, range: range, consume)
    }

    /// Starts reading `range` and waits for its first chunks, so a missing object or an
    /// unreachable backend fails now, before a response head is sent; the rest follows through
    /// the returned read, which stops its reader when it is dropped unfinished.
    public func open(range: Range<Int64>?) async throws -> OpenedBlobRead {
        let handoff = ChunkHandoff()
        let reader = Task { [driver, path] in
            do {
                try await driver.read(path, range: range) { chunk in
                    try Task.checkCancellation()
                    await handoff.put(chunk)
                }
                await handoff.finish()
            } catch {
                await handoff.finish(throwing: error)
            }
        }
        do {
            return OpenedBlobRead(first: try await handoff.take() ?? [], rest: handoff, reader: reader)
        } catch {
            reader.cancel()
            throw error
        }
    }
}
