import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// HTTPS with HTTP/2 by ALPN and HTTP/1.1 beside it, whose certificate can be replaced while
/// serving: each new connection takes the channel current at accept time, connections already
/// open keep theirs (a reload drops nothing). The `ConnectionPolicy` holds here too: the TLS
/// handshake must end within the header timeout, HTTP/1.1 requests and HTTP/2 streams have
/// their deadlines, and an HTTP/2 connection without streams closes after the idle timeout.
public final class TLSServerChannel: ServerChildChannel {
    public typealias Value = HTTP2UpgradeChannel.Value

    private let current: NIOLockedValueBox<HTTP2UpgradeChannel>
    private let responder: HTTPChannelHandler.Responder
    private let configuration: HTTP2UpgradeChannel.Configuration
    private let policy: ConnectionPolicy

    public init(
        tlsConfiguration: TLSConfiguration, policy: ConnectionPolicy = ConnectionPolicy(), responder: @escaping HTTPChannelHandler.Responder
    ) throws {
        self.responder = responder
        self.policy = policy
        self.configuration = Self.channelConfiguration(policy)
        current = NIOLockedValueBox(
            try HTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, configuration: configuration, responder: responder)
        )
    }

    /// Deadlines, `100 Continue` answers and blob bodies sent from their files on HTTP/1.1 and
    /// on HTTP/2 streams.
    static func channelConfiguration(_ policy: ConnectionPolicy) -> HTTP2UpgradeChannel.Configuration {
        .init(
            idleTimeout: .nanoseconds(policy.timeouts.idle.nanoseconds),
            streamConfiguration: .init(additionalChannelHandlers: [
                // A `100 Continue` passes FileStreamHandler, which keeps it out of a body being sent.
                policy.deadlineHandler(), FileStreamHandler(stallTimeout: policy.timeouts.body), ExpectContinueHandler(),
            ])
        )
    }

    /// Serves new connections with `tlsConfiguration` from now on.
    public func reload(_ tlsConfiguration: TLSConfiguration) throws {
        let next = try HTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, configuration: configuration, responder: responder)
        current.withLockedValue { $0 = next }
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard policy.counter.admit(channel, logger: logger) else {
            // A failed set-up alone leaves the socket open.
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        let value = current.withLockedValue { $0 }.setup(channel: channel, logger: logger)
        // The TLS handler is in the pipeline now; the handshake deadline goes right after it.
        do {
            try policy.configureWriteBuffer(channel)
            let tls = try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            try channel.pipeline.syncOperations.addHandler(HandshakeDeadlineHandler(timeout: policy.timeouts.header), position: .after(tls))
        } catch {
            channel.close(promise: nil)
        }
        return value
    }

    public func handle(value: Value, logger: Logger) async {
        await current.withLockedValue { $0 }.handle(value: value, logger: logger)
    }
}
