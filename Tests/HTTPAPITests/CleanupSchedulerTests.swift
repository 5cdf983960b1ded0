import Foundation
import Logging
import Metadata
import OCI
import Registry
import Testing
@testable import WharfServer

/// The scheduler in `wharf serve`: due policies run, stop at their time limit and resume, and
/// are next due a cadence later.
@Suite(.timeLimit(.minutes(3))) struct CleanupSchedulerTests {
    /// Runs log every deletion at info: thousands of lines nobody reads.
    static let quiet: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    @Test func duePoliciesRunResumeAndAreRescheduled() async throws {
        let store = InMemoryMetadataStore()
        let now = 1_000_000.0
        for name in ["team/app", "team/app/web"] {
            for number in 0..<5 {
                let manifest = ManifestRecord(
                    digest: DigestHasher.digest(Array("\(name)\(number)".utf8)), mediaType: MediaType.ociManifest, size: 1,
                    createdAt: now - 100 * 86_400 - Double(number)
                )
                try await store.putManifest(manifest, references: .init(), in: RepositoryName(name), tag: Tag("v\(number)"))
            }
        }
        try await store.setCleanupPolicy(CleanupPolicy(project: "team/app", enabled: true, cadence: .weekly, keepN: 1, olderThan: .week, nextRunAt: now))
        try await store.setCleanupPolicy(CleanupPolicy(project: "team/later", enabled: true, nextRunAt: now + 10))
        let cleanup = CleanupService(metadata: store, logger: Self.quiet)
        let stopping = CleanupScheduler(cleanup: cleanup, metadata: store, interval: .seconds(60), maxRuntime: .zero, logger: Self.quiet)
        await stopping.tick(now: now)
        let halfway = try #require(try await store.cleanupPolicy(for: "team/app"))
        #expect(halfway.cursor == "" && halfway.nextRunAt == now, "stopped after one deletion, inside the first repository, due again at once")
        #expect(try await store.tagRecords(in: RepositoryName("team/app"), after: nil, limit: 10).count == 4)
        #expect(try await store.tagRecords(in: RepositoryName("team/app/web"), after: nil, limit: 10).count == 5)
        let scheduler = CleanupScheduler(cleanup: cleanup, metadata: store, interval: .seconds(60), maxRuntime: .seconds(60), logger: Self.quiet)
        await scheduler.tick(now: now + 1)
        let done = try #require(try await store.cleanupPolicy(for: "team/app"))
        #expect(done.cursor == nil && done.nextRunAt == now + 1 + 7 * 86_400, "finished, next due a cadence later")
        #expect(try await store.tagRecords(in: RepositoryName("team/app"), after: nil, limit: 10).map(\.tag.value) == ["v0"])
        #expect(try await store.tagRecords(in: RepositoryName("team/app/web"), after: nil, limit: 10).map(\.tag.value) == ["v0"])
        #expect(try await store.cleanupPolicy(for: "team/later")?.nextRunAt == now + 10, "a policy not yet due was left alone")
    }
}
