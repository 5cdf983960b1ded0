import Logging
import Registry
import ServiceLifecycle

/// Removes abandoned uploads (Distribution's upload purging: older than 168 h, checked at
/// start and then daily), so a client or server that died mid-push leaves nothing behind.
struct UploadPurger: Service {
    let uploads: UploadService
    let maxAge: Double
    let interval: Duration
    let dryRun: Bool
    let logger: Logger

    func run() async throws {
        while true {
            do {
                let purged = try await uploads.purge(olderThan: maxAge, dryRun: dryRun)
                if purged > 0 { logger.info("\(dryRun ? "would purge" : "purged") \(purged) stale uploads") }
            } catch {
                logger.error("upload purge failed", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
