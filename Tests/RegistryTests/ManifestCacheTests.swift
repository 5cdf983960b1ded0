import Foundation
import NIOCore
import OCI
@testable import Registry
import Testing

/// The cache holds copies the size of the manifests, and counts what it holds.
@Suite(.timeLimit(.minutes(1))) struct ManifestCacheTests {
    /// A distinct digest per index, without hashing (thousands per test).
    static func digest(_ index: Int) -> Digest { try! Digest(parsing: "sha256:" + String(repeating: "0", count: 48) + String(format: "%016x", index)) }

    /// The reported leak: a ~600-byte manifest cached as a slice of a connection's 24 KiB read
    /// buffer kept the whole buffer (24.5 MB per 1,000 pushes on one connection).
    @Test func aSliceOfABigBufferIsCachedAsACopyOfItsBytes() {
        let cache = ManifestCache(capacity: 64 * 1024 * 1024)
        var readBuffer = ByteBufferAllocator().buffer(capacity: 24 * 1024)
        readBuffer.writeRepeatingByte(0x7B, count: 24 * 1024)
        for index in 0..<1000 {
            cache.put(Self.digest(index), readBuffer.getSlice(at: index, length: 600)!)
        }
        let usage = cache.usage
        #expect(usage.allocated <= 1000 * 2048, "the cache holds \(usage.allocated) bytes for 600 KB of manifests")
        #expect(usage.accounted >= usage.allocated, "what the cache counts covers what it holds")
        #expect(cache.get(Self.digest(7)) == readBuffer.getSlice(at: 7, length: 600))
    }

    @Test func theBoundCountsWhatEntriesHold() {
        let cache = ManifestCache(capacity: 100 * 1024)
        for index in 0..<1000 {
            var buffer = ByteBuffer()
            buffer.writeRepeatingByte(UInt8(index % 256), count: 1000)
            cache.put(Self.digest(index), buffer)
        }
        #expect(cache.usage.accounted <= 100 * 1024)
        #expect(cache.get(Self.digest(999)) != nil, "the newest stays")
        #expect(cache.get(Self.digest(0)) == nil, "the oldest went")
    }
}
