import Config
import HTTPAPI
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import UnixSignals

/// Re-reads the TLS certificate and key on SIGHUP and serves new connections with them; open
/// connections are not dropped. A bad pair is refused and logged, and the old one stays.
struct CertificateReloader: Service {
    let files: Configuration.TLSFiles
    let channel: NIOLockedValueBox<TLSServerChannel?>
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                reload()
            }
        }
    }

    func reload() {
        do {
            let configuration = try TLSSettings.configuration(certificatePath: files.certificate, keyPath: files.key)
            try channel.withLockedValue { $0 }?.reload(configuration)
            logger.notice("reloaded the TLS certificate", metadata: ["certificate": "\(files.certificate)"])
        } catch {
            logger.error("TLS certificate reload refused; still serving the previous one", metadata: ["error": "\(error)"])
        }
    }
}
