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
/// `100 Continue` answers after it; the connection's deadlines and the listener's connection
/// count (`ConnectionPolicy`).
public struct WharfHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    public let responder: HTTPChannelHandler.Responder
    let policy: ConnectionPolicy

    public init(responder: @escaping HTTPChannelHandler.Responder, policy: ConnectionPolicy = ConnectionPolicy()) {
        self.responder = responder
        self.policy = policy
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard policy.counter.admit(channel, logger: logger) else {
            // A failed set-up alone leaves the socket open.
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false
            )
            try channel.pipeline.syncOperations.addHandler(SendfileHandler())
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(policy.deadlineHandler())
            try channel.pipeline.syncOperations.addHandler(ExpectContinueHandler())
            // Hummingbird's handler for graceful shutdown; the deadlines are Wharf's own.
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
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
    public static func wharfHTTP1(policy: ConnectionPolicy = ConnectionPolicy()) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in WharfHTTP1Channel(responder: responder, policy: policy) }
    }
}
