import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 child channel with Wharf's handlers: `sendfile(2)` bodies between the
/// HTTP/1 codec and the HTTPTypes codec (where NIO's parts can carry a file region), and
/// `100 Continue` answers after it.
public struct WharfHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    public let responder: HTTPChannelHandler.Responder
    let idleTimeout: TimeAmount?

    public init(responder: @escaping HTTPChannelHandler.Responder, idleTimeout: TimeAmount? = nil) {
        self.responder = responder
        self.idleTimeout = idleTimeout
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false
            )
            try channel.pipeline.syncOperations.addHandler(SendfileHandler())
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(ExpectContinueHandler())
            try channel.pipeline.syncOperations.addHandler(
                HTTPConnectionStateHandler(idleTimeout: idleTimeout.map { .nanoseconds($0.nanoseconds) }, logger: logger)
            )
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel,
                configuration: .init(isOutboundHalfClosureEnabled: true)
            )
        }
    }

    public func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// Plain HTTP/1.1 with Wharf's channel handlers.
    public static func wharfHTTP1(idleTimeout: TimeAmount? = nil) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in WharfHTTP1Channel(responder: responder, idleTimeout: idleTimeout) }
    }
}
