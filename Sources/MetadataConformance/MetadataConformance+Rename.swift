import Metadata
import OCI

extension MetadataConformance {
    static let renameCases: [Case] = [
        Case(name: "a rename takes the repository and those below it, with tags, links, usage, limits and policies") { store in
            let app = Fixture.repo("team/app"), cache = Fixture.repo("team/app/cache"), web = Fixture.repo("team/web")
            try await store.commitBlob(Fixture.blob("a", size: 30), in: app)
            try await store.commitBlob(Fixture.blob("b", size: 12), in: cache)
            _ = try await store.linkBlob(Fixture.digest("a"), into: Fixture.repo("team/app-x"))
            try await store.putManifest(Fixture.manifest("m"), references: .init(blobs: [Fixture.digest("a")]), in: app, tag: Fixture.tag("v1"))
            try await store.setQuota(StorageQuota(path: "team/app", limit: 100))
            try await store.setCleanupPolicy(CleanupPolicy(project: "team/app", enabled: true, nextRunAt: 5))
            try await store.recordCleanupProgress(project: "team/app", revision: 1, cursor: "team/app/cache", nextRunAt: 5)
            try await store.createUpload(UploadRecord(id: "u-cache", repository: cache, startedAt: 1))
            try await store.reserveUpload("u-cache", upTo: 50, digest: nil, quota: .none)
            try await store.createUpload(UploadRecord(id: "u-other", repository: Fixture.repo("team/app-x"), startedAt: 1))
            try require(try await store.usage(of: "team", quota: .none).reserved == 50, "reserved before")

            let rename = try RepositoryRename.renaming(app, to: "web")
            let ended = try await store.renameRepositories(rename, now: 10, maxRepositories: 1000, quota: .none)
            try require(ended.map(\.id) == ["u-cache"], "the uploads below the source end: \(ended.map(\.id))")
            try require(try await store.upload("u-cache") == nil, "the ended upload is gone")
            try require(try await store.upload("u-other") != nil, "an upload elsewhere stays")
            let appExists = try await store.repositoryExists(app), cacheExists = try await store.repositoryExists(cache)
            try require(!appExists && !cacheExists, "the old names are free")
            let webExists = try await store.repositoryExists(web), webCacheExists = try await store.repositoryExists(Fixture.repo("team/web/cache"))
            try require(webExists && webCacheExists, "the new names exist")
            try require(try await store.manifest(.tag(Fixture.tag("v1")), in: web)?.digest == Fixture.digest("m"), "the tag went along")
            try require(try await store.blob(Fixture.digest("b"), in: Fixture.repo("team/web/cache")) != nil, "the links went along")
            try require(try await store.tagRecords(in: web, after: nil, limit: 10).map(\.tag.value) == ["v1"], "tag records")
            let webUsage = try await store.usage(of: "team/web", quota: .none)
            try require(webUsage.stored == 42 && webUsage.limit == 100, "usage and limit of the new path: \(webUsage)")
            let oldUsage = try await store.usage(of: "team/app", quota: .none)
            try require(oldUsage.stored == 0 && oldUsage.limit == nil, "nothing is left at the old path: \(oldUsage)")
            let team = try await store.usage(of: "team", quota: .none)
            try require(team.stored == 42 && team.reserved == 0, "the namespace counts the same blobs, without the ended upload: \(team)")
            let policy = try await store.cleanupPolicy(for: "team/web")
            try require(policy?.enabled == true && policy?.cursor == "team/web/cache", "the policy went along: \(String(describing: policy))")
            try require(try await store.cleanupPolicy(for: "team/app") == nil, "no policy is left at the old path")
            let queued = try await store.collectionCandidates(.link, limit: 10).compactMap(\.repository?.value)
            try require(!queued.contains(where: { $0.hasPrefix("team/app/") || $0 == "team/app" }), "queued links follow: \(queued)")
            try require(try await store.repositories(under: "team", after: nil, limit: 10).map(\.value) == ["team/app-x", "team/web", "team/web/cache"], "names")
        },
        Case(name: "a rename is refused when its target is taken, leased to another rename, or too large") { store in
            let app = Fixture.repo("team/app")
            for name in ["team/app", "team/app/a", "team/web/x", "team/other"] {
                try await store.commitBlob(Fixture.blob(name), in: Fixture.repo(name))
            }
            func refusal(_ body: () async throws -> Void) async -> MetadataError? {
                do { try await body() } catch let error as MetadataError { return error } catch { return nil }
                return nil
            }
            let taken = await refusal { _ = try await store.renameRepositories(.renaming(app, to: "web"), now: 0, maxRepositories: 10, quota: .none) }
            guard case .renameConflict = taken else { throw MetadataConformanceFailure(description: "a repository below the target: \(String(describing: taken))") }
            let leased = await refusal { try await store.leaseRename(.renaming(app, to: "web"), until: 60, now: 0, maxRepositories: 10, quota: .none) }
            guard case .renameConflict = leased else { throw MetadataConformanceFailure(description: "a dry run onto a taken name: \(String(describing: leased))") }
            let large = await refusal { _ = try await store.renameRepositories(.renaming(app, to: "new"), now: 0, maxRepositories: 1, quota: .none) }
            try require(large == .tooManyRepositories(limit: 1), "more repositories than allowed: \(String(describing: large))")

            try await store.leaseRename(.renaming(Fixture.repo("team/other"), to: "new"), until: 60, now: 0, maxRepositories: 10, quota: .none)
            try await store.leaseRename(.renaming(Fixture.repo("team/other"), to: "new"), until: 60, now: 1, maxRepositories: 10, quota: .none)
            let held = await refusal { _ = try await store.renameRepositories(.renaming(app, to: "new"), now: 30, maxRepositories: 10, quota: .none) }
            guard case .renameConflict = held else { throw MetadataConformanceFailure(description: "a name leased to another: \(String(describing: held))") }
            let inside = await refusal { try await store.leaseRename(.moving(app, into: "team/new"), until: 90, now: 30, maxRepositories: 10, quota: .none) }
            guard case .renameConflict = inside else { throw MetadataConformanceFailure(description: "a path inside a leased one: \(String(describing: inside))") }
            try require(try await store.repositoryExists(app), "nothing moved")
            // The lease runs out: the name is free again.
            _ = try await store.renameRepositories(.renaming(app, to: "new"), now: 61, maxRepositories: 10, quota: .none)
            try require(try await store.repositoryExists(Fixture.repo("team/new/a")), "renamed after the lease ran out")

            try await store.createUpload(UploadRecord(id: "busy", repository: Fixture.repo("team/other"), startedAt: 1))
            try await store.markUploadCommitting("busy", digest: Fixture.digest("z"))
            let busy = await refusal { _ = try await store.renameRepositories(.renaming(Fixture.repo("team/other"), to: "o2"), now: 70, maxRepositories: 10, quota: .none) }
            guard case .renameConflict = busy else { throw MetadataConformanceFailure(description: "an upload committing: \(String(describing: busy))") }
        },
        Case(name: "a move refuses growth past a limit of its target, dry run too, not a project already over its own") { store in
            let app = Fixture.repo("team/a/app")
            try await store.commitBlob(Fixture.blob("a", size: 30), in: app)
            try await store.commitBlob(Fixture.blob("s", size: 5), in: Fixture.repo("team/b/lib"))
            try await store.setQuota(StorageQuota(path: "team/b", limit: 20))
            let expected = QuotaExceeded(path: "team/b", limit: 20, stored: 5, reserved: 0, needed: 30)
            do {
                _ = try await store.renameRepositories(.moving(app, into: "team/b"), now: 0, maxRepositories: 10, quota: .none)
                throw MetadataConformanceFailure(description: "the move passed the target's limit")
            } catch MetadataError.quotaExceeded(let refusal) {
                try require(refusal == expected, "the refusal's numbers: \(refusal)")
            }
            do {
                try await store.leaseRename(.moving(app, into: "team/b"), until: 60, now: 0, maxRepositories: 10, quota: .none)
                throw MetadataConformanceFailure(description: "the dry run passed the target's limit")
            } catch MetadataError.quotaExceeded(let refusal) {
                try require(refusal == expected, "the dry run's numbers: \(refusal)")
            }
            try require(try await store.repositoryExists(app), "nothing moved")
            try require(try await store.usage(of: "team/b", quota: .none).stored == 5, "usage unchanged")
            try require(try await store.usage(of: "team/a/app", quota: .none).stored == 30, "usage unchanged at the source")

            try await store.setQuota(StorageQuota(path: "team/a/app", limit: 10))
            _ = try await store.renameRepositories(.renaming(app, to: "web"), now: 0, maxRepositories: 10, quota: .none)
            let web = try await store.usage(of: "team/a/web", quota: .none)
            try require(web.stored == 30 && web.limit == 10, "renamed over its own limit: \(web)")
            // A blob the target namespace holds already costs it nothing; a limit already set at
            // the target path stays where it is stricter.
            try await store.setQuota(StorageQuota(path: "team/b", limit: 40))
            _ = try await store.linkBlob(Fixture.digest("a"), into: Fixture.repo("team/b/lib"))
            try await store.setQuota(StorageQuota(path: "team/b/web", limit: 5))
            _ = try await store.renameRepositories(.moving(Fixture.repo("team/a/web"), into: "team/b"), now: 0, maxRepositories: 10, quota: .none)
            let moved = try await store.usage(of: "team/b", quota: .none)
            try require(moved.stored == 35, "the shared blob counts once: \(moved)")
            try require(try await store.usage(of: "team/a", quota: .none).stored == 0, "the old group is empty")
            try require(try await store.usage(of: "team", quota: .none).stored == 35, "the namespace is unchanged")
            let quotas = try await store.quotas().map { "\($0.path)=\($0.limit)" }
            try require(quotas == ["team/b=40", "team/b/web=5"], "limits: \(quotas)")
            let renamedWeb = try await store.usage(of: "team/b/web", quota: .none)
            try require(renamedWeb.stored == 30 && renamedWeb.limit == 5, "the moved project: \(renamedWeb)")
        },
    ]
}
