import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection that misses its `ConnectionDeadline`: a client trickling a header line
/// every few seconds, idling on a kept-alive connection or stalling a body no longer holds a
/// descriptor for good. One timer at a time, re-armed only when the deadline comes earlier;
/// a timer that fires early looks again.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var state: ConnectionDeadline
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(timeouts: ConnectionDeadline.Timeouts) {
        state = ConnectionDeadline(timeouts: timeouts, now: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: state.headReceived(at: .now())
        case .body: break
        case .end: state.requestEnded(at: .now())
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        state.bytesArrived(at: .now())
        state.readsPaused()
        context.fireChannelReadComplete()
    }

    /// The application asks for more (at once, or after it caught up with what it was given).
    func read(context: ChannelHandlerContext) {
        state.readAsked(at: .now())
        arm(context)
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            state.responseEnded(at: .now())
            arm(context)
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard let deadline = state.deadline else { return }
        if let timerDeadline, timer != nil, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        let loop = context.eventLoop.assumeIsolated()
        timer = loop.scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard let due = state.deadline else { return }
            if due <= .now() {
                context.close(promise: nil)
            } else {
                arm(context)
            }
        }
    }
}
