import NIOCore
import StorageDriver

/// Writes one object. Bytes gather up to a chunk; a file larger than one chunk goes up as a
/// resumable upload, chunk by chunk, and one that is not becomes a single request. With
/// append, the new bytes are written as a separate object (`<name>~append-<n>`) and closing
/// composes the old object and that one into the old object's name — one atomic call, so a
/// kill before it leaves the file as it was, and nothing stored is read or sent again.
final class GCSWriter: StorageWriter {
    let driver: GCSDriver
    let path: String
    /// The object the caller sees.
    let name: String
    /// Where this writer's bytes go: `name`, or the appended part.
    let target: String
    /// Bytes already in `name` before this writer (appends only).
    let existing: Int64?
    let chunkSize: Int
    private var buffer = ByteBuffer()
    private var session: String?
    /// Bytes the session holds.
    private var sent: Int64 = 0
    private var finished = false

    init(driver: GCSDriver, path: String, name: String, existing: Int64?, chunkSize: Int) {
        self.driver = driver
        self.path = path
        self.name = name
        self.existing = existing
        self.target = existing == nil ? name : name + "~append-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        self.chunkSize = chunkSize
    }

    var size: Int64 { (existing ?? 0) + sent + Int64(buffer.readableBytes) }

    func write(_ chunk: ByteBuffer) async throws {
        // A request path: a misuse must fail this request, never the process.
        guard !finished else { throw StorageDriverError.backend(path, driver: "gcs", reason: "write after the writer was closed") }
        var chunk = chunk
        buffer.writeBuffer(&chunk)
        while buffer.readableBytes >= chunkSize {
            try await sendChunk(final: false)
        }
    }

    /// Sends `chunkSize` bytes (a multiple of 256 KiB, as a session requires), or with `final`
    /// everything left and the total.
    private func sendChunk(final: Bool) async throws {
        if session == nil {
            session = try await driver.run(path) { try await driver.client.startSession(target) }
        }
        let length = final ? buffer.readableBytes : chunkSize
        let bytes = buffer.getSlice(at: buffer.readerIndex, length: length)!
        let total: Int64? = final ? sent + Int64(length) : nil
        let held = try await driver.run(path) { try await driver.client.putChunk(session!, bytes, offset: sent, total: total) }
        if let held {
            // The service may keep fewer bytes than were sent; the rest goes again.
            guard held >= sent, held <= sent + Int64(length) else {
                throw StorageDriverError.backend(path, driver: "gcs", reason: "the upload session holds \(held) bytes, \(sent + Int64(length)) were sent")
            }
            buffer.moveReaderIndex(forwardBy: Int(held - sent))
            sent = held
            if final { try await sendChunk(final: true) }
        } else {
            guard final else {
                throw StorageDriverError.backend(path, driver: "gcs", reason: "the upload session ended before its last chunk")
            }
            buffer.moveReaderIndex(forwardBy: length)
            sent += Int64(length)
        }
        buffer.discardReadBytes()
    }

    private func finish() async throws {
        guard !finished else { return }
        finished = true
        if session != nil {
            try await sendChunk(final: true)
        } else if existing == nil || buffer.readableBytes > 0 {
            let bytes = buffer
            try await driver.run(path) { try await driver.client.upload(target, bytes) }
            sent = Int64(buffer.readableBytes)
            buffer.clear()
        }
        guard existing != nil, target != name, sent > 0 else { return }
        try await driver.run(path) { try await driver.client.compose([name, target], into: name) }
        try? await driver.client.delete(target)
    }

    func commit() async throws { try await finish() }

    func close() async throws { try await finish() }

    func cancel() async throws {
        finished = true
        buffer.clear()
        if target != name { try? await driver.client.delete(target) }
        do {
            try await driver.client.delete(name)
        } catch let error as GCSError where error.isNotFound {
            return
        } catch {
            throw driver.translated(error, path: path)
        }
    }
}
