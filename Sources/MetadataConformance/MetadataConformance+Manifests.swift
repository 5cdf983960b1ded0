import Metadata
import OCI

extension MetadataConformance {
    static let manifestCases: [Case] = [
        Case(name: "a manifest with linked blobs is stored and found by digest and tag") { store in
            let repo = Fixture.repo("team/app")
            try await store.commitBlob(Fixture.blob("config"), in: repo)
            try await store.commitBlob(Fixture.blob("layer"), in: repo)
            let manifest = Fixture.manifest("m1", annotations: ["a": "b"])
            let references = ManifestReferences(blobs: [Fixture.digest("config"), Fixture.digest("layer")])
            try await store.putManifest(manifest, references: references, in: repo, tag: Fixture.tag("v1"))
            try require(try await store.manifest(.digest(manifest.digest), in: repo) == manifest, "lookup by digest differs")
            try require(try await store.manifest(.tag(Fixture.tag("v1")), in: repo) == manifest, "lookup by tag differs")
            try require(try await store.manifest(.tag(Fixture.tag("v2")), in: repo) == nil, "unknown tag resolved")
            try require(try await store.manifest(.digest(manifest.digest), in: Fixture.repo("x")) == nil, "found in another repo")
            try require(try await store.blob(manifest.digest)?.size == manifest.size, "manifest not recorded as a blob")
        },
        Case(name: "a manifest referencing unlinked blobs is refused, naming them") { store in
            let repo = Fixture.repo("r")
            try await store.commitBlob(Fixture.blob("config"), in: repo)
            try await store.commitBlob(Fixture.blob("elsewhere"), in: Fixture.repo("other"))
            let references = ManifestReferences(blobs: [Fixture.digest("config"), Fixture.digest("elsewhere"), Fixture.digest("nowhere")])
            do {
                try await store.putManifest(Fixture.manifest("m"), references: references, in: repo, tag: nil)
                throw MetadataConformanceFailure(description: "manifest with missing blobs was stored")
            } catch MetadataError.missingReferences(let missing) {
                try require(Set(missing) == [Fixture.digest("elsewhere"), Fixture.digest("nowhere")], "missing \(missing)")
            }
            try require(try await store.manifest(.digest(Fixture.digest("m")), in: repo) == nil, "refused manifest stored")
        },
        Case(name: "an index needs its child manifests in the repository") { store in
            let repo = Fixture.repo("r")
            let child = Fixture.manifest("child")
            try await store.putManifest(child, references: .init(), in: repo, tag: nil)
            let index = Fixture.manifest("index", mediaType: MediaType.ociIndex)
            do {
                let references = ManifestReferences(manifests: [child.digest, Fixture.digest("absent")])
                try await store.putManifest(index, references: references, in: repo, tag: nil)
                throw MetadataConformanceFailure(description: "index with a missing child was stored")
            } catch MetadataError.missingReferences(let missing) {
                try require(missing == [Fixture.digest("absent")], "missing \(missing)")
            }
            try await store.putManifest(index, references: .init(manifests: [child.digest]), in: repo, tag: Fixture.tag("latest"))
            try require(try await store.manifest(.tag(Fixture.tag("latest")), in: repo)?.mediaType == MediaType.ociIndex, "index not stored")
        },
        Case(name: "putting the same manifest again is idempotent and can add tags") { store in
            let repo = Fixture.repo("r")
            let manifest = Fixture.manifest("m")
            try await store.putManifest(manifest, references: .init(), in: repo, tag: Fixture.tag("a"))
            try await store.putManifest(manifest, references: .init(), in: repo, tag: Fixture.tag("b"))
            try await store.putManifest(manifest, references: .init(), in: repo, tag: nil)
            try require(try await store.tags(in: repo, after: nil, limit: 10).map(\.value) == ["a", "b"], "tags differ")
        },
        Case(name: "a tag moves to a new manifest") { store in
            let repo = Fixture.repo("r")
            try await store.putManifest(Fixture.manifest("one"), references: .init(), in: repo, tag: Fixture.tag("latest"))
            try await store.putManifest(Fixture.manifest("two"), references: .init(), in: repo, tag: Fixture.tag("latest"))
            try require(try await store.manifest(.tag(Fixture.tag("latest")), in: repo)?.digest == Fixture.digest("two"), "tag did not move")
            try require(try await store.manifest(.digest(Fixture.digest("one")), in: repo) != nil, "old manifest lost")
        },
        Case(name: "deleting a manifest removes its tags") { store in
            let repo = Fixture.repo("r")
            try await store.putManifest(Fixture.manifest("m"), references: .init(), in: repo, tag: Fixture.tag("a"))
            try await store.putManifest(Fixture.manifest("m"), references: .init(), in: repo, tag: Fixture.tag("b"))
            try await store.putManifest(Fixture.manifest("k"), references: .init(), in: repo, tag: Fixture.tag("c"))
            try require(try await store.deleteManifest(Fixture.digest("m"), in: repo), "delete reported nothing")
            try require(try await store.manifest(.digest(Fixture.digest("m")), in: repo) == nil, "manifest remained")
            try require(try await store.tags(in: repo, after: nil, limit: 10).map(\.value) == ["c"], "tags of the deleted manifest remained")
            try require(!(try await store.deleteManifest(Fixture.digest("m"), in: repo)), "second delete reported a manifest")
        },
        Case(name: "referrers list manifests by subject and artifact type") { store in
            let repo = Fixture.repo("r")
            let subject = Fixture.manifest("image")
            try await store.putManifest(subject, references: .init(), in: repo, tag: nil)
            let signature = Fixture.manifest("sig", artifactType: "application/vnd.example.sig", subject: subject.digest, annotations: ["k": "v"])
            let sbom = Fixture.manifest("sbom", artifactType: "application/spdx+json", subject: subject.digest)
            try await store.putManifest(signature, references: .init(), in: repo, tag: nil)
            try await store.putManifest(sbom, references: .init(), in: repo, tag: nil)
            try await store.putManifest(Fixture.manifest("unrelated"), references: .init(), in: repo, tag: nil)
            let all = try await store.referrers(of: subject.digest, in: repo, artifactType: nil)
            try require(Set(all.map(\.digest)) == [signature.digest, sbom.digest], "referrers \(all.map(\.digest))")
            let signatures = try await store.referrers(of: subject.digest, in: repo, artifactType: "application/vnd.example.sig")
            try require(signatures == [signature.descriptor], "filtered referrers \(signatures)")
            try require(signatures.first?.annotations == ["k": "v"], "annotations lost")
            try require(try await store.referrers(of: Fixture.digest("none"), in: repo, artifactType: nil).isEmpty, "referrers of nothing")
        },
    ]
}
