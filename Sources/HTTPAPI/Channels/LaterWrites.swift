import NIOCore

/// Parts of later responses that arrive while a handler is still sending a response from its
/// file (a client that pipelines requests gets its next response head before the last body
/// is out, because the application's writes do not wait for the socket). They are written
/// after that response, in order, never into the middle of its body.
struct LaterWrites {
    private var parts: [(data: NIOAny, promise: EventLoopPromise<Void>?)] = []

    mutating func append(_ data: NIOAny, promise: EventLoopPromise<Void>?) {
        parts.append((data, promise))
    }

    /// The waiting parts, in order; none wait afterwards.
    mutating func take() -> [(data: NIOAny, promise: EventLoopPromise<Void>?)] {
        defer { parts = [] }
        return parts
    }

    /// Hands the waiting parts to `write` in order (a handler's own write, which may hold
    /// some again) and flushes; returns when the last of them is written, or `previous` when
    /// none waited.
    mutating func replay(
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

    /// The channel went away: nothing waiting will be written.
    mutating func fail(_ error: any Error) {
        for part in take() { part.promise?.fail(error) }
    }
}
