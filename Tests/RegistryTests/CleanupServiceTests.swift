import Foundation
import Logging
import Metadata
import MetadataSQLite
import OCI
import Registry
import Testing
import WharfTestSupport

/// Policy runs over real stores: every combination of rules over 3,000 tags, dry runs equal to
/// runs, resumption after a deadline, and what a run never touches.
@Suite(.backgroundPriority, .timeLimit(.minutes(5))) struct CleanupServiceTests {
    /// Runs log every deletion at info: thousands of lines nobody reads.
    static let quiet: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    static let now = 2_000_000_000.0
    static let day = 86_400.0

    /// 3,000 tags in three repositories of one project (and one beside it): names of several
    /// families, pushed over 200 days, some sharing a manifest.
    static func populate(_ store: any MetadataStore) async throws -> [RepositoryName: [TagRecord]] {
        var pushed: [RepositoryName: [TagRecord]] = [:]
        let families = ["v1.", "v2.", "dev-", "main-", "feature-x-", "release-"]
        for (index, name) in ["team/app", "team/app/web", "team/app/worker", "team/other"].enumerated() {
            let repository = try RepositoryName(name)
            let count = index == 3 ? 100 : 1000
            for number in 0..<count {
                let tag = number == 0 ? "latest" : families[number % families.count] + String(number)
                let manifest = ManifestRecord(
                    digest: DigestHasher.digest(Array("\(name)-\(number / 3)".utf8)), mediaType: MediaType.ociManifest, size: 10,
                    artifactType: nil, subject: nil, annotations: nil, createdAt: now - Double((number * 7919) % 200) * day - Double(number)
                )
                try await store.putManifest(manifest, references: .init(), in: repository, tag: try Tag(tag))
                pushed[repository, default: []].append(TagRecord(tag: try Tag(tag), digest: manifest.digest, pushedAt: manifest.createdAt))
                // The in-memory store never suspends: without this, the loop would hold a thread
                // of the cooperative pool (one of two) from every other test until it ended.
                if number % 50 == 0 { await Task.yield() }
            }
        }
        return pushed
    }

    static let policies: [CleanupPolicy] = {
        var policies: [CleanupPolicy] = []
        for keepN in [nil, 1, 10, 100] as [Int?] {
            for olderThan in [nil, .week, .quarter] as [CleanupAge?] {
                for (nameRegex, keep) in [(".*", nil), ("v.*", "v1\\..*"), ("(dev|feature-x)-.*", nil), ("release-\\d+", "release-1\\d*")] as [(String, String?)] {
                    policies.append(CleanupPolicy(project: "team/app", enabled: true, keepN: keepN, olderThan: olderThan, nameRegex: nameRegex, nameRegexKeep: keep))
                }
            }
        }
        return policies
    }()

    /// The rules restated as plainly as possible, to check the service against.
    static func expected(_ tags: [TagRecord], _ policy: CleanupPolicy) throws -> Set<String> {
        let delete = try NSRegularExpression(pattern: "^(?:\(policy.nameRegex))$")
        let keep = try policy.nameRegexKeep.map { try NSRegularExpression(pattern: "^(?:\($0))$") }
        func matches(_ regex: NSRegularExpression?, _ text: String) -> Bool {
            regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        let matching = tags.filter { $0.tag.value != "latest" && matches(delete, $0.tag.value) && !matches(keep, $0.tag.value) }
        let newestFirst = matching.sorted { ($0.pushedAt, $1.tag.value) > ($1.pushedAt, $0.tag.value) }
        let beyondKeep = newestFirst.dropFirst(policy.keepN ?? 0)
        let old = beyondKeep.filter { policy.olderThan == nil || $0.pushedAt < now - policy.olderThan!.seconds }
        return Set(old.map(\.tag.value))
    }

    @Test func everyCombinationOfRulesOver3000TagsDeletesWhatTheRulesSayAndTheDryRunSaidSo() async throws {
        for policy in Self.policies {
            let store = InMemoryMetadataStore()
            let pushed = try await Self.populate(store)
            let service = CleanupService(metadata: store, logger: Self.quiet)
            let dry = try await service.run(policy, now: Self.now, dryRun: true)
            await Task.yield()
            let real = try await service.run(policy, now: Self.now, dryRun: false)
            await Task.yield()
            #expect(dry.deleted == real.deleted, "dry run differs for \(CleanupService.describe(policy))")
            #expect(real.repositories == 3 && real.tagsSeen == 3000)
            for (repository, tags) in pushed where repository.value != "team/other" {
                let expected = try Self.expected(tags, policy)
                let deleted = Set(real.deleted.filter { $0.repository == repository }.map(\.record.tag.value))
                #expect(deleted == expected, "\(repository) under \(CleanupService.describe(policy))")
                let left = Set(try await store.tagRecords(in: repository, after: nil, limit: 2000).map(\.tag.value))
                #expect(left == Set(tags.map(\.tag.value)).subtracting(expected), "tags left in \(repository)")
                #expect(left.contains("latest"))
                await Task.yield()
            }
            #expect(try await store.tagRecords(in: RepositoryName("team/other"), after: nil, limit: 2000).count == 100, "a sibling project was touched")
        }
    }

    @Test func onSQLiteARunDeletesTagsOnlyAndResumesWhereItsDeadlineStoppedIt() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteMetadataStore.open(path: directory + "/metadata.sqlite")
            _ = try await Self.populate(store)
            let service = CleanupService(metadata: store, logger: Self.quiet)
            let policy = CleanupPolicy(project: "team/app", enabled: true, keepN: 10, olderThan: .week, nameRegex: ".*")
            let dry = try await service.run(policy, now: Self.now, dryRun: true)
            // A deadline already past: every run stops after one deletion, inside the
            // repository, and the next reads that repository again.
            var first = try await service.run(policy, now: Self.now, dryRun: false, until: .now)
            #expect(!first.finished && first.cursor == "" && first.repositories == 1 && first.deleted.count == 1)
            let second = try await service.run(policy, now: Self.now, dryRun: false, from: first.cursor, until: .now)
            #expect(!second.finished && second.cursor == "" && second.deleted.count == 1)
            let rest = try await service.run(policy, now: Self.now, dryRun: false, from: second.cursor)
            #expect(rest.finished && rest.repositories == 3)
            first.deleted += second.deleted + rest.deleted
            let names = { (deletions: [CleanupDeletion]) in Set(deletions.map { "\($0.repository)/\($0.record.tag)" }) }
            #expect(names(first.deleted) == names(dry.deleted), "resumed runs delete what one run would")
            #expect(first.deleted.count == dry.deleted.count, "nothing twice")
            // Manifests stay: tags go, collection decides about the rest.
            for deletion in first.deleted.prefix(50) {
                #expect(try await store.manifest(.digest(deletion.record.digest), in: deletion.repository) != nil)
            }
        }
    }

    @Test func aRunLeavesTheIdentitysProtectedAndImmutableTagsAlone() async throws {
        let store = InMemoryMetadataStore()
        let repository = try RepositoryName("team/app")
        for name in ["v1.0", "v2.0", "dev-1", "release-1"] {
            let manifest = ManifestRecord(digest: DigestHasher.digest(Array(name.utf8)), mediaType: MediaType.ociManifest, size: 1, createdAt: 1)
            try await store.putManifest(manifest, references: .init(), in: repository, tag: try Tag(name))
        }
        let service = CleanupService(metadata: store, logger: Self.quiet) { project in
            project == "team/app" ? ["^v\\d", "^release-", "(?=unusable)"] : []
        }
        let policy = CleanupPolicy(project: "team/app", enabled: true, keepN: nil, olderThan: nil, nameRegex: ".*")
        let report = try await service.run(policy, now: Self.now, dryRun: false)
        // The unusable pattern protects everything rather than nothing.
        #expect(report.deleted.isEmpty)
        let lenient = CleanupService(metadata: store, logger: Self.quiet) { _ in ["^v\\d", "^release-"] }
        #expect(try await lenient.run(policy, now: Self.now, dryRun: false).deleted.map(\.record.tag.value) == ["dev-1"])
    }

    /// A policy set on a group asks for each repository's own project rules.
    @Test func aGroupPolicyHonoursEachProjectsRules() async throws {
        let store = InMemoryMetadataStore()
        for name in ["team/app", "team/web"] {
            let manifest = ManifestRecord(digest: DigestHasher.digest(Array(name.utf8)), mediaType: MediaType.ociManifest, size: 1, createdAt: 1)
            try await store.putManifest(manifest, references: .init(), in: try RepositoryName(name), tags: [try Tag("v1"), try Tag("dev")])
        }
        let service = CleanupService(metadata: store, logger: Self.quiet) { repository in repository.hasPrefix("team/app") ? ["^v"] : [] }
        let policy = CleanupPolicy(project: "team", enabled: true, keepN: nil, olderThan: nil, nameRegex: ".*")
        let deleted = try await service.run(policy, now: Self.now, dryRun: true).deleted.map { "\($0.repository):\($0.record.tag)" }
        #expect(deleted == ["team/app:dev", "team/web:dev", "team/web:v1"])
    }
}
