import Metadata
import OCI

extension MetadataConformance {
    static let cleanupCases: [Case] = [
        Case(name: "repositories under a path are the path and what is below it, nothing beside it") { store in
            for name in ["team/app", "team/app/web", "team/app/web/x", "team/app-x", "team/app0", "team/apps", "team", "other/app"] {
                try await store.commitBlob(Fixture.blob("b"), in: Fixture.repo(name))
            }
            let all = try await store.repositories(under: "team/app", after: nil, limit: 100).map(\.value)
            try require(all == ["team/app", "team/app/web", "team/app/web/x"], "under team/app: \(all)")
            let page = try await store.repositories(under: "team/app", after: "team/app", limit: 1).map(\.value)
            try require(page == ["team/app/web"], "second page: \(page)")
            try require(try await store.repositories(under: "none", after: nil, limit: 10).isEmpty, "under an unknown path")
        },
        Case(name: "tag records carry the manifest and the time of the last push") { store in
            let repo = Fixture.repo("r")
            var first = Fixture.manifest("m1")
            first.createdAt = 100
            var second = Fixture.manifest("m2")
            second.createdAt = 200
            try await store.putManifest(first, references: .init(), in: repo, tags: [Fixture.tag("a"), Fixture.tag("b")])
            try await store.putManifest(second, references: .init(), in: repo, tag: Fixture.tag("b"))
            let records = try await store.tagRecords(in: repo, after: nil, limit: 10)
            try require(
                records == [
                    TagRecord(tag: Fixture.tag("a"), digest: first.digest, pushedAt: 100),
                    TagRecord(tag: Fixture.tag("b"), digest: second.digest, pushedAt: 200),
                ],
                "records: \(records)"
            )
            try require(try await store.tagRecords(in: repo, after: "a", limit: 10).map(\.tag.value) == ["b"], "page after a")
        },
        Case(name: "a tag pushed again since a policy looked at it is not deleted") { store in
            let repo = Fixture.repo("r")
            var old = Fixture.manifest("old")
            old.createdAt = 100
            try await store.putManifest(old, references: .init(), in: repo, tag: Fixture.tag("v"))
            var moved = Fixture.manifest("new")
            moved.createdAt = 200
            try await store.putManifest(moved, references: .init(), in: repo, tag: Fixture.tag("v"))
            try require(
                !(try await store.deleteTag(Fixture.tag("v"), in: repo, ifPointingAt: old.digest, pushedAt: 100)),
                "a moved tag was deleted"
            )
            var again = moved
            again.createdAt = 300
            try await store.putManifest(again, references: .init(), in: repo, tag: Fixture.tag("v"))
            try require(
                !(try await store.deleteTag(Fixture.tag("v"), in: repo, ifPointingAt: moved.digest, pushedAt: 200)),
                "a tag pushed again to the same manifest was deleted"
            )
            try require(try await store.deleteTag(Fixture.tag("v"), in: repo, ifPointingAt: moved.digest, pushedAt: 300), "not deleted")
            try require(try await store.manifest(.tag(Fixture.tag("v")), in: repo) == nil, "the tag remained")
            try require(try await store.manifest(.digest(moved.digest), in: repo) != nil, "the manifest went with its tag")
        },
        Case(name: "cleanup policies are stored, found due and record where a run stopped") { store in
            try require(try await store.cleanupPolicy(for: "team/app") == nil, "a policy nobody set")
            let policy = CleanupPolicy(
                project: "team/app", enabled: true, cadence: .weekly, keepN: 5, olderThan: .month, nameRegex: "v.*",
                nameRegexKeep: "v1\\..*", nextRunAt: 1000
            )
            try await store.setCleanupPolicy(policy)
            try await store.setCleanupPolicy(CleanupPolicy(project: "team/off", enabled: false, nextRunAt: 0))
            try await store.setCleanupPolicy(CleanupPolicy(project: "team/later", enabled: true, keepN: nil, olderThan: nil, nextRunAt: 5000))
            var firstRevision = policy
            firstRevision.revision = 1
            try require(try await store.cleanupPolicy(for: "team/app") == firstRevision, "the policy read back differs")
            try require(try await store.dueCleanupPolicies(at: 999, limit: 10).isEmpty, "due before its time")
            try require(try await store.dueCleanupPolicies(at: 1000, limit: 10).map(\.project) == ["team/app"], "due at its time")
            try require(
                try await store.dueCleanupPolicies(at: 9999, limit: 10).map(\.project) == ["team/app", "team/later"], "due, soonest first"
            )
            let revision = try await store.cleanupPolicy(for: "team/app")?.revision ?? -1
            try require(try await store.recordCleanupProgress(project: "team/app", revision: revision, cursor: "team/app/web", nextRunAt: 2000), "not recorded")
            let progressed = try await store.cleanupPolicy(for: "team/app")
            try require(progressed?.cursor == "team/app/web" && progressed?.nextRunAt == 2000, "progress: \(String(describing: progressed))")
            // An edit while a run went on: the run's progress is not recorded over it.
            guard var edited = progressed else { throw MetadataConformanceFailure(description: "the policy is gone") }
            edited.keepN = 1
            edited.nextRunAt = 9000
            edited.cursor = nil
            try await store.setCleanupPolicy(edited)
            try require(
                !(try await store.recordCleanupProgress(project: "team/app", revision: revision, cursor: "team/app/x", nextRunAt: 3000)),
                "a stale run's progress was recorded"
            )
            let kept = try await store.cleanupPolicy(for: "team/app")
            try require(kept?.nextRunAt == 9000 && kept?.cursor == nil && kept?.revision == revision + 1, "the edit was overwritten: \(String(describing: kept))")
            try require(try await store.cleanupPolicy(for: "team/later")?.keepN == nil, "keep_n nil read back as a number")
        },
    ]
}
