import Foundation
import Logging
import Metadata
import MetadataSQLite
import NIOConcurrencyHelpers
import NIOCore
import OCI
import Registry
import StorageDriver
import Testing
import WharfTestSupport

/// A driver whose batch deletes fail while a test says so, counting the batches.
final class DeleteFailingDriver: StorageDriver {
    let base = InMemoryDriver()
    let name = "delete-failing"
    enum Failure { case none, refused, unknownOutcome }
    private let state = NIOLockedValueBox((failure: Failure.none, batches: 0))

    /// `refused`: the backend answers an error and keeps the files; `unknownOutcome`: the files
    /// are deleted but the answer is lost (a timeout).
    func failDeletes(_ failure: Failure) { state.withLockedValue { $0.failure = failure } }
    var batches: Int { state.withLockedValue { $0.batches } }

    func deleteFiles(_ paths: [String], keeping: String) async -> [String: StorageDriverError] {
        let failure = state.withLockedValue { state -> Failure in
            state.batches += 1
            return state.failure
        }
        switch failure {
        case .none:
            return await base.deleteFiles(paths, keeping: keeping)
        case .refused:
            return Dictionary(uniqueKeysWithValues: paths.map { ($0, StorageDriverError.backend($0, driver: name, reason: "AccessDenied")) })
        case .unknownOutcome:
            _ = await base.deleteFiles(paths, keeping: keeping)
            return Dictionary(uniqueKeysWithValues: paths.map { ($0, StorageDriverError.unavailable($0, driver: name, reason: "timed out")) })
        }
    }

    func getContent(_ path: String) async throws -> ByteBuffer { try await base.getContent(path) }
    func putContent(_ path: String, _ content: ByteBuffer) async throws { try await base.putContent(path, content) }
    func read(_ path: String, range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void) async throws {
        try await base.read(path, range: range, consume)
    }
    func writer(_ path: String, append: Bool) async throws -> any StorageWriter { try await base.writer(path, append: append) }
    func stat(_ path: String) async throws -> StorageFileInfo { try await base.stat(path) }
    func list(_ path: String) async throws -> [String] { try await base.list(path) }
    func move(_ source: String, to destination: String) async throws { try await base.move(source, to: destination) }
    func delete(_ path: String) async throws { try await base.delete(path) }
}

/// Garbage collection through the registry's services: what pushes and deletes leave behind
/// is collected, what is referenced stays, and pushes racing a deletion end with their bytes.
@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct GarbageCollectorTests {
    let driver = DeleteFailingDriver()
    let metadata: SQLiteMetadataStore
    let repo = try! RepositoryName("team/app")

    init() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gc-\(UUID().uuidString).sqlite").path
        metadata = try await SQLiteMetadataStore.open(path: path)
    }

    var services: RegistryServices {
        RegistryServices(
            driver: driver, metadata: metadata, options: RegistryOptions(deleteEnabled: true, collectionTiming: (0, 0)),
            logger: Logger(label: "test")
        )
    }

    func collector(reviewDelay: Double = 0) -> GarbageCollector {
        GarbageCollector(driver: driver, metadata: metadata, settings: CollectionSettings(reviewDelay: reviewDelay, uploadGrace: 0), logger: Logger(label: "test"))
    }

    func pushBlob(_ content: String, in repository: RepositoryName? = nil) async throws -> Digest {
        let digest = DigestHasher.digest(Array(content.utf8))
        _ = try await services.uploads.monolithic(
            in: repository ?? repo, digest: digest, contentLength: Int64(content.utf8.count), body: ChunkedBody(chunks: [content])
        )
        return digest
    }

    func manifest(config: Digest, layers: [Digest], sizes: Int = 1) -> ByteBuffer {
        let layerList = layers.map { #"{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\#($0)","size":\#(sizes)}"# }
        return ByteBuffer(string: #"""
            {"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(config)","size":\#(sizes)},"layers":[\#(layerList.joined(separator: ","))]}
            """#)
    }

    func bytesExist(_ digest: Digest) async throws -> Bool {
        try await driver.exists(RegistryLayout.blobData(digest))
    }

    @Test func anUploadNoManifestReferencesIsCollectedAfterTheReviewDelay() async throws {
        let digest = try await pushBlob("never referenced")
        var pass = try await collector(reviewDelay: 3600).collectAll(dryRun: false)
        #expect(pass.blobs.isEmpty && pass.links.isEmpty, "collected before its review delay")
        pass = try await collector().collectAll(dryRun: false)
        #expect(pass.links.map(\.digest) == [digest])
        #expect(pass.blobs.map(\.digest) == [digest])
        #expect(pass.bytesFreed == Int64("never referenced".utf8.count))
        #expect(try await !bytesExist(digest))
        await #expect(throws: RegistryError.self) { _ = try await services.blobs.stat(digest, in: repo) }
    }

    @Test func aDeletedImageFreesItsOwnBlobsAndKeepsSharedOnes() async throws {
        let other = try RepositoryName("team/other")
        let config = try await pushBlob("config A")
        let shared = try await pushBlob("shared layer")
        let own = try await pushBlob("own layer")
        let result = try await services.manifests.put(
            manifest(config: config, layers: [shared, own]), contentType: nil, reference: .tag(try Tag("v1")), in: repo
        )
        let otherConfig = try await pushBlob("config B", in: other)
        _ = try await pushBlob("shared layer", in: other)
        _ = try await services.manifests.put(
            manifest(config: otherConfig, layers: [shared]), contentType: nil, reference: .tag(try Tag("v1")), in: other
        )
        #expect(try await collector().collectAll(dryRun: false).blobs.isEmpty, "a referenced blob was collected")
        try await services.manifests.delete(.digest(result.digest), in: repo)
        let dry = try await collector().collectAll(dryRun: true)
        #expect(Set(dry.links.map(\.digest)) == [config, shared, own], "dry run: \(dry.links)")
        #expect(try await bytesExist(own), "the dry run deleted bytes")
        let pass = try await collector().collectAll(dryRun: false)
        #expect(Set(pass.blobs.map(\.digest)) == [config, own, result.digest])
        #expect(try await bytesExist(shared), "the layer another repository uses was deleted")
        #expect(try await !bytesExist(own))
        #expect(try await services.blobs.stat(shared, in: other).size == Int64("shared layer".utf8.count))
    }

    @Test func aRefusedStorageDeleteIsPostponedWithBackoffAndNeverDropped() async throws {
        let digest = try await pushBlob("stubborn")
        driver.failDeletes(.refused)
        let now = Date().timeIntervalSince1970 + 10
        let failed = try await collector().collectBlobs(now: now)
        #expect(failed.failed.map(\.digest) == [digest] && failed.blobs.isEmpty)
        #expect(try await bytesExist(digest), "a refused delete lost the bytes")
        let waiting = try await metadata.collectionCandidates(.blob, limit: 10)
        #expect(waiting.first?.reviewCount == 1)
        #expect(waiting.first.map { $0.notBefore - now } == 300, "first retry after 5 minutes")
        #expect(try await metadata.blob(digest) != nil, "a postponed blob is claimable again")
        driver.failDeletes(.none)
        #expect(try await collector().collectBlobs(now: now + 10).blobs.isEmpty, "retried before the backoff ended")
        let retried = try await collector().collectBlobs(now: now + 301)
        #expect(retried.blobs.map(\.digest) == [digest])
        #expect(try await !bytesExist(digest))
    }

    @Test func aDeleteWhoseOutcomeIsUnknownKeepsItsLeaseUntilItExpiresAndIsDoneAgain() async throws {
        let digest = try await pushBlob("in doubt")
        driver.failDeletes(.unknownOutcome)
        let now = Date().timeIntervalSince1970 + 10
        #expect(try await collector().collectBlobs(now: now).failed.map(\.digest) == [digest])
        // Still leased: no push can claim it, so no late delete can take a blob pushed anew.
        #expect(try await metadata.blob(digest) == nil, "the blob became claimable while its delete may still land")
        driver.failDeletes(.none)
        let lease = CollectionSettings().leaseTimeout
        #expect(try await collector().collectBlobs(now: now + lease / 2).blobs.isEmpty, "taken over before the lease expired")
        let again = try await collector().collectBlobs(now: now + lease + 1)
        #expect(again.blobs.map(\.digest) == [digest], "the expired lease was not taken over")
        #expect(!(try await metadata.blobIsKnown(digest)))
    }

    @Test func aManifestPushWaitsForTheDeletionOfItsBytesAndStoresThemAnew() async throws {
        let config = try await pushBlob("config")
        let body = manifest(config: config, layers: [])
        let first = try await services.manifests.put(body, contentType: nil, reference: .tag(try Tag("v1")), in: repo)
        try await services.manifests.delete(.digest(first.digest), in: repo)
        // The collector has begun deleting the manifest's bytes when the same manifest is pushed again.
        let review = CollectionReview(now: Date().timeIntervalSince1970 + 10, reviewDelay: 0, limit: 100)
        let begun = try await metadata.beginBlobDeletions(review, leaseUntil: review.now + 60)
        #expect(begun.contains { $0.digest == first.digest })
        let push = Task { try await services.manifests.put(body, contentType: nil, reference: .tag(try Tag("v2")), in: repo) }
        try await Task.sleep(for: .milliseconds(300))
        _ = await driver.deleteFiles(begun.map { RegistryLayout.blobData($0.digest) }, keeping: RegistryLayout.blobsRoot)
        try await metadata.finishBlobDeletions(begun)
        let second = try await push.value
        #expect(second.digest == first.digest)
        #expect(try await services.manifests.get(.tag(try Tag("v2")), in: repo).bytes == body)
        #expect(try await bytesExist(first.digest), "the pushed manifest has no bytes")
    }

    @Test func anUploadWaitsForTheDeletionOfItsBlobAndCommitsItsOwnBytes() async throws {
        let digest = try await pushBlob("reborn")
        let review = CollectionReview(now: Date().timeIntervalSince1970 + 10, reviewDelay: 0, limit: 100)
        #expect(try await metadata.collectLinks(review).count == 1)
        let begun = try await metadata.beginBlobDeletions(review, leaseUntil: review.now + 60)
        #expect(begun.map(\.digest) == [digest])
        await #expect(throws: RegistryError.self) { _ = try await services.blobs.stat(digest, in: repo) }
        let upload = Task { try await pushBlob("reborn") }
        try await Task.sleep(for: .milliseconds(300))
        _ = await driver.deleteFiles(begun.map { RegistryLayout.blobData($0.digest) }, keeping: RegistryLayout.blobsRoot)
        try await metadata.finishBlobDeletions(begun)
        #expect(try await upload.value == digest)
        #expect(try await services.blobs.stat(digest, in: repo).size == 6)
        #expect(try await driver.getContent(RegistryLayout.blobData(digest)) == ByteBuffer(string: "reborn"))
    }

    @Test func theBytesOfARefusedManifestAreCollected() async throws {
        let body = manifest(config: DigestHasher.digest(Array("never uploaded".utf8)), layers: [])
        await #expect(throws: RegistryError.self) {
            _ = try await services.manifests.put(body, contentType: nil, reference: .tag(try Tag("v1")), in: repo)
        }
        let digest = DigestHasher.digest(Array(body.readableBytesView))
        #expect(try await bytesExist(digest), "the refused push wrote no bytes: nothing to test")
        let pass = try await collector().collectAll(dryRun: false)
        #expect(pass.blobs.map(\.digest) == [digest])
        #expect(try await !bytesExist(digest))
    }

    @Test func orphansAreBlobFilesNobodyKnows() async throws {
        let known = try await pushBlob("known")
        let stray = DigestHasher.digest(Array("stray".utf8))
        try await driver.putContent(RegistryLayout.blobData(stray), ByteBuffer(string: "stray"))
        var found: [Digest: Bool] = [:]
        try await OrphanWalker(driver: driver, metadata: metadata).walk { found[$0.digest] = $0.known }
        #expect(found == [known: true, stray: false])
    }
}
