import Foundation
import Logging
import Metrics
import Registry
import ServiceLifecycle

/// One of garbage collection's two workers inside `wharf serve` (GitLab's agents): `blobs`
/// reviews links and deletes blobs, `manifests` reviews manifests. Each pass is a batch; a
/// full batch is followed at once by the next, otherwise the worker sleeps (`CollectionBackoff`).
struct CollectionWorker: Service {
    enum Kind: String, Sendable {
        case blobs
        case manifests
    }

    let kind: Kind
    let collector: GarbageCollector
    let interval: Double
    let maxBackoff: Double
    let noIdleBackoff: Bool
    let logger: Logger

    func run() async throws {
        let metrics = CollectionMetrics(worker: kind.rawValue)
        var backoff = CollectionBackoff(interval: interval, maxBackoff: maxBackoff, noIdleBackoff: noIdleBackoff)
        var sleep = interval
        while true {
            do {
                let seconds = sleep
                try await cancelWhenGracefulShutdown { try await pause(seconds) }
            } catch {
                return
            }
            let started = ContinuousClock.now
            do {
                let now = Date().timeIntervalSince1970
                let pass = kind == .blobs ? try await collector.collectBlobs(now: now) : try await collector.collectManifests(now: now)
                metrics.record(pass)
                if !pass.isEmpty { log(pass, took: ContinuousClock.now - started) }
                let full = pass.manifests.count >= collector.settings.batchSize || pass.links.count >= collector.settings.batchSize
                    || pass.blobs.count + pass.failed.count >= collector.settings.batchSize
                sleep = backoff.next(after: full ? .fullBatch : pass.isEmpty ? .idle : .work, random: Double.random(in: 0..<1))
            } catch {
                metrics.failures.increment()
                logger.error("garbage collection pass failed", metadata: ["worker": "\(kind.rawValue)", "error": "\(error)"])
                sleep = backoff.next(after: .failure, random: Double.random(in: 0..<1))
            }
        }
    }

    /// Sleeps `seconds`, a second at a time: the blob worker wakes early when a push waits for
    /// a deletion (`CollectionWake`), so an expired lease is taken over at once.
    private func pause(_ seconds: Double) async throws {
        var left = seconds
        while left > 0 {
            let step = min(left, 1)
            try await Task.sleep(for: .milliseconds(Int(step * 1000)))
            left -= step
            if kind == .blobs, CollectionWake.shared.take() { return }
        }
    }

    /// One line per pass that did something.
    private func log(_ pass: CollectionPass, took duration: Duration) {
        logger.info(
            "garbage collection pass",
            metadata: [
                "worker": "\(kind.rawValue)", "manifests": "\(pass.manifests.count)", "links": "\(pass.links.count)",
                "blobs": "\(pass.blobs.count)", "bytes_freed": "\(pass.bytesFreed)", "failed": "\(pass.failed.count)",
                "duration": "\(duration)",
            ]
        )
    }
}
