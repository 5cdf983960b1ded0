import Config
import HTTPAPI
import HummingbirdCore
import Logging
import NIOCore
import NIOConcurrencyHelpers
import NIOSSL
import ServiceLifecycle

/// The main listener: plain HTTP/1 (with sendfile), or TLS with HTTP/2 and a SIGHUP reloader.
enum ServerChannels {
    static func make(
        _ tls: Configuration.TLSFiles?, limits: ConnectionLimits, logger: Logger
    ) throws -> (builder: HTTPServerBuilder, services: [any Service]) {
        func amount(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(min(seconds, 1e9) * 1e9)) }
        let policy = ConnectionPolicy(
            header: amount(limits.header), idle: amount(limits.idle), body: amount(limits.body), maxConnections: limits.maxConnections
        )
        guard let files = tls else { return (.wharfHTTP1(policy: policy), []) }
        let configuration: TLSConfiguration
        do {
            configuration = try TLSSettings.configuration(certificatePath: files.certificate, keyPath: files.key)
        } catch let failure as TLSSettings.Failure {
            throw WharfStartupError(failure.description)
        }
        let channel = NIOLockedValueBox<TLSServerChannel?>(nil)
        let builder = HTTPServerBuilder { responder in
            let made = try TLSServerChannel(tlsConfiguration: configuration, policy: policy, responder: responder)
            channel.withLockedValue { $0 = made }
            return made
        }
        return (builder, [CertificateReloader(files: files, channel: channel, logger: logger)])
    }
}
