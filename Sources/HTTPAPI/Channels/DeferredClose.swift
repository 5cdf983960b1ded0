import NIOCore

/// A close (or an output half-close, after a `Connection: close` request) that arrived while a
/// handler still had a response to send: it runs after that response, or would cut it off.
///
/// A class, not a struct: closing re-enters the handler (`channelInactive` fails what is held),
/// which a mutating method still running on the handler's stored struct would conflict with.
final class DeferredClose {
    private var waiting: (mode: CloseMode, promise: EventLoopPromise<Void>?)?

    /// Holds a close; a second one while the first waits widens it (an input or output
    /// half-close and the other, or a full close, make a full close) and completes with it.
    func hold(mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard let held = waiting else {
            waiting = (mode, promise)
            return
        }
        let widened: CloseMode = held.mode == mode ? mode : .all
        if let promise, let first = held.promise { first.futureResult.cascade(to: promise) }
        waiting = (widened, held.promise ?? promise)
    }

    /// The channel went away before the held close ran.
    func fail(_ error: any Error) {
        waiting?.promise?.fail(error)
        waiting = nil
    }

    /// Runs the held close, if any.
    func run(context: ChannelHandlerContext) {
        guard let close = waiting else { return }
        waiting = nil
        context.close(mode: close.mode, promise: close.promise)
    }

    /// Closes the whole channel now, completing a held close's promise with it.
    func closeNow(context: ChannelHandlerContext) {
        let promise = waiting?.promise
        waiting = nil
        context.close(promise: promise)
    }
}
