import Foundation

/// Runs blocking work (a backup written with fsyncs, a large buffer filled byte by byte) on a
/// thread of its own and awaits it: on the two threads of the cooperative pool it would stall
/// every test and in-process server running beside it.
public func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// `count` random bytes from `/dev/urandom` in large reads.
public func randomBytes(_ count: Int) -> [UInt8] {
    guard count > 0, let urandom = FileHandle(forReadingAtPath: "/dev/urandom") else { return [] }
    defer { try? urandom.close() }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    while bytes.count < count { bytes += urandom.readData(ofLength: count - bytes.count) }
    return bytes
}
