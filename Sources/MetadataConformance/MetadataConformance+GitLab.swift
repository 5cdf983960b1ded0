import Metadata
import OCI

extension MetadataConformance {
    static let gitLabCases: [Case] = [
        Case(name: "repository details count the repository's own links and its last tag push") { store in
            let repo = Fixture.repo("team/app")
            try await store.commitBlob(Fixture.blob("a", size: 30), in: repo)  // created at 1000
            try await store.commitBlob(Fixture.blob("b", size: 12), in: repo)
            try await store.commitBlob(Fixture.blob("c", size: 500), in: Fixture.repo("team/app/sub"))
            let details = try await store.repositoryDetails(repo)
            try require(
                details == RepositoryDetails(createdAt: 1000, bytes: 42, lastPublishedAt: nil), "details before a tag: \(String(describing: details))"
            )
            var manifest = Fixture.manifest("m")
            manifest.createdAt = 2000
            try await store.putManifest(manifest, references: .init(), in: repo, tag: Fixture.tag("v1"))
            try require(try await store.repositoryDetails(repo)?.lastPublishedAt == 2000, "last push")
            try require(try await store.repositoryDetails(Fixture.repo("none")) == nil, "details of no repository")
            var image = Fixture.manifest("image")
            image.size = 7
            try await store.putManifest(image, references: .init(blobs: [Fixture.digest("a"), Fixture.digest("b")]), in: repo, tag: nil)
            try require(try await store.imageSize(image.digest, in: repo) == 49, "image size: manifest and its blobs")
            try require(try await store.imageSize(image.digest, in: Fixture.repo("team/app/sub")) == nil, "image elsewhere")
        },
        Case(name: "tagged repositories under a path skip those without tags") { store in
            for name in ["team/app", "team/app/a", "team/app/b", "team/app-x", "team/other"] {
                try await store.putManifest(Fixture.manifest("m"), references: .init(), in: Fixture.repo(name), tag: Fixture.tag("v1"))
            }
            try await store.commitBlob(Fixture.blob("x"), in: Fixture.repo("team/app/untagged"))
            let all = try await store.taggedRepositories(under: "team/app", after: nil, limit: 10).map(\.value)
            try require(all == ["team/app", "team/app/a", "team/app/b"], "tagged under team/app: \(all)")
            try require(try await store.taggedRepositories(under: "team/app", after: "team/app/a", limit: 10).map(\.value) == ["team/app/b"], "after")
            try require(try await store.taggedRepositories(under: "team", after: nil, limit: 2).count == 2, "limit")
        },
    ]
}
