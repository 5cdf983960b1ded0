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
}
