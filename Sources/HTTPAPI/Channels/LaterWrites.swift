import NIOCore

/// Parts of later responses that arrive while a handler is still sending a response from its
/// file (a client that pipelines requests gets its next response head before the last body
/// is out, because the application's writes do not wait for the socket). They are written
/// after that response, in order, never into the middle of its body.
///
/// Bounded: the application's writes do not wait for bytes held here, so a client pipelining
/// thousands of requests behind a large blob would otherwise have every response built and kept
/// in memory. Past the bound the handler closes the connection.
///
/// A class, not a struct: replaying writes through the handler, which may hold parts again,
/// re-enters it while the replay runs.
final class LaterWrites {
    /// At most this many parts (heads, body chunks, ends) wait.
    static let partLimit = 1_024
    /// At most this many body bytes wait.
    static let byteLimit = 4 << 20

    private var parts: [(data: NIOAny, promise: EventLoopPromise<Void>?)] = []
    private var bytes = 0

    /// Holds a part of `size` body bytes; false, and nothing held, when the bound is reached.
    func append(_ data: NIOAny, size: Int, promise: EventLoopPromise<Void>?) -> Bool {
        guard parts.count < Self.partLimit, bytes + size <= Self.byteLimit else { return false }
        parts.append((data, promise))
        bytes += size
        return true
    }

    /// The waiting parts, in order; none wait afterwards.
    func take() -> [(data: NIOAny, promise: EventLoopPromise<Void>?)] {
        defer { parts = []; bytes = 0 }
        return parts
    }

    /// Hands the waiting parts to `write` in order (a handler's own write, which may hold
    /// some again) and flushes; returns when the last of them is written, or `previous` when
    /// none waited.
    func replay(
        after previous: EventLoopFuture<Void>, context: ChannelHandlerContext, _ write: (NIOAny, EventLoopPromise<Void>) -> Void
    ) -> EventLoopFuture<Void> {
        var last = previous
        for part in take() {
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: part.promise)
            last = written.futureResult
            write(part.data, written)
        }
        context.flush()
        return last
    }

    /// Past the bound: the part is refused, nothing waiting will be written, and the connection
    /// closes (the handler's `channelInactive` then releases what it holds).
    func overflow(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        promise?.fail(SendfileFailure.tooManyPipelined)
        fail(SendfileFailure.tooManyPipelined)
        context.close(promise: nil)
    }

    /// The channel went away: nothing waiting will be written.
    func fail(_ error: any Error) {
        for part in take() { part.promise?.fail(error) }
    }
}
