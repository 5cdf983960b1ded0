import NIOCore

/// A close (or an output half-close, after a `Connection: close` request) that arrived while a
/// handler still had a response to send: it runs after that response, or would cut it off.
struct DeferredClose {
    private var waiting: (mode: CloseMode, promise: EventLoopPromise<Void>?)?

    mutating func hold(mode: CloseMode, promise: EventLoopPromise<Void>?) {
        waiting = (mode, promise)
    }

    /// Runs the held close, if any.
    mutating func run(context: ChannelHandlerContext) {
        guard let close = waiting else { return }
        waiting = nil
        context.close(mode: close.mode, promise: close.promise)
    }

    /// Closes the whole channel now, completing a held close's promise with it.
    mutating func closeNow(context: ChannelHandlerContext) {
        let promise = waiting?.promise
        waiting = nil
        context.close(promise: promise)
    }
}
