import NIOCore

/// A blob read already under way: its first chunks, and the rest as they come. Dropped before its
/// end — a client that left before the body was written — it cancels its reader, so no task
/// or backend connection waits for a taker that never comes.
public final class OpenedBlobRead: Sendable {
    public let first: [ByteBuffer]
    let rest: ChunkHandoff
    let reader: Task<Void, Never>

    init(first: [ByteBuffer], rest: ChunkHandoff, reader: Task<Void, Never>) {
        self.first = first
        self.rest = rest
        self.reader = reader
    }

    /// The chunks that arrived since the last call (after `first`), nil at the end.
    public func next() async throws -> [ByteBuffer]? {
        try await rest.take()
    }

    deinit {
        reader.cancel()
        Task { [rest] in await rest.abandon() }
    }
}
