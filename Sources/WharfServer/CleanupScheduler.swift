import Foundation
import Logging
import Metadata
import Metrics
import Registry
import ServiceLifecycle

/// Runs due cleanup policies inside `wharf serve`: every `interval`, each policy whose next run
/// has come, for at most `maxRuntime`; a run that stops there resumes at the next tick from the
/// repository after the last one it finished, and a finished one is next due a cadence later.
struct CleanupScheduler: Service {
    let cleanup: CleanupService
    let metadata: any MetadataStore
    let interval: Duration
    let maxRuntime: Duration
    let logger: Logger
    let deletedTags = Counter(label: "wharf_cleanup_tags_deleted_total")
    let runs = Counter(label: "wharf_cleanup_runs_total")
    let failures = Counter(label: "wharf_cleanup_failures_total")

    func run() async throws {
        while true {
            await tick(now: Date().timeIntervalSince1970)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    func tick(now: Double) async {
        let due: [CleanupPolicy]
        do {
            due = try await metadata.dueCleanupPolicies(at: now, limit: 100)
        } catch {
            failures.increment()
            logger.error("cleanup policies could not be read", metadata: ["error": "\(error)"])
            return
        }
        let deadline = ContinuousClock.now + maxRuntime
        for policy in due {
            do {
                let report = try await cleanup.run(policy, now: now, dryRun: false, from: policy.cursor, until: deadline)
                runs.increment()
                deletedTags.increment(by: report.deleted.count)
                let next = report.finished ? now + policy.cadence.seconds : now
                try await metadata.recordCleanupProgress(project: policy.project, cursor: report.cursor, nextRunAt: next)
                logger.info(
                    report.finished ? "cleanup policy ran" : "cleanup policy stopped at its time limit; it resumes next",
                    metadata: [
                        "project": "\(policy.project)", "repositories": "\(report.repositories)", "tags": "\(report.tagsSeen)",
                        "deleted": "\(report.deleted.count)", "kept as pushed again": "\(report.skipped)",
                    ]
                )
            } catch {
                failures.increment()
                logger.error("cleanup policy failed", metadata: ["project": "\(policy.project)", "error": "\(error)"])
                // A policy that cannot run (a pattern this version refuses) waits a cadence, not a tick.
                try? await metadata.recordCleanupProgress(project: policy.project, cursor: policy.cursor, nextRunAt: now + policy.cadence.seconds)
            }
            if ContinuousClock.now >= deadline { return }
        }
    }
}
