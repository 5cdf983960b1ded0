import NIOConcurrencyHelpers
import NIOCore
import StorageDriver

/// An in-memory driver whose failures a test switches on: reads that find the backend down,
/// writers that fail after some bytes (a disk filling up).
final class FaultyDriver: StorageDriver {
    let base = InMemoryDriver()
    let name = "faulty"
    private let faults = NIOLockedValueBox((readsFail: false, writeBudget: Int?.none))

    func failReads(_ fail: Bool) { faults.withLockedValue { $0.readsFail = fail } }

    /// Writers fail once `bytes` more have been written (nil: never).
    func failWrites(after bytes: Int?) { faults.withLockedValue { $0.writeBudget = bytes } }

    private func checkRead(_ path: String) throws {
        if faults.withLockedValue({ $0.readsFail }) { throw StorageDriverError.unavailable(path, driver: name, reason: "backend down") }
    }

    /// Takes `count` bytes of the write budget, throwing like a full disk when it runs out.
    func spend(_ count: Int, path: String) throws {
        let exhausted = faults.withLockedValue { faults -> Bool in
            guard let budget = faults.writeBudget else { return false }
            faults.writeBudget = budget - count
            return budget - count < 0
        }
        if exhausted { throw StorageDriverError.unavailable(path, driver: name, reason: "write failed: No space left on device") }
    }

    func getContent(_ path: String) async throws -> ByteBuffer {
        try checkRead(path)
        return try await base.getContent(path)
    }

    func putContent(_ path: String, _ content: ByteBuffer) async throws {
        try spend(content.readableBytes, path: path)
        try await base.putContent(path, content)
    }

    func read(_ path: String, range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void) async throws {
        try checkRead(path)
        try await base.read(path, range: range, consume)
    }

    func writer(_ path: String, append: Bool) async throws -> any StorageWriter {
        FaultyWriter(inner: try await base.writer(path, append: append), driver: self, path: path)
    }

    func stat(_ path: String) async throws -> StorageFileInfo { try await base.stat(path) }
    func list(_ path: String) async throws -> [String] { try await base.list(path) }
    func move(_ source: String, to destination: String) async throws { try await base.move(source, to: destination) }
    func delete(_ path: String) async throws { try await base.delete(path) }
}

/// A writer that spends its driver's write budget.
final class FaultyWriter: StorageWriter {
    let inner: any StorageWriter
    let driver: FaultyDriver
    let path: String

    init(inner: any StorageWriter, driver: FaultyDriver, path: String) {
        self.inner = inner
        self.driver = driver
        self.path = path
    }

    var size: Int64 { inner.size }

    func write(_ buffer: ByteBuffer) async throws {
        try driver.spend(buffer.readableBytes, path: path)
        try await inner.write(buffer)
    }

    func commit() async throws { try await inner.commit() }
    func cancel() async throws { try await inner.cancel() }
    func close() async throws { try await inner.close() }
}
