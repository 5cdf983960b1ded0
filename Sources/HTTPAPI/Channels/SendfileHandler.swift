import NIOCore
import NIOHTTP1
import NIOPosix
import StorageDriver

/// Sends blob bodies with `sendfile(2)` on plain HTTP/1 connections: the kernel copies page
/// cache to socket, so a pull costs no user-space copies and no memory per connection.
///
/// It sits between the HTTP/1 codec and Hummingbird's HTTPTypes codec. Inbound, it marks each
/// request as coming from a sendfile-capable connection (replacing any client-sent marker).
/// Outbound, a response head carrying `X-Wharf-Sendfile` is held back while the named file is
/// opened on NIO's thread pool (never on the event loop); then the head goes out with a
/// `FileRegion` body, or — when the file cannot be opened — a clean error and a close instead
/// of a head promising bytes that cannot come.
final class SendfileHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let capableHeader = "x-wharf-sendfile-capable"
    static let directiveHeader = "x-wharf-sendfile"
    /// The marker's value: random per process, so a client on a listener without this handler
    /// (TLS, HTTP/2, the router tests) cannot claim sendfile by sending the header itself.
    static let marker = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()

    /// Bytes per `sendfile(2)` call: large enough to be cheap, small enough that the event
    /// loop turns between calls and the socket buffer drains in step.
    static let regionSize = 4 * 1024 * 1024

    typealias Held = HeldFileResponse<HTTPResponseHead, HTTPHeaders>

    private var pending: Held?
    private let deferredClose = DeferredClose()
    private let later = LaterWrites()
    /// The channel is gone: a file that finishes opening now is closed at once.
    private var closed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        head.headers.remove(name: Self.directiveHeader)
        head.headers.replaceOrAdd(name: Self.capableHeader, value: Self.marker)
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // A held response with its end is complete: what comes now is a later response's.
        if pending?.end != nil {
            var size = 0
            if case .body(.byteBuffer(let bytes)) = unwrapOutboundIn(data) { size = bytes.readableBytes }
            if !later.append(data, size: size, promise: promise) { later.overflow(context: context, promise: promise) }
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            guard let value = head.headers.first(name: Self.directiveHeader) else {
                context.write(data, promise: promise)
                return
            }
            head.headers.remove(name: Self.directiveHeader)
            let held = Held(head: head, headPromise: promise, directiveValue: value)
            pending = held
            guard let directive = held.directive else { return }
            Held.open(directive, on: context.eventLoop).assumeIsolated().whenComplete { [self] result in
                // The client may have left while the file opened: nobody will send or close it.
                guard !closed, pending != nil else {
                    if case .success(let handle) = result { try? handle.close() }
                    return
                }
                pending?.opened = result
                sendIfReady(context: context)
            }
        case .body where pending != nil:
            // The application sends no body with a directive; nothing to forward.
            promise?.succeed(())
        case .end(let trailers) where pending != nil:
            pending?.end = (trailers, promise)
            sendIfReady(context: context)
        case .body, .end:
            context.write(data, promise: promise)
        }
    }

    func flush(context: ChannelHandlerContext) {
        // A held-back response is flushed when it is sent.
        if pending == nil { context.flush() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard pending != nil else {
            context.close(mode: mode, promise: promise)
            return
        }
        deferredClose.hold(mode: mode, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandon()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        abandon()
    }

    /// The channel went away: nothing held or queued will be sent.
    private func abandon() {
        closed = true
        pending?.abandon(ChannelError.ioOnClosedChannel)
        pending = nil
        later.fail(ChannelError.ioOnClosedChannel)
        deferredClose.fail(ChannelError.ioOnClosedChannel)
    }

    /// Sends the held response once both its end and its file (or the failure to open it) are in.
    private func sendIfReady(context: ChannelHandlerContext) {
        guard let response = pending, let (end, outcome) = response.ready else { return }
        pending = nil
        switch outcome {
        case .send(let handle, let directive):
            context.write(wrapOutboundOut(.head(response.head)), promise: response.headPromise)
            var start = Int(directive.range.lowerBound)
            let stop = Int(directive.range.upperBound)
            while start < stop {
                let next = min(start + Self.regionSize, stop)
                context.write(wrapOutboundOut(.body(.fileRegion(FileRegion(fileHandle: handle, readerIndex: start, endIndex: next)))), promise: nil)
                start = next
            }
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(end.trailers)), promise: done)
            done.futureResult.assumeIsolated().whenComplete { result in
                try? handle.close()
                end.promise?.completeWith(result)
            }
            // Later responses follow; a held close runs once the last of them is out.
            let last = later.replay(after: done.futureResult, context: context) { write(context: context, data: $0, promise: $1) }
            last.assumeIsolated().whenComplete { [self] _ in
                if pending == nil { deferredClose.run(context: context) }
            }
        case .fail(let error):
            fail(response, end: end, error: error, context: context)
        }
    }

    /// The blob's file could not be opened: 404 when it is gone, 503 for anything else (a
    /// client retries those), with the spec's error body; then the connection closes.
    private func fail(
        _ response: Held, end: (trailers: HTTPHeaders?, promise: EventLoopPromise<Void>?), error: any Error,
        context: ChannelHandlerContext
    ) {
        let answer = SendfileFailure.answer(for: error)
        var head = HTTPResponseHead(version: response.head.version, status: HTTPResponseStatus(statusCode: answer.status))
        head.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        head.headers.add(name: "Content-Length", value: String(answer.body.utf8.count))
        head.headers.add(name: "Connection", value: "close")
        if answer.retry { head.headers.add(name: "Retry-After", value: "1") }
        if let version = response.head.headers.first(name: "Docker-Distribution-API-Version") {
            head.headers.add(name: "Docker-Distribution-API-Version", value: version)
        }
        context.write(wrapOutboundOut(.head(head)), promise: response.headPromise)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: answer.body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(end.trailers)), promise: end.promise)
        later.fail(ChannelError.ioOnClosedChannel)
        deferredClose.closeNow(context: context)
    }
}
