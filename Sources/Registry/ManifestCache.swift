import NIOConcurrencyHelpers
import NIOCore
import OCI

/// Manifest bytes by digest, bounded by the memory the entries really hold. Content-addressed
/// bytes never change, so an entry can only be missing, never stale; the oldest entries go
/// first when full. What is cached is a copy of the manifest's bytes: the buffer a request body
/// arrives in is a slice of the connection's read buffer (~24 KiB for a ~600-byte manifest),
/// and keeping it would keep all of it.
final class ManifestCache: Sendable {
    private struct State {
        var entries: [Digest: ByteBuffer] = [:]
        var order = CircularBuffer<Digest>()
        var bytes = 0
    }

    private let state = NIOLockedValueBox(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func get(_ digest: Digest) -> ByteBuffer? {
        state.withLockedValue { $0.entries[digest] }
    }

    /// Bookkeeping per entry besides its bytes: the key, the dictionary slot, the order slot.
    static let entryOverhead = 256

    func put(_ digest: Digest, _ bytes: ByteBuffer) {
        guard bytes.readableBytes <= capacity / 4 else { return }
        var copy = ByteBufferAllocator().buffer(capacity: bytes.readableBytes)
        copy.writeImmutableBuffer(bytes)
        state.withLockedValue { state in
            guard state.entries[digest] == nil else { return }
            state.entries[digest] = copy
            state.order.append(digest)
            state.bytes += Self.cost(copy)
            while state.bytes > capacity, let oldest = state.order.popFirst() {
                state.bytes -= state.entries.removeValue(forKey: oldest).map(Self.cost) ?? 0
            }
        }
    }

    /// Memory an entry holds: its buffer's whole allocation, not only its readable bytes.
    static func cost(_ buffer: ByteBuffer) -> Int { buffer.capacity + entryOverhead }

    /// Memory accounted to the entries now, and their buffers' allocations (for tests).
    var usage: (accounted: Int, allocated: Int) {
        state.withLockedValue { state in (state.bytes, state.entries.values.reduce(0) { $0 + $1.capacity }) }
    }
}
