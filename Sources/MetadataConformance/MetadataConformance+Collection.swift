import Metadata
import OCI

/// Garbage collection's rules, as every store must keep them.
extension MetadataConformance {
    /// A review long after every fixture's time, with no delay: everything queued is due.
    static func dueReview(dryRun: Bool = false) -> CollectionReview {
        CollectionReview(now: 4_000_000_000, reviewDelay: 0, limit: 1000, dryRun: dryRun)
    }

    /// Begins the due blob deletions with a lease of a minute.
    static func begin(_ store: any MetadataStore, _ review: CollectionReview) async throws -> [BlobDeletion] {
        try await store.beginBlobDeletions(review, leaseUntil: review.now + 60)
    }

    /// Runs link, manifest and blob reviews until nothing more is collected; returns the
    /// blob deletions begun (finished at once, as a collector whose storage deletes succeed).
    static func collectEverything(_ store: any MetadataStore) async throws -> (links: [CollectedItem], manifests: [CollectedItem], blobs: [Digest]) {
        var links: [CollectedItem] = []
        var manifests: [CollectedItem] = []
        var blobs: [Digest] = []
        while true {
            let newManifests = try await store.collectManifests(dueReview())
            let newLinks = try await store.collectLinks(dueReview())
            let begun = try await begin(store, dueReview())
            try await store.finishBlobDeletions(begun)
            manifests += newManifests
            links += newLinks
            blobs += begun.map(\.digest)
            if newManifests.isEmpty && newLinks.isEmpty && begun.isEmpty { return (links, manifests, blobs) }
        }
    }

    /// An image in `repo`: config and layer blobs committed, a manifest referencing both.
    static func pushImage(_ store: any MetadataStore, _ repo: RepositoryName, seed: String, layer: String = "layer", tags: [Tag]) async throws -> ManifestRecord {
        try await store.commitBlob(Fixture.blob("config-\(seed)"), in: repo)
        try await store.commitBlob(Fixture.blob(layer), in: repo)
        let manifest = Fixture.manifest("manifest-\(seed)")
        let references = ManifestReferences(blobs: [Fixture.digest("config-\(seed)"), Fixture.digest(layer)])
        try await store.putManifest(manifest, references: references, in: repo, tags: tags)
        return manifest
    }

    static let collectionCases: [Case] = [
        Case(name: "an uploaded blob no manifest references loses its link, then is deleted") { store in
            let repo = Fixture.repo("r")
            let blob = Fixture.blob("orphan")
            try await store.commitBlob(blob, in: repo)
            let queued = try await store.collectionCandidates(.link, limit: 10)
            try require(queued.map(\.digest) == [blob.digest] && queued.first?.event == .blobUploaded, "link not queued: \(queued)")
            try require(try await store.collectLinks(dueReview(dryRun: true)).count == 1, "dry run did not report the link")
            try require(try await store.blob(blob.digest, in: repo) != nil, "dry run removed the link")
            let links = try await store.collectLinks(dueReview())
            try require(links.map(\.digest) == [blob.digest], "link not collected: \(links)")
            try require(try await store.blob(blob.digest, in: repo) == nil, "collected link still answers")
            let begun = try await begin(store, dueReview())
            try require(begun.map(\.digest) == [blob.digest] && begun.first?.size == blob.size, "deletion not begun: \(begun)")
            try require(try await store.blob(blob.digest) == nil, "a blob being deleted is still known")
            try await store.finishBlobDeletions(begun)
            try require(!(try await store.blobIsKnown(blob.digest)), "deleted blob still known")
            try require(try await store.collectionQueueLength(dueReview()).waiting.values.reduce(0, +) == 0, "queue not empty")
        },
        Case(name: "candidates wait for the review delay") { store in
            try await store.commitBlob(Fixture.blob("young"), in: Fixture.repo("r"))  // queued at 1000
            let early = CollectionReview(now: 1500, reviewDelay: 1000, limit: 10)
            try require(try await store.collectLinks(early).isEmpty, "a link was collected before its review delay")
            let length = try await store.collectionQueueLength(early)
            try require(length.waiting[.link] == 1 && (length.due[.link] ?? 0) == 0, "queue length \(length)")
            let late = CollectionReview(now: 2500, reviewDelay: 1000, limit: 10)
            try require(try await store.collectLinks(late).count == 1, "a due link was not collected")
        },
        Case(name: "a link of a push in progress waits for the upload grace") { store in
            let repo = Fixture.repo("r")
            try await store.commitBlob(Fixture.blob("layer"), in: repo)  // queued at 1000
            let graced = CollectionReview(now: 1030, reviewDelay: 0, uploadGrace: 60, limit: 10)
            try require(try await store.collectLinks(graced).isEmpty, "an uploaded link was collected within the upload grace")
            try require((try await store.collectionQueueLength(graced).due[.link] ?? 0) == 0, "counted as due within the grace")
            try await store.postponeLinkReview(Fixture.digest("layer"), in: repo, now: 1050)
            try require(try await store.collectLinks(CollectionReview(now: 1070, reviewDelay: 0, uploadGrace: 60, limit: 10)).isEmpty, "a checked link was collected within the grace")
            try require(try await store.collectLinks(CollectionReview(now: 1111, reviewDelay: 0, uploadGrace: 60, limit: 10)).count == 1, "not collected after the grace")
        },
        Case(name: "bytes of a failed push are a blob nothing holds") { store in
            let stray = BlobRecord(digest: Fixture.digest("failed-push"), size: 3, createdAt: 1000)
            try await store.recordUnreferencedBlob(stray)
            try require(try await store.blob(stray.digest)?.size == 3, "not recorded")
            let begun = try await begin(store, dueReview())
            try require(begun.map(\.digest) == [stray.digest] && begun.first?.event == .pushFailed, "not collected: \(begun)")
            // A blob already known is left alone.
            try await store.commitBlob(Fixture.blob("kept"), in: Fixture.repo("r"))
            try await store.recordUnreferencedBlob(BlobRecord(digest: Fixture.digest("kept"), size: 99, createdAt: 1000))
            try require(try await store.blob(Fixture.digest("kept"))?.size == 10, "a known blob was replaced")
        },
        Case(name: "a foreign layer a client pushed anyway is kept while the manifest names it") { store in
            let repo = Fixture.repo("r")
            try await store.commitBlob(Fixture.blob("config"), in: repo)
            try await store.commitBlob(Fixture.blob("foreign"), in: repo)
            let references = ManifestReferences(blobs: [Fixture.digest("config")], foreignBlobs: [Fixture.digest("foreign"), Fixture.digest("elsewhere")])
            try await store.putManifest(Fixture.manifest("windows"), references: references, in: repo, tags: [Fixture.tag("v1")])
            let collected = try await collectEverything(store)
            try require(collected.links.isEmpty && collected.blobs.isEmpty, "a pushed foreign layer was collected: \(collected)")
            try require(try await store.blob(Fixture.digest("foreign"), in: repo) != nil, "foreign layer lost")
        },
        Case(name: "a blob whose link a client deleted goes once its last manifest does") { store in
            let repo = Fixture.repo("r")
            let manifest = try await pushImage(store, repo, seed: "a", tags: [Fixture.tag("v1")])
            try require(try await store.unlinkBlob(Fixture.digest("layer"), from: repo), "unlink failed")
            var collected = try await collectEverything(store)
            try require(collected.blobs.isEmpty, "a referenced blob was collected: \(collected.blobs)")
            try require(try await store.deleteManifest(manifest.digest, in: repo), "manifest not deleted")
            collected = try await collectEverything(store)
            try require(collected.blobs.contains(Fixture.digest("layer")), "the unlinked layer leaked: \(collected.blobs)")
        },
        Case(name: "orphans are marked only when nothing knows them, then deleted as collected blobs") { store in
            let repo = Fixture.repo("r")
            try await store.commitBlob(Fixture.blob("known"), in: repo)
            try await store.createUpload(UploadRecord(id: "u1", repository: repo, startedAt: 1000))
            try await store.markUploadCommitting("u1", digest: Fixture.digest("claimed"))
            let orphans = ["known", "claimed", "stray"].map { Fixture.blob($0) }
            let begun = try await store.beginOrphanDeletions(orphans, leaseUntil: 4e9)
            try require(begun.map(\.digest) == [Fixture.digest("stray")] && begun.first?.event == .orphan, "marked \(begun)")
            try await expectBeingDeleted(Fixture.digest("stray"), "upload commit of an orphan being deleted") {
                try await store.markUploadCommitting("u1", digest: Fixture.digest("stray"))
            }
            try await store.finishBlobDeletions(begun)
            try require(!(try await store.blobIsKnown(Fixture.digest("stray"))), "orphan row left behind")
        },
        Case(name: "a purged session cannot claim a blob") { store in
            do {
                try await store.markUploadCommitting("gone", digest: Fixture.digest("x"))
                throw MetadataConformanceFailure(description: "a missing session recorded a claim")
            } catch MetadataError.uploadGone(let id) {
                try require(id == "gone", "refused for \(id)")
            }
        },
        Case(name: "a referenced layer keeps its link and its bytes") { store in
            let repo = Fixture.repo("r")
            _ = try await pushImage(store, repo, seed: "a", tags: [Fixture.tag("v1")])
            let collected = try await collectEverything(store)
            try require(collected.links.isEmpty && collected.manifests.isEmpty && collected.blobs.isEmpty, "collected \(collected)")
            try require(try await store.blob(Fixture.digest("layer"), in: repo) != nil, "layer lost")
            try require(try await store.collectionCandidates(.link, limit: 10).isEmpty, "reviewed links stayed queued")
        },
        Case(name: "a layer shared across repositories survives the deletion of one image") { store in
            let a = Fixture.repo("team/a")
            let b = Fixture.repo("team/b")
            let first = try await pushImage(store, a, seed: "a", layer: "shared", tags: [Fixture.tag("v1")])
            _ = try await pushImage(store, b, seed: "b", layer: "shared", tags: [Fixture.tag("v1")])
            try require(try await store.deleteManifest(first.digest, in: a), "manifest not deleted")
            let collected = try await collectEverything(store)
            try require(Set(collected.blobs) == [Fixture.digest("config-a"), first.digest], "blobs deleted: \(collected.blobs)")
            try require(try await store.blob(Fixture.digest("shared"), in: a) == nil, "the deleted image's layer link stayed")
            try require(try await store.blob(Fixture.digest("shared"), in: b) != nil, "the other repository lost the shared layer")
            try require(try await store.blob(Fixture.digest("shared")) != nil, "the shared layer's bytes were deleted")
        },
        Case(name: "an untagged manifest goes with its links and bytes; another tag keeps it") { store in
            let repo = Fixture.repo("r")
            let manifest = try await pushImage(store, repo, seed: "a", tags: [Fixture.tag("v1"), Fixture.tag("v2")])
            try require(try await store.deleteTag(Fixture.tag("v1"), in: repo), "tag not deleted")
            try require(try await store.collectionCandidates(.manifest, limit: 10).first?.event == .tagDeleted, "tag delete not queued")
            var collected = try await collectEverything(store)
            try require(collected.manifests.isEmpty, "a manifest another tag holds was collected")
            try require(try await store.deleteTag(Fixture.tag("v2"), in: repo), "tag not deleted")
            try require(try await store.collectManifests(dueReview(dryRun: true)).map(\.digest) == [manifest.digest], "dry run")
            try require(try await store.manifest(.digest(manifest.digest), in: repo) != nil, "dry run deleted the manifest")
            collected = try await collectEverything(store)
            try require(collected.manifests.map(\.digest) == [manifest.digest], "untagged manifest not collected: \(collected.manifests)")
            try require(try await store.manifest(.digest(manifest.digest), in: repo) == nil, "collected manifest still answers")
            let expected: Set = [manifest.digest, Fixture.digest("config-a"), Fixture.digest("layer")]
            try require(Set(collected.blobs) == expected, "blobs deleted: \(collected.blobs)")
        },
        Case(name: "a tag moved to another manifest leaves the old one to collection") { store in
            let repo = Fixture.repo("r")
            let old = try await pushImage(store, repo, seed: "old", tags: [Fixture.tag("latest")])
            let new = try await pushImage(store, repo, seed: "new", tags: [Fixture.tag("latest")])
            try require(try await store.collectionCandidates(.manifest, limit: 10).map(\.event) == [.tagMoved], "tag move not queued")
            let collected = try await collectEverything(store)
            try require(collected.manifests.map(\.digest) == [old.digest], "old manifest not collected: \(collected.manifests)")
            try require(try await store.manifest(.tag(Fixture.tag("latest")), in: repo)?.digest == new.digest, "the tag lost its manifest")
            try require(try await store.blob(Fixture.digest("layer"), in: repo) != nil, "the layer both images share was collected")
        },
        Case(name: "an index keeps its children; they go after the index") { store in
            let repo = Fixture.repo("r")
            let amd = try await pushImage(store, repo, seed: "amd64", tags: [])
            let arm = try await pushImage(store, repo, seed: "arm64", tags: [])
            let index = Fixture.manifest("index", mediaType: MediaType.ociIndex)
            try await store.putManifest(index, references: .init(manifests: [amd.digest, arm.digest]), in: repo, tags: [Fixture.tag("v1")])
            var collected = try await collectEverything(store)
            try require(collected.manifests.isEmpty && collected.blobs.isEmpty, "children of a tagged index collected: \(collected)")
            try require(try await store.deleteTag(Fixture.tag("v1"), in: repo), "tag not deleted")
            collected = try await collectEverything(store)
            try require(Set(collected.manifests.map(\.digest)) == [index.digest, amd.digest, arm.digest], "collected \(collected.manifests)")
            try require(try await store.manifest(.digest(amd.digest), in: repo) == nil, "a child outlived its index")
        },
        Case(name: "a referrer stays while its subject does, and goes with it") { store in
            let repo = Fixture.repo("r")
            let subject = try await pushImage(store, repo, seed: "image", tags: [Fixture.tag("v1")])
            let signature = Fixture.manifest("signature", artifactType: "application/vnd.example.sig", subject: subject.digest)
            try await store.putManifest(signature, references: .init(), in: repo, tags: [])
            var collected = try await collectEverything(store)
            try require(collected.manifests.isEmpty, "a referrer of a present subject was collected: \(collected.manifests)")
            try require(try await store.deleteManifest(subject.digest, in: repo), "subject not deleted")
            collected = try await collectEverything(store)
            try require(collected.manifests.map(\.digest) == [signature.digest], "referrer not collected: \(collected.manifests)")
            try require(try await store.referrers(of: subject.digest, in: repo, artifactType: nil).isEmpty, "referrer still listed")
        },
        Case(name: "a blob being deleted is unknown and cannot be claimed, linked or committed") { store in
            let repo = Fixture.repo("r")
            let blob = Fixture.blob("victim")
            try await store.commitBlob(blob, in: repo)
            try await store.commitBlob(Fixture.blob("source"), in: Fixture.repo("other"))
            try require(try await store.unlinkBlob(blob.digest, from: repo), "unlink failed")
            let begun = try await begin(store, dueReview())
            try require(begun.map(\.digest) == [blob.digest], "deletion not begun: \(begun)")
            try require(try await store.blob(blob.digest) == nil, "a blob being deleted is known")
            try require(!(try await store.linkBlob(blob.digest, into: repo)), "a blob being deleted was mounted")
            try await expectBeingDeleted(blob.digest, "commit") { try await store.commitBlob(blob, in: repo) }
            try await store.createUpload(UploadRecord(id: "u1", repository: repo, startedAt: 1000))
            try await expectBeingDeleted(blob.digest, "upload commit") { try await store.markUploadCommitting("u1", digest: blob.digest) }
            try await expectBeingDeleted(blob.digest, "manifest") {
                let manifest = ManifestRecord(digest: blob.digest, mediaType: MediaType.ociManifest, size: 10, createdAt: 1000)
                try await store.putManifest(manifest, references: .init(), in: repo, tags: [])
            }
            try await store.postponeBlobDeletions(begun, until: 4_000_000_100)
            try require(try await store.blob(blob.digest) != nil, "a postponed deletion left the blob unknown")
            let waiting = try await store.collectionCandidates(.blob, limit: 10)
            try require(waiting.first?.reviewCount == 1 && waiting.first?.notBefore == 4_000_000_100, "postponed candidate \(waiting)")
            try require(try await begin(store, dueReview()).isEmpty, "reviewed before the backoff ended")
            let later = CollectionReview(now: 4_000_000_200, reviewDelay: 0, limit: 10)
            try require(try await begin(store, later).map(\.digest) == [blob.digest], "not retried")
        },
        Case(name: "an upload committing a blob holds it until the session ends") { store in
            let repo = Fixture.repo("r")
            let blob = Fixture.blob("committing")
            try await store.commitBlob(blob, in: repo)
            _ = try await store.unlinkBlob(blob.digest, from: repo)
            try await store.createUpload(UploadRecord(id: "u1", repository: repo, startedAt: 1000))
            try await store.markUploadCommitting("u1", digest: blob.digest)
            try require(try await begin(store, dueReview()).isEmpty, "a claimed blob's deletion began")
            try require(try await store.collectionCandidates(.blob, limit: 10).count == 1, "a claimed candidate left the queue")
            try await store.deleteUpload("u1")
            try require(try await begin(store, dueReview()).map(\.digest) == [blob.digest], "a released blob waited for the recheck")
        },
        Case(name: "an expired lease is taken over; only the current lease finishes") { store in
            let blob = Fixture.blob("leased")
            try await store.commitBlob(blob, in: Fixture.repo("r"))
            _ = try await store.unlinkBlob(blob.digest, from: Fixture.repo("r"))
            let start: Double = 4_000_000_000
            let first = try await store.beginBlobDeletions(CollectionReview(now: start, reviewDelay: 0, limit: 10), leaseUntil: start + 100)
            try require(first.map(\.lease) == [start + 100], "first lease \(first)")
            // Another collector, configured with a shorter lease, still waits for this one to expire.
            let idle = try await store.beginBlobDeletions(CollectionReview(now: start + 50, reviewDelay: 0, limit: 10), leaseUntil: start + 60)
            try require(idle.isEmpty, "a lease was taken over before it expired")
            let second = try await store.beginBlobDeletions(CollectionReview(now: start + 101, reviewDelay: 0, limit: 10), leaseUntil: start + 200)
            try require(second.map(\.lease) == [start + 200], "expired lease not taken over: \(second)")
            try await store.finishBlobDeletions(first)
            try require(try await store.blobIsKnown(blob.digest), "the old lease finished the deletion")
            try await store.finishBlobDeletions(second)
            try require(!(try await store.blobIsKnown(blob.digest)), "the current lease did not finish")
        },
        Case(name: "telling a client about a queued link restarts its review") { store in
            let repo = Fixture.repo("r")
            try await store.commitBlob(Fixture.blob("fresh"), in: repo)
            try require(try await store.blob(Fixture.digest("fresh"), in: repo)?.linkQueuedAt == 1000, "queue time not reported")
            try await store.postponeLinkReview(Fixture.digest("fresh"), in: repo, now: 3000)
            try require(try await store.blob(Fixture.digest("fresh"), in: repo)?.linkQueuedAt == 3000, "review not restarted")
            try require(try await store.collectLinks(CollectionReview(now: 3500, reviewDelay: 1000, limit: 10)).isEmpty, "collected early")
        },
    ]

    static func expectBeingDeleted(_ digest: Digest, _ what: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
            throw MetadataConformanceFailure(description: "\(what) of a blob being deleted succeeded")
        } catch MetadataError.blobBeingDeleted(let refused) {
            try require(refused == digest, "\(what) refused for \(refused)")
        }
    }
}
