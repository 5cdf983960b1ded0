import HTTPTypes
import NIOCore
import NIOHTTPTypes
import NIOPosix
import StorageDriver

/// Sends blob bodies from their files on TLS connections (HTTP/1.1 and HTTP/2 streams), where
/// `sendfile(2)` cannot serve: the bytes must pass through user space to be encrypted.
///
/// A body streamed by the application crosses threads for every chunk: the file read on the
/// blocking pool, the handler's task on the cooperative pool, the event loop that encrypts,
/// and back whenever the connection is full. Those hand-offs, not the encryption, kept a TLS
/// pull at two thirds of a core. Here the event loop drives the body itself, as
/// `SendfileHandler` does on plain connections: it reads the next chunk on the blocking pool
/// while the last one is encrypted and sent, and waits only when the connection's write
/// buffer is full.
///
/// It sits after Hummingbird's HTTPTypes codec. Inbound it marks requests as capable (with
/// `SendfileHandler`'s per-process marker, replacing any client-sent value); outbound a
/// response head carrying the directive is held while the file opens, then sent with the
/// file's bytes, or replaced by a clean 404/503 when the file cannot be opened.
final class FileStreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Bytes per read and per write: a few TLS records' worth per encryption pass, small
    /// enough that reading the next overlaps sending this one.
    static let chunkSize = 256 << 10

    private static let fileIO = NonBlockingFileIO(threadPool: BlockingIOPool.shared)

    typealias Held = HeldFileResponse<HTTPResponse, HTTPFields>

    /// A body being sent: the file, the next offset to read, and the response's end.
    private struct Streaming {
        let handle: NIOFileHandle
        var next: Int64
        let stop: Int64
        var reading = false
        let end: (trailers: HTTPFields?, promise: EventLoopPromise<Void>?)
    }

    private var pending: Held?
    private var streaming: Streaming?
    private let deferredClose = DeferredClose()
    private let later = LaterWrites()
    /// The channel is gone: a file that finishes opening now is closed at once.
    private var closed = false
    /// Fires when the client has not taken any bytes for `stallTimeout`.
    private var stallTimer: Scheduled<Void>?
    let stallTimeout: TimeAmount

    /// `stallTimeout`: how long a body may wait for the client to take bytes (the connection
    /// policy's body timeout) before the connection closes.
    init(stallTimeout: TimeAmount = .seconds(300)) {
        self.stallTimeout = stallTimeout
    }

    /// A response has all its parts and is being opened or sent: what comes now is later's.
    private var busy: Bool { pending?.end != nil || streaming != nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var request) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        request.headerFields[.wharfSendfile] = nil
        request.headerFields[.wharfSendfileCapable] = SendfileHandler.marker
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if busy {
            let size: Int
            if case .body(let bytes) = unwrapOutboundIn(data) { size = bytes.readableBytes } else { size = 0 }
            if !later.append(data, size: size, promise: promise) { later.overflow(context: context, promise: promise) }
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            guard let value = head.headerFields[.wharfSendfile] else {
                context.write(data, promise: promise)
                return
            }
            head.headerFields[.wharfSendfile] = nil
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
                startIfReady(context: context)
            }
        case .body where pending != nil:
            // The application sends no body with a directive; nothing to forward.
            promise?.succeed(())
        case .end(let trailers) where pending != nil:
            pending?.end = (trailers, promise)
            startIfReady(context: context)
        case .body, .end:
            context.write(data, promise: promise)
        }
    }

    func flush(context: ChannelHandlerContext) {
        // A held-back response is flushed when it is sent.
        if pending == nil { context.flush() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard pending != nil || streaming != nil else {
            context.close(mode: mode, promise: promise)
            return
        }
        deferredClose.hold(mode: mode, promise: promise)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
            readNext(context: context)
        } else if streaming != nil, stallTimer == nil {
            stallTimer = context.eventLoop.assumeIsolated().scheduleTask(in: stallTimeout) { [self] in
                stallTimer = nil
                stop(context: context, error: SendfileFailure.clientStalled)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandon(context: context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        abandon(context: context)
    }

    /// The channel went away: nothing held or queued will be sent.
    private func abandon(context: ChannelHandlerContext) {
        closed = true
        pending?.abandon(ChannelError.ioOnClosedChannel)
        pending = nil
        stop(context: context, error: ChannelError.ioOnClosedChannel)
        later.fail(ChannelError.ioOnClosedChannel)
        deferredClose.fail(ChannelError.ioOnClosedChannel)
    }

    /// Starts the held response once both its end and its file (or the failure to open it) are in.
    private func startIfReady(context: ChannelHandlerContext) {
        guard let response = pending, let (end, outcome) = response.ready else { return }
        pending = nil
        switch outcome {
        case .send(let handle, let directive):
            context.write(wrapOutboundOut(.head(response.head)), promise: response.headPromise)
            streaming = Streaming(handle: handle, next: directive.range.lowerBound, stop: directive.range.upperBound, end: end)
            readNext(context: context)
        case .fail(let error):
            fail(response, end: end, error: error, context: context)
        }
    }

    /// Reads the next chunk unless one is being read or the connection is full; after the
    /// last one, ends the response.
    private func readNext(context: ChannelHandlerContext) {
        guard var body = streaming, !body.reading, context.channel.isWritable else { return }
        guard body.next < body.stop else {
            streaming = nil
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(body.end.trailers)), promise: done)
            done.futureResult.assumeIsolated().whenComplete { result in
                try? body.handle.close()
                body.end.promise?.completeWith(result)
            }
            closeWhenWritten(later.replay(after: done.futureResult, context: context) { write(context: context, data: $0, promise: $1) }, context: context)
            return
        }
        let offset = body.next
        let length = Int(min(Int64(Self.chunkSize), body.stop - offset))
        body.reading = true
        streaming = body
        let handle = body.handle
        Self.fileIO.read(fileHandle: handle, fromOffset: offset, byteCount: length, allocator: context.channel.allocator, eventLoop: context.eventLoop)
            .assumeIsolated().whenComplete { [self] result in
                // Stopped while this read ran: the handle could not be closed then (NIO refuses
                // to close a handle in use), so it is closed now.
                guard var body = streaming, body.handle === handle else {
                    try? handle.close()
                    return
                }
                switch result {
                case .success(let bytes) where bytes.readableBytes == length:
                    body.reading = false
                    body.next = offset + Int64(length)
                    streaming = body
                    context.writeAndFlush(wrapOutboundOut(.body(bytes)), promise: nil)
                    readNext(context: context)
                case .success:
                    stop(context: context, error: SendfileFailure.fileShrank)
                case .failure(let error):
                    stop(context: context, error: error)
                }
            }
    }

    /// Runs a close that waited for the responses once `written` is out, unless another
    /// response is being sent by then (which runs it in turn).
    private func closeWhenWritten(_ written: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        written.assumeIsolated().whenComplete { [self] _ in
            if !busy { deferredClose.run(context: context) }
        }
    }

    /// Abandons a body half sent: the head promised bytes that cannot come, so the connection
    /// closes and the client sees a short body, never a complete-looking one.
    private func stop(context: ChannelHandlerContext, error: any Error) {
        stallTimer?.cancel()
        stallTimer = nil
        guard let body = streaming else { return }
        streaming = nil
        // A read in flight holds the handle; its completion closes it.
        if !body.reading { try? body.handle.close() }
        body.end.promise?.fail(error)
        later.fail(error)
        deferredClose.closeNow(context: context)
    }

    /// The blob's file could not be opened: 404 when it is gone, 503 for anything else, with the
    /// spec's error body. No head went out, so the answer is complete and the connection stays.
    private func fail(
        _ response: Held, end: (trailers: HTTPFields?, promise: EventLoopPromise<Void>?), error: any Error, context: ChannelHandlerContext
    ) {
        let answer = SendfileFailure.answer(for: error)
        var head = HTTPResponse(status: .init(code: answer.status))
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(answer.body.utf8.count)
        if answer.retry { head.headerFields[.retryAfter] = "1" }
        head.headerFields[.dockerDistributionAPIVersion] = response.head.headerFields[.dockerDistributionAPIVersion]
        context.write(wrapOutboundOut(.head(head)), promise: response.headPromise)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: answer.body))), promise: nil)
        let done = context.eventLoop.makePromise(of: Void.self)
        done.futureResult.cascade(to: end.promise)
        context.writeAndFlush(wrapOutboundOut(.end(end.trailers)), promise: done)
        closeWhenWritten(later.replay(after: done.futureResult, context: context) { write(context: context, data: $0, promise: $1) }, context: context)
    }
}
