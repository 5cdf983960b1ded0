import NIOConcurrencyHelpers
import NIOCore

/// Writes straight into the in-memory file, so partial content is visible as on a filesystem.
final class InMemoryWriter: StorageWriter {
    private let driver: InMemoryDriver
    private let path: String
    private(set) var size: Int64
    private var closed = false

    init(driver: InMemoryDriver, path: String, size: Int64) {
        self.driver = driver
        self.path = path
        self.size = size
    }

    func write(_ buffer: ByteBuffer) async throws {
        guard !closed else { throw StorageDriverError.backend(path, driver: driver.name, reason: "writer is closed") }
        let now = driver.tick()
        try driver.files.withLockedValue { files in
            guard var file = files[path] else { throw StorageDriverError.pathNotFound(path, driver: driver.name) }
            var copy = buffer
            file.content.writeBuffer(&copy)
            file.modified = now
            files[path] = file
        }
        size += Int64(buffer.readableBytes)
    }

    func commit() async throws { closed = true }

    func cancel() async throws {
        closed = true
        driver.files.withLockedValue { _ = $0.removeValue(forKey: path) }
    }

    func close() async throws { closed = true }
}
