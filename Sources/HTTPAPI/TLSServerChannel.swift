import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// HTTPS with HTTP/2 by ALPN and HTTP/1.1 beside it, whose certificate can be replaced while
/// serving: each new connection takes the channel current at accept time, connections already
/// open keep theirs (a reload drops nothing).
public final class TLSServerChannel: ServerChildChannel {
    public typealias Value = HTTP2UpgradeChannel.Value

    private let current: NIOLockedValueBox<HTTP2UpgradeChannel>
    private let responder: HTTPChannelHandler.Responder
    private let configuration: HTTP2UpgradeChannel.Configuration

    public init(tlsConfiguration: TLSConfiguration, responder: @escaping HTTPChannelHandler.Responder) throws {
        self.responder = responder
        self.configuration = Self.channelConfiguration
        current = NIOLockedValueBox(
            try HTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, configuration: Self.channelConfiguration, responder: responder)
        )
    }

    /// `100 Continue` answers on HTTP/1.1 and on HTTP/2 streams.
    static var channelConfiguration: HTTP2UpgradeChannel.Configuration {
        .init(streamConfiguration: .init(additionalChannelHandlers: [ExpectContinueHandler()]))
    }

    /// Serves new connections with `tlsConfiguration` from now on.
    public func reload(_ tlsConfiguration: TLSConfiguration) throws {
        let next = try HTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, configuration: configuration, responder: responder)
        current.withLockedValue { $0 = next }
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        current.withLockedValue { $0 }.setup(channel: channel, logger: logger)
    }

    public func handle(value: Value, logger: Logger) async {
        await current.withLockedValue { $0 }.handle(value: value, logger: logger)
    }
}
