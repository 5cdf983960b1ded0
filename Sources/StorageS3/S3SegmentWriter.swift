import NIOCore
import StorageDriver

/// Appends to a file kept as segments (`S3SegmentIndex`): the new bytes become one more
/// segment object, written as any object is (one PUT, or parts), and closing publishes it by
/// replacing the index. Nothing already stored is read or copied, so a chunked upload costs
/// what it sends; a kill before the index is replaced leaves the file as it was.
final class S3SegmentWriter: StorageWriter {
    let driver: S3Driver
    let key: String
    let path: String
    private var index: S3SegmentIndex
    /// Whether the index object exists yet (a new file gets one even when nothing is written).
    private let indexExists: Bool
    private var segment: S3Writer?
    private var finished = false

    init(driver: S3Driver, key: String, path: String, index: S3SegmentIndex, indexExists: Bool) {
        self.driver = driver
        self.key = key
        self.path = path
        self.index = index
        self.indexExists = indexExists
    }

    var size: Int64 { index.total + (segment?.size ?? 0) }

    func write(_ chunk: ByteBuffer) async throws {
        // A request path: a misuse must fail this request, never the process.
        guard !finished else { throw StorageDriverError.backend(path, driver: "s3", reason: "write after the writer was closed") }
        guard chunk.readableBytes > 0 else { return }
        if segment == nil {
            let number = index.sizes.count + 1
            segment = S3Writer.fresh(driver: driver, key: S3SegmentIndex.segmentKey(key, number: number), path: path)
        }
        try await segment!.write(chunk)
    }

    private func finish() async throws {
        guard !finished else { return }
        finished = true
        if let segment, segment.size > 0 {
            try await segment.commit()
            index.sizes.append(segment.size)
        } else if indexExists {
            return
        }
        try await driver.writeIndex(index, key: key, path: path)
    }

    func commit() async throws { try await finish() }

    func close() async throws { try await finish() }

    func cancel() async throws {
        finished = true
        if let segment { try? await segment.cancel() }
        try await driver.deleteSegmentedFile(key: key, path: path)
    }
}
