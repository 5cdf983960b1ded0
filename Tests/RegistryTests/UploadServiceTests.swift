import Logging
import Metadata
import NIOCore
import OCI
import Registry
import StorageDriver
import Testing

/// A request body that arrives in the given pieces, without a Content-Length.
struct ChunkedBody: AsyncSequence {
    typealias Element = ByteBuffer
    let chunks: [String]

    struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: [String]
        mutating func next() async throws -> ByteBuffer? {
            chunks.isEmpty ? nil : ByteBuffer(string: chunks.removeFirst())
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks) }
}

@Suite(.timeLimit(.minutes(3))) struct UploadServiceTests {
    let driver = InMemoryDriver()
    let metadata = InMemoryMetadataStore()
    var services: RegistryServices {
        RegistryServices(driver: driver, metadata: metadata, options: RegistryOptions(), logger: Logger(label: "test"))
    }
    let repo = try! RepositoryName("team/app")

    @Test func chunkedBodyLongerThanItsContentRangeIsSizeInvalid() async throws {
        let uploads = services.uploads
        let session = try await uploads.start(in: repo)
        await #expect {
            _ = try await uploads.append(
                session.id, in: repo, contentRange: ContentRange(start: 0, end: 2), contentLength: nil,
                body: ChunkedBody(chunks: ["ab", "cd"])
            )
        } throws: { error in
            (error as? RegistryError)?.code == .sizeInvalid
        }
    }

    @Test func chunkedBodyShorterThanItsContentRangeIsSizeInvalid() async throws {
        let uploads = services.uploads
        let session = try await uploads.start(in: repo)
        await #expect {
            _ = try await uploads.append(
                session.id, in: repo, contentRange: ContentRange(start: 0, end: 9), contentLength: nil,
                body: ChunkedBody(chunks: ["ab"])
            )
        } throws: { error in
            (error as? RegistryError)?.code == .sizeInvalid
        }
        // The bytes that did arrive are the upload's offset, as the spec's resume protocol needs.
        #expect(try await uploads.status(session.id, in: repo).offset == 2)
    }

    @Test func manyChunksAreBatchedIntoFewWritesAndHashedInOrder() async throws {
        let uploads = services.uploads
        let session = try await uploads.start(in: repo)
        let pieces = (0..<1000).map { "piece \($0);" }
        let status = try await uploads.append(session.id, in: repo, contentRange: nil, contentLength: nil, body: ChunkedBody(chunks: pieces))
        let whole = pieces.joined()
        #expect(status.offset == Int64(whole.utf8.count))
        let blob = try await uploads.finish(
            session.id, in: repo, digest: DigestHasher.digest(Array(whole.utf8)), contentRange: nil, contentLength: 0,
            body: ChunkedBody(chunks: [])
        )
        #expect(blob.size == Int64(whole.utf8.count))
        #expect(try await driver.getContent(RegistryLayout.blobData(blob.digest)) == ByteBuffer(string: whole))
    }

    @Test func aCommittedBlobLeavesNoUploadBehind() async throws {
        let uploads = services.uploads
        let session = try await uploads.start(in: repo)
        let digest = DigestHasher.digest(Array("x".utf8))
        _ = try await uploads.finish(session.id, in: repo, digest: digest, contentRange: nil, contentLength: 1, body: ChunkedBody(chunks: ["x"]))
        #expect(try await metadata.upload(session.id) == nil)
        #expect(!(try await driver.exists(RegistryLayout.uploadDirectory(session.id, in: repo))))
        #expect(try await driver.exists(RegistryLayout.blobData(digest)))
    }

    @Test func purgeRemovesOnlyOldUploads() async throws {
        let uploads = services.uploads
        let old = UploadRecord(id: "00000000-0000-0000-0000-000000000001", repository: repo, startedAt: 0)
        try await metadata.createUpload(old)
        try await driver.putContent(RegistryLayout.uploadData(old.id, in: repo), ByteBuffer(string: "stale"))
        let fresh = try await uploads.start(in: repo)
        #expect(try await uploads.purge(olderThan: 3600) == 1)
        #expect(try await metadata.upload(old.id) == nil)
        #expect(!(try await driver.exists(RegistryLayout.uploadData(old.id, in: repo))))
        #expect(try await metadata.upload(fresh.id) != nil)
    }

    @Test func layoutFollowsDistribution() throws {
        let digest = try Digest(parsing: "sha256:" + String(repeating: "ab", count: 32))
        #expect(RegistryLayout.blobData(digest) == "/docker/registry/v2/blobs/sha256/ab/\(digest.hex)/data")
        #expect(RegistryLayout.uploadData("u1", in: repo) == "/docker/registry/v2/repositories/team/app/_uploads/u1/data")
    }
}

@Suite(.timeLimit(.minutes(3))) struct UploadPurgeDryRunTests {
    @Test func aDryRunNamesOldUploadsAndKeepsThem() async throws {
        let driver = InMemoryDriver()
        let metadata = InMemoryMetadataStore()
        let uploads = RegistryServices(driver: driver, metadata: metadata, options: RegistryOptions(), logger: Logger(label: "test")).uploads
        let repo = try RepositoryName("r")
        let old = UploadRecord(id: "00000000-0000-0000-0000-000000000002", repository: repo, startedAt: 0)
        try await metadata.createUpload(old)
        #expect(try await uploads.purge(olderThan: 60, dryRun: true) == 1)
        #expect(try await metadata.upload(old.id) != nil)
        #expect(try await uploads.purge(olderThan: 60) == 1)
        #expect(try await metadata.upload(old.id) == nil)
    }
}
