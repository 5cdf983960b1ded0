import NIOCore
import StorageDriver

/// Writes one object: small ones with a single PUT when closed, large ones as a multipart
/// upload of `partSize` parts. Closing completes the object, so it can be read and stat'ed.
/// Appends to a new file go to segments (`S3SegmentWriter`); continuing a plain object starts
/// a new multipart upload whose first parts are server-side copies of the existing bytes (or,
/// under S3's 5 MiB part minimum, those bytes read back). Memory stays at one part.
final class S3Writer: StorageWriter {
    let driver: S3Driver
    let key: String
    let path: String
    private var buffer = ByteBuffer()
    private(set) var uploadId: String?
    private var parts: [S3Client.Part] = []
    /// Parts on their way, oldest first: the next part is received while these are sent.
    private var sending: [Task<S3Client.Part, any Error>] = []
    /// Parts sent at once; memory stays under (this + 1) parts.
    static let partsInFlight = 2
    private(set) var size: Int64
    private var finished = false
    /// A part failed: the object must not be completed without it.
    private var failed = false

    private init(driver: S3Driver, key: String, path: String, size: Int64) {
        self.driver = driver
        self.key = key
        self.path = path
        self.size = size
    }

    var client: S3Client { driver.client }

    /// A writer of a new object.
    static func fresh(driver: S3Driver, key: String, path: String) -> S3Writer {
        S3Writer(driver: driver, key: key, path: path, size: 0)
    }

    /// A writer continuing a plain object of `existing` bytes (one written without append).
    static func continuing(driver: S3Driver, key: String, path: String, existing: Int64) async throws -> S3Writer {
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
        // A request path: a misuse must fail this request, never the process.
        guard !finished else { throw StorageDriverError.backend(path, driver: "s3", reason: "write after the writer was closed") }
        var chunk = chunk
        size += Int64(chunk.readableBytes)
        buffer.writeBuffer(&chunk)
        while buffer.readableBytes >= driver.partSize {
            let part = buffer.readSlice(length: driver.partSize)!
            do {
                try await send(part)
            } catch {
                failed = true
                throw error
            }
            buffer.discardReadBytes()
        }
    }

    /// Starts sending a part, after waiting for the oldest when enough are on their way.
    private func send(_ part: ByteBuffer) async throws {
        let client = client
        let key = key
        let id: String
        if let uploadId {
            id = uploadId
        } else {
            id = try await driver.run(path) { try await client.createMultipartUpload(key) }
            uploadId = id
        }
        let number = parts.count + sending.count + 1
        sending.append(Task { try await client.uploadPart(key, uploadId: id, number: number, body: part) })
        if sending.count >= Self.partsInFlight { try await receiveOldest() }
    }

    private func receiveOldest() async throws {
        let task = sending.removeFirst()
        do {
            parts.append(try await task.value)
        } catch {
            for other in sending { other.cancel() }
            sending = []
            throw driver.translated(error, path: path)
        }
    }

    /// Completes the object with everything written.
    private func finish() async throws {
        guard !finished else { return }
        finished = true
        if failed {
            if let uploadId { try? await client.abortMultipartUpload(key, uploadId: uploadId) }
            throw StorageDriverError.backend(path, driver: driver.name, reason: "a part failed to upload; the object was not completed")
        }
        if let uploadId {
            do {
                if buffer.readableBytes > 0 || parts.count + sending.count == 0 { try await send(buffer) }
                while !sending.isEmpty { try await receiveOldest() }
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
        for task in sending { task.cancel() }
        sending = []
        if let uploadId { try? await client.abortMultipartUpload(key, uploadId: uploadId) }
        do {
            try await client.deleteObject(key)
        } catch let error as S3Error where error.isNotFound {}
    }
}
