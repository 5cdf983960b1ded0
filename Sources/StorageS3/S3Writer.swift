import NIOCore
import StorageDriver

/// Writes one object: small ones with a single PUT when closed, large ones as a multipart
/// upload of `partSize` parts. Closing completes the object, so it can be read, stat'ed and
/// continued: an append starts a new multipart upload whose first parts are server-side copies
/// of the existing bytes (or, under S3's 5 MiB part minimum, those bytes read back). Memory
/// stays at one part.
final class S3Writer: StorageWriter {
    let driver: S3Driver
    let key: String
    let path: String
    private var buffer = ByteBuffer()
    private var uploadId: String?
    private var parts: [S3Client.Part] = []
    private(set) var size: Int64
    private var finished = false

    private init(driver: S3Driver, key: String, path: String, size: Int64) {
        self.driver = driver
        self.key = key
        self.path = path
        self.size = size
    }

    var client: S3Client { driver.client }

    static func open(driver: S3Driver, key: String, path: String, append: Bool) async throws -> S3Writer {
        guard append else { return S3Writer(driver: driver, key: key, path: path, size: 0) }
        let existing: Int64
        do {
            existing = try await driver.client.headObject(key).size
        } catch let error as S3Error where error.isNotFound {
            existing = 0
        }
        let writer = S3Writer(driver: driver, key: key, path: path, size: existing)
        if existing >= S3Client.minimumPart {
            let id = try await driver.client.createMultipartUpload(key)
            writer.uploadId = id
            for range in S3Client.copyRanges(size: existing) {
                writer.parts.append(
                    try await driver.client.uploadPartCopy(key, uploadId: id, number: writer.parts.count + 1, source: key, range: range)
                )
            }
        } else if existing > 0 {
            writer.buffer = try await driver.client.getObject(key)
        }
        return writer
    }

    func write(_ chunk: ByteBuffer) async throws {
        precondition(!finished, "write after the writer was closed")
        var chunk = chunk
        size += Int64(chunk.readableBytes)
        buffer.writeBuffer(&chunk)
        while buffer.readableBytes >= driver.partSize {
            let part = buffer.readSlice(length: driver.partSize)!
            try await send(part)
            buffer.discardReadBytes()
        }
    }

    private func send(_ part: ByteBuffer) async throws {
        let id: String
        if let uploadId {
            id = uploadId
        } else {
            id = try await driver.run(path) { try await client.createMultipartUpload(key) }
            uploadId = id
        }
        parts.append(try await driver.run(path) { try await client.uploadPart(key, uploadId: id, number: parts.count + 1, body: part) })
    }

    /// Completes the object with everything written.
    private func finish() async throws {
        guard !finished else { return }
        finished = true
        if let uploadId {
            if buffer.readableBytes > 0 || parts.isEmpty { try await send(buffer) }
            do {
                try await driver.run(path) { try await client.completeMultipartUpload(key, uploadId: uploadId, parts: parts) }
            } catch {
                try? await client.abortMultipartUpload(key, uploadId: uploadId)
                throw error
            }
        } else {
            try await driver.run(path) { try await client.putObject(key, buffer) }
        }
        buffer = ByteBuffer()
    }

    func commit() async throws { try await finish() }

    func close() async throws { try await finish() }

    func cancel() async throws {
        finished = true
        if let uploadId { try? await client.abortMultipartUpload(key, uploadId: uploadId) }
        do {
            try await client.deleteObject(key)
        } catch let error as S3Error where error.isNotFound {}
    }
}
