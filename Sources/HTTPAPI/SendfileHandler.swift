import NIOCore
import NIOHTTP1

/// Sends blob bodies with `sendfile(2)` on plain HTTP/1 connections: the kernel copies page
/// cache to socket, so a pull costs no user-space copies and no memory per connection.
///
/// It sits between the HTTP/1 codec and Hummingbird's HTTPTypes codec. Inbound, it marks each
/// request as coming from a sendfile-capable connection (removing any client-sent marker).
/// Outbound, a response head carrying `X-Wharf-Sendfile` has the header removed and its body
/// replaced by a `FileRegion` of the named file, written when the application ends the response.
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

    private var pending: SendfileDirective?

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
        switch unwrapOutboundIn(data) {
        case .head(var head):
            if let value = head.headers.first(name: Self.directiveHeader) {
                head.headers.remove(name: Self.directiveHeader)
                pending = SendfileDirective(headerValue: value)
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body where pending != nil:
            // The application sends no body with a directive; nothing to forward.
            promise?.succeed(())
        case .end(let trailers):
            guard let directive = pending else {
                context.write(data, promise: promise)
                return
            }
            pending = nil
            writeFile(directive, trailers: trailers, context: context, promise: promise)
        case .body:
            context.write(data, promise: promise)
        }
    }

    private func writeFile(
        _ directive: SendfileDirective, trailers: HTTPHeaders?, context: ChannelHandlerContext,
        promise: EventLoopPromise<Void>?
    ) {
        let handle: NIOFileHandle
        do {
            // open(2) of a cached dentry takes microseconds; the event loop can afford it.
            handle = try NIOFileHandle(_deprecatedPath: directive.path)
        } catch {
            // The head promised a body that cannot come: only closing tells the client.
            promise?.fail(error)
            context.close(promise: nil)
            return
        }
        var start = Int(directive.range.lowerBound)
        let end = Int(directive.range.upperBound)
        while start < end {
            let stop = min(start + Self.regionSize, end)
            let region = FileRegion(fileHandle: handle, readerIndex: start, endIndex: stop)
            context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: nil)
            start = stop
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(.end(trailers)), promise: done)
        done.futureResult.whenComplete { result in
            try? handle.close()
            promise?.completeWith(result)
        }
    }
}
