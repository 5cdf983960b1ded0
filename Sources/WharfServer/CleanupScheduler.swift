import Foundation
import Logging
import Metadata
import Metrics
import OCI
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
                // Not recorded when the policy was edited meanwhile: the edit's schedule stands.
                try await metadata.recordCleanupProgress(project: policy.project, revision: policy.revision, cursor: report.cursor, nextRunAt: next)
                logger.info(
                    report.finished ? "cleanup policy ran" : "cleanup policy stopped at its time limit; it resumes next",
                    metadata: [
                        "project": "\(policy.project)", "repositories": "\(report.repositories)", "tags": "\(report.tagsSeen)",
                        "deleted": "\(report.deleted.count)", "kept as pushed again": "\(report.skipped)",
                    ]
                )
            } catch let error as TagPatternError {
                failures.increment()
                logger.error("cleanup policy cannot run", metadata: ["project": "\(policy.project)", "error": "\(error)"])
                // A pattern this version refuses fails the same way every time: wait a cadence.
                _ = try? await metadata.recordCleanupProgress(
                    project: policy.project, revision: policy.revision, cursor: policy.cursor, nextRunAt: now + policy.cadence.seconds
                )
            } catch {
                failures.increment()
                // The database or storage failed: the policy stays due and runs again next tick.
                logger.error("cleanup policy failed; it runs again at the next tick", metadata: ["project": "\(policy.project)", "error": "\(error)"])
            }
            if ContinuousClock.now >= deadline { return }
        }
    }
}
