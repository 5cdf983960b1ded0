import NIOCore
import StorageDriver

/// Writes one object. Bytes gather up to a chunk; a file larger than one chunk goes up as a
/// resumable upload, chunk by chunk, and one that is not becomes a single request. With
/// append, the new bytes are written as a separate object (`<name>~append-<n>`) and closing
/// composes the old object and that one into the old object's name — one atomic call, on
/// the very version the writer started from, so a kill before it leaves the file as it was, a
/// retried compose cannot append twice, and nothing stored is read or sent again.
final class GCSWriter: StorageWriter {
    let driver: GCSDriver
    let path: String
    /// The object the caller sees.
    let name: String
    /// Where this writer's bytes go: `name`, or the appended part.
    let target: String
    /// The object an append continues: its size and version.
    let existing: GCSClient.ObjectInfo?
    let chunkSize: Int
    private var buffer = ByteBuffer()
    private var session: String?
    /// Bytes the session holds.
    private var sent: Int64 = 0
    private var finished = false

    init(driver: GCSDriver, path: String, name: String, existing: GCSClient.ObjectInfo?, chunkSize: Int) {
        self.driver = driver
        self.path = path
        self.name = name
        self.existing = existing
        self.target = existing == nil ? name : name + "~append-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        self.chunkSize = chunkSize
    }

    var size: Int64 { (existing?.size ?? 0) + sent + Int64(buffer.readableBytes) }

    func write(_ chunk: ByteBuffer) async throws {
        // A request path: a misuse must fail this request, never the process.
        guard !finished else { throw StorageDriverError.backend(path, driver: "gcs", reason: "write after the writer was closed") }
        var chunk = chunk
        buffer.writeBuffer(&chunk)
        while buffer.readableBytes >= chunkSize {
            try await send(final: false)
        }
    }

    /// Sends `chunkSize` bytes (a multiple of 256 KiB, as a session requires) and returns once
    /// the session holds more than before; with `final`, everything left and the total, until
    /// the object is complete. A chunk whose answer is lost is not sent again blindly: the
    /// session is asked what it holds, and the rest goes from there.
    private func send(final: Bool) async throws {
        if session == nil {
            session = try await driver.run(path) { try await driver.client.startSession(target) }
        }
        let session = session!
        var stalls = 0
        while true {
            let length = final ? buffer.readableBytes : min(chunkSize, buffer.readableBytes)
            let bytes = buffer.getSlice(at: buffer.readerIndex, length: length)!
            let total: Int64? = final ? sent + Int64(length) : nil
            let held: Int64?
            var asked = false
            do {
                held = try await driver.client.putChunk(session, bytes, offset: sent, total: total)
            } catch let error as GCSError where error.isTransient {
                stalls += 1
                guard stalls < GCSClient.attempts else { throw driver.translated(error, path: path) }
                try await GCSClient.backoff(stalls)
                held = try await driver.run(path) { try await driver.client.sessionStatus(session) }
                asked = true
            } catch {
                throw driver.translated(error, path: path)
            }
            guard let held else {
                guard final else {
                    throw StorageDriverError.backend(path, driver: "gcs", reason: "the upload session ended before its last chunk")
                }
                sent += Int64(buffer.readableBytes)
                buffer.clear()
                return
            }
            // The service may keep fewer bytes than were sent; the rest goes again.
            guard held >= sent, held <= sent + Int64(length) else {
                throw StorageDriverError.backend(path, driver: "gcs", reason: "the upload session holds \(held) bytes, \(sent + Int64(length)) were sent")
            }
            if held == sent {
                // Counted once per attempt: a failure that was just asked about already was.
                if !asked {
                    stalls += 1
                    guard stalls < GCSClient.attempts else {
                        throw StorageDriverError.unavailable(path, driver: "gcs", reason: "the upload session took none of \(length) bytes, \(stalls) times")
                    }
                    try await GCSClient.backoff(stalls)
                }
            } else {
                buffer.moveReaderIndex(forwardBy: Int(held - sent))
                buffer.discardReadBytes()
                sent = held
                if !final { return }
            }
        }
    }

    private func finish() async throws {
        guard !finished else { return }
        finished = true
        if session != nil {
            try await send(final: true)
        } else if existing == nil || buffer.readableBytes > 0 {
            let bytes = buffer
            try await driver.run(path) { try await driver.client.upload(target, bytes) }
            sent = Int64(buffer.readableBytes)
            buffer.clear()
        }
        guard let existing, target != name, sent > 0 else { return }
        // The part goes whatever happens to the compose: a composed object does not need it,
        // and after a failed one the client sends those bytes again from the file's size.
        do {
            try await composePart(onto: existing)
        } catch {
            try? await driver.client.delete(target)
            throw error
        }
        try? await driver.client.delete(target)
    }

    private func composePart(onto existing: GCSClient.ObjectInfo) async throws {
        do {
            try await driver.client.compose([name, target], into: name, generation: existing.generation)
        } catch let error as GCSError where error.isPreconditionFailed || error.isNotFound {
            // The file changed since this writer began: fine only if that change was this
            // compose, applied once and answered to a request that was lost.
            let now = try await driver.run(path) { try await driver.client.metadata(name) }
            guard now.size == existing.size + sent else {
                throw StorageDriverError.backend(path, driver: "gcs", reason: "the file changed while bytes were appended to it")
            }
        } catch {
            throw driver.translated(error, path: path)
        }
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
