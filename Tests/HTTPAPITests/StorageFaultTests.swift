import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metadata
import NIOCore
import OCI
import Registry
import StorageDriver
import Testing

/// Storage that fails, and crashes at the worst moment: clients are told to retry, failed
/// requests leave nothing behind, and an upload interrupted after its bytes moved completes.
@Suite(.timeLimit(.minutes(2))) struct StorageFaultTests {
    @Test func aStorageOutageIs503WithRetryAfter() async throws {
        let driver = FaultyDriver()
        try await TestRegistry.app(driver: driver).test(.router) { client in
            let d = try await client.pushBlob("r", bytes("stored before the outage"))
            driver.failReads(true)
            let get = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get)
            #expect(get.status == .serviceUnavailable)
            #expect(errorCode(get) == "UNAVAILABLE")
            #expect(get.headers[.retryAfter] == "5")
            driver.failReads(false)
            #expect(try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get).body == bytes("stored before the outage"))
        }
    }

    /// The reported leak: a monolithic upload on a full disk left its partial bytes (and its
    /// session) for the 168 h purge, and the client never had an id to cancel it with.
    @Test func aFailedMonolithicUploadLeavesNothing() async throws {
        let driver = FaultyDriver()
        let metadata = InMemoryMetadataStore()
        try await TestRegistry.app(driver: driver, metadata: metadata).test(.router) { client in
            driver.failWrites(after: 4096)
            let content = ByteBuffer(repeating: 0x61, count: 64 * 1024)
            let post = try await client.execute(uri: "/v2/r/blobs/uploads/?digest=\(digest(content))", method: .post, body: content)
            #expect(post.status == .serviceUnavailable)
            #expect(post.headers[.retryAfter] != nil)
            #expect(try await metadata.uploads(startedBefore: Date().timeIntervalSince1970 + 60).isEmpty, "the session was left behind")
            let left = (try? await driver.base.list(RegistryLayout.root + "/repositories/r/_uploads")) ?? []
            #expect(left.isEmpty, "partial bytes were left behind: \(left)")
        }
    }

    /// The reported loss: killed between moving an upload to its blob's path and committing the
    /// row, the retried PUT answered DIGEST_INVALID and the file was orphaned.
    @Test func anUploadInterruptedAfterItsMoveCompletesOnRetry() async throws {
        let driver = InMemoryDriver()
        let metadata = InMemoryMetadataStore()
        try await TestRegistry.app(driver: driver, metadata: metadata).test(.router) { client in
            let content = bytes("bytes moved just before a crash")
            let d = digest(content)
            let start = try await client.execute(uri: "/v2/r/blobs/uploads/", method: .post)
            let location = pathOf(try #require(start.headers[.location]))
            let id = try #require(start.headers[HTTPField.Name("Docker-Upload-UUID")!])
            _ = try await client.execute(uri: location, method: .patch, body: content)
            // What the server had done when it was killed: verified, marked, moved; no row.
            let repository = try RepositoryName("r")
            try await metadata.markUploadCommitting(id, digest: d)
            try await driver.move(RegistryLayout.uploadData(id, in: repository), to: RegistryLayout.blobData(d))

            let retry = try await client.execute(uri: location + "?digest=\(d)", method: .put)
            #expect(retry.status == .created)
            #expect(try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get).body == content)
            let again = try await client.execute(uri: location + "?digest=\(d)", method: .put)
            #expect(again.status == .notFound, "the session is gone once completed")
        }
    }

    /// A blob file nobody committed is no credential: a session that did not move it cannot
    /// claim it, it must send the bytes.
    @Test func anOrphanBlobFileIsNotAdoptedByAnotherSession() async throws {
        let driver = InMemoryDriver()
        try await TestRegistry.app(driver: driver).test(.router) { client in
            let secret = bytes("an orphan left by someone else's crash")
            let d = digest(secret)
            try await driver.putContent(RegistryLayout.blobData(d), secret)
            let forged = try await client.execute(uri: "/v2/bob/blobs/uploads/?digest=\(d)", method: .post, body: bytes("junk"))
            #expect(forged.status == .badRequest)
            #expect(errorCode(forged) == "DIGEST_INVALID")
            let start = try await client.execute(uri: "/v2/bob/blobs/uploads/", method: .post)
            let location = pathOf(try #require(start.headers[.location]))
            let empty = try await client.execute(uri: location + "?digest=\(d)", method: .put)
            #expect(errorCode(empty) == "DIGEST_INVALID")
            #expect(try await client.execute(uri: "/v2/bob/blobs/\(d)", method: .head).status == .notFound)
        }
    }
}
