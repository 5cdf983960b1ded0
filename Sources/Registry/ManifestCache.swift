import NIOConcurrencyHelpers
import NIOCore
import OCI

/// Manifest bytes by digest, bounded in bytes. Content-addressed bytes never change, so an
/// entry can only be missing, never stale; the oldest entries go first when full.
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

    func put(_ digest: Digest, _ bytes: ByteBuffer) {
        guard bytes.readableBytes <= capacity / 4 else { return }
        state.withLockedValue { state in
            guard state.entries[digest] == nil else { return }
            state.entries[digest] = bytes
            state.order.append(digest)
            state.bytes += bytes.readableBytes
            while state.bytes > capacity, let oldest = state.order.popFirst() {
                state.bytes -= state.entries.removeValue(forKey: oldest)?.readableBytes ?? 0
            }
        }
    }
}
