import Metadata
import OCI

extension MetadataConformance {
    static let blobCases: [Case] = [
        Case(name: "a committed blob is known and linked") { store in
            let repo = Fixture.repo("team/app")
            let blob = Fixture.blob("layer", size: 42)
            try require(try await store.blob(blob.digest) == nil, "blob known before commit")
            try await store.commitBlob(blob, in: repo)
            try require(try await store.blob(blob.digest)?.size == 42, "blob unknown after commit")
            try require(try await store.blob(blob.digest, in: repo)?.size == 42, "blob not linked after commit")
            try require(try await store.repositoryExists(repo), "commit did not create the repository")
            try require(try await store.blob(blob.digest, in: Fixture.repo("team/other")) == nil, "blob linked elsewhere")
        },
        Case(name: "committing a blob twice keeps one record") { store in
            let repo = Fixture.repo("r")
            try await store.commitBlob(Fixture.blob("x", size: 5), in: repo)
            try await store.commitBlob(Fixture.blob("x", size: 5), in: repo)
            try require(try await store.blob(Fixture.digest("x"), in: repo)?.size == 5, "blob lost")
        },
        Case(name: "link mounts a known blob and refuses an unknown one") { store in
            let blob = Fixture.blob("shared")
            try await store.commitBlob(blob, in: Fixture.repo("a"))
            try require(try await store.linkBlob(blob.digest, into: Fixture.repo("b")), "link of a known blob failed")
            try require(try await store.blob(blob.digest, in: Fixture.repo("b")) != nil, "mounted blob not linked")
            try require(try await store.repositoryExists(Fixture.repo("b")), "mount did not create the repository")
            try require(!(try await store.linkBlob(Fixture.digest("unknown"), into: Fixture.repo("b"))), "unknown blob linked")
        },
        Case(name: "unlink removes only that repository's link") { store in
            let blob = Fixture.blob("shared")
            try await store.commitBlob(blob, in: Fixture.repo("a"))
            try await store.commitBlob(blob, in: Fixture.repo("b"))
            try require(try await store.unlinkBlob(blob.digest, from: Fixture.repo("a")), "unlink reported nothing")
            try require(try await store.blob(blob.digest, in: Fixture.repo("a")) == nil, "link remained")
            try require(try await store.blob(blob.digest, in: Fixture.repo("b")) != nil, "other repository lost its link")
            try require(!(try await store.unlinkBlob(blob.digest, from: Fixture.repo("a"))), "second unlink reported a link")
        },
        Case(name: "repositories linking a blob are listed in order, bounded") { store in
            let blob = Fixture.blob("shared")
            for name in ["c/x", "a/x", "b/x"] { try await store.commitBlob(blob, in: Fixture.repo(name)) }
            try await store.commitBlob(Fixture.blob("other"), in: Fixture.repo("d/x"))
            let all = try await store.repositories(linking: blob.digest, limit: 10).map(\.value)
            try require(all == ["a/x", "b/x", "c/x"], "linking repositories were \(all)")
            try require(try await store.repositories(linking: blob.digest, limit: 2).count == 2, "limit ignored")
            _ = try await store.unlinkBlob(blob.digest, from: Fixture.repo("a/x"))
            let after = try await store.repositories(linking: blob.digest, limit: 10).map(\.value)
            try require(after == ["b/x", "c/x"], "an unlinked repository is still listed: \(after)")
        },
    ]
}
