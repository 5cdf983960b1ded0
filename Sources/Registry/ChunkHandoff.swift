import NIOCore

/// Hands a stream of chunks from a reading task to a writing one, one chunk at a time: the
/// reader waits until its chunk was taken, so memory stays at one chunk per stream. It lets a
/// blob's read begin — and fail cleanly, as 404 or 503 — before a response head promises a body.
public actor ChunkHandoff {
    private var pending: ByteBuffer?
    private var finished = false
    private var failure: (any Error)?
    private var taker: CheckedContinuation<ByteBuffer?, any Error>?
    private var giver: CheckedContinuation<Void, Never>?

    public init() {}

    /// Offers a chunk; returns once the taker has it (or the handoff was abandoned).
    public func put(_ chunk: ByteBuffer) async {
        if let taker {
            self.taker = nil
            taker.resume(returning: chunk)
            return
        }
        guard !finished else { return }
        pending = chunk
        await withCheckedContinuation { giver = $0 }
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

    /// The next chunk, nil at the end; rethrows the reader's failure.
    public func take() async throws -> ByteBuffer? {
        if let chunk = pending {
            pending = nil
            giver?.resume()
            giver = nil
            return chunk
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
        pending = nil
        giver?.resume()
        giver = nil
    }
}
