import NIOCore

/// Hands a stream of chunks from a reading task to a writing one. The reader runs ahead by up
/// to `limit` bytes and then waits for the taker, so memory stays bounded per stream; the taker
/// gets everything queued at once, so a relay of many small chunks (an S3 response arrives in
/// tens of KiB) crosses between tasks and to the event loop once per batch, not per chunk. It
/// lets a blob's read begin — and fail cleanly, as 404 or 503 — before a response head promises
/// a body.
public actor ChunkHandoff {
    private let limit: Int
    private var pending: [ByteBuffer] = []
    private var pendingBytes = 0
    private var finished = false
    private var failure: (any Error)?
    private var taker: CheckedContinuation<[ByteBuffer]?, any Error>?
    private var giver: CheckedContinuation<Void, Never>?

    public init(limit: Int = 1 << 20) {
        self.limit = limit
    }

    /// Offers a chunk; returns at once while less than `limit` bytes wait, else once the taker
    /// has taken them (or the handoff was abandoned).
    public func put(_ chunk: ByteBuffer) async {
        guard !finished else { return }
        if let taker {
            self.taker = nil
            taker.resume(returning: [chunk])
            return
        }
        pending.append(chunk)
        pendingBytes += chunk.readableBytes
        if pendingBytes >= limit { await withCheckedContinuation { giver = $0 } }
    }

    /// The stream ended; `error` when it ended in a failure.
    public func finish(throwing error: (any Error)? = nil) {
        finished = true
        failure = error
        if let taker {
            self.taker = nil
            if let error { taker.resume(throwing: error) } else { taker.resume(returning: nil) }
        }
    }

    /// Every chunk waiting (at least one), nil at the end; rethrows the reader's failure once
    /// the chunks before it were taken.
    public func take() async throws -> [ByteBuffer]? {
        if !pending.isEmpty {
            defer {
                pending = []
                pendingBytes = 0
                giver?.resume()
                giver = nil
            }
            return pending
        }
        if finished {
            if let failure { throw failure }
            return nil
        }
        return try await withCheckedThrowingContinuation { taker = $0 }
    }

    /// The taker is gone (the client left): the reader is released and stops at its next chunk.
    public func abandon() {
        finished = true
        pending = []
        pendingBytes = 0
        giver?.resume()
        giver = nil
    }
}
