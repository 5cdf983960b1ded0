import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metadata
import MetadataSQLite
import NIOCore
import OCI
import Testing
import WharfTestSupport

/// Storage limits as clients meet them: 403 `DENIED` naming the path, the limit, the usage
/// and what the push needed, before bytes land; nothing half-stored; exact under concurrency.
@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct QuotaEndpointTests {
    struct ErrorBody: Decodable {
        struct Entry: Decodable {
            let code: String
            let message: String
        }
        let errors: [Entry]
    }

    func message(_ response: TestResponse) -> String {
        (try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView)))?.errors.first?.message ?? ""
    }

    /// `count` bytes of `seed` (a byte-by-byte map of 2 MiB took a second of a debug build).
    func filler(_ count: Int, _ seed: UInt8) -> ByteBuffer {
        ByteBuffer(repeating: seed, count: count)
    }

    @Test func aPushPastTheNamespaceLimitIsRefusedWithTheNumbersAndStoresNothing() async throws {
        let metadata = InMemoryMetadataStore()
        try await metadata.setQuota(StorageQuota(path: "team", limit: 100))
        try await TestRegistry.app(metadata: metadata).test(.router) { client in
            try await client.pushBlob("team/app", filler(60, 1))
            let refused = filler(50, 2)
            let response = try await client.execute(
                uri: "/v2/team/web/blobs/uploads/?digest=\(digest(refused))", method: .post, headers: [.contentLength: "50"], body: refused
            )
            #expect(response.status == .forbidden)
            #expect(errorCode(response) == "DENIED")
            #expect(
                message(response)
                    == "storage limit of namespace team reached: limit 100 B, in use 60 B (60 B stored, 0 B reserved by uploads in progress), this push needs 50 B more"
            )
            let head = try await client.execute(uri: "/v2/team/web/blobs/\(digest(refused))", method: .head)
            #expect(head.status == .notFound)
            #expect(try await metadata.usage(of: "team", quota: .none) == StorageUsage(path: "team", stored: 60, reserved: 0, limit: 100))
            #expect(try await metadata.uploadCount() == 0, "the refused upload's session is gone")
            // Elsewhere there is no limit.
            try await client.pushBlob("other/app", refused)
        }
    }

    @Test func aBlobTheNamespaceLinksAlreadyCostsNothing() async throws {
        let metadata = InMemoryMetadataStore()
        try await metadata.setQuota(StorageQuota(path: "team", limit: 60))
        try await TestRegistry.app(metadata: metadata).test(.router) { client in
            let layer = filler(60, 3)
            try await client.pushBlob("team/app", layer)
            try await client.pushBlob("team/copy", layer)
            let mount = try await client.execute(uri: "/v2/team/mounted/blobs/uploads/?mount=\(digest(layer))&from=team/app", method: .post)
            #expect(mount.status == .created)
            #expect(try await metadata.usage(of: "team", quota: .none).stored == 60)
        }
    }

    @Test func aMountPastTheLimitIsRefusedNotTurnedIntoAnUpload() async throws {
        let metadata = InMemoryMetadataStore()
        try await metadata.setQuota(StorageQuota(path: "team/app", limit: 10))
        try await TestRegistry.app(metadata: metadata).test(.router) { client in
            let layer = try await client.pushBlob("other/source", filler(40, 4))
            let mount = try await client.execute(uri: "/v2/team/app/blobs/uploads/?mount=\(layer)&from=other/source", method: .post)
            #expect(mount.status == .forbidden)
            #expect(message(mount).hasPrefix("storage limit of project team/app reached: limit 10 B"))
            #expect(try await metadata.blob(layer, in: RepositoryName("team/app")) == nil)
        }
    }

    @Test func theDefaultLimitsEveryNamespaceWithoutItsOwn() async throws {
        let metadata = InMemoryMetadataStore()
        try await metadata.setQuota(StorageQuota(path: "big", limit: 1000))
        try await TestRegistry.app(metadata: metadata, quotaDefaults: QuotaDefaults(namespaceLimit: 20)).test(.router) { client in
            let blob = filler(30, 5)
            let small = try await client.execute(uri: "/v2/small/app/blobs/uploads/?digest=\(digest(blob))", method: .post, body: blob)
            #expect(small.status == .forbidden)
            #expect(message(small).contains("namespace small reached: limit 20 B"))
            try await client.pushBlob("big/app", blob)
        }
    }

    /// A body of known length reserves all of it first: one past the room left writes nothing
    /// (streamed bodies without a length: UploadQuotaTests).
    @Test func aChunkLongerThanTheRoomLeftIsRefusedBeforeItsFirstByte() async throws {
        let metadata = InMemoryMetadataStore()
        let mebibyte = 1024 * 1024
        try await metadata.setQuota(StorageQuota(path: "team", limit: Int64(mebibyte)))
        try await TestRegistry.app(metadata: metadata).test(.router) { client in
            let start = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post)
            let location = pathOf(try #require(start.headers[.location]))
            let patch = try await client.execute(
                uri: location, method: .patch, headers: [.contentLength: "\(2 * mebibyte)"], body: filler(2 * mebibyte, 6)
            )
            #expect(patch.status == .forbidden)
            #expect(message(patch).hasSuffix("this push needs 2.0 MiB more"))
            let status = try await client.execute(uri: location, method: .get)
            #expect(status.headers[.range] == "0-0", "nothing was written")
            #expect(try await metadata.usage(of: "team", quota: .none).reserved == 0)
            let cancel = try await client.execute(uri: location, method: .delete)
            #expect(cancel.status == .noContent)
        }
    }

    /// Offsets and lengths are the client's: one near `Int64.max` is refused, not summed into a
    /// trap that would take the server down.
    @Test func anAbsurdAnnouncedLengthIsRefusedAndTheServerStaysUp() async throws {
        let metadata = InMemoryMetadataStore()
        try await metadata.setQuota(StorageQuota(path: "team", limit: 100))
        try await TestRegistry.app(metadata: metadata).test(.router) { client in
            try await client.pushBlob("team/app", filler(10, 9))
            let start = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post)
            let location = pathOf(try #require(start.headers[.location]))
            let patch = try await client.execute(
                uri: location, method: .patch, headers: [.contentRange: "0-9223372036854775806"], body: filler(10, 9)
            )
            #expect(patch.status == .forbidden || patch.status == .rangeNotSatisfiable || patch.status == .badRequest, "\(patch.status)")
            #expect(try await metadata.usage(of: "team", quota: .none).reserved == 0)
            try await client.pushBlob("team/app", filler(20, 10))
        }
    }

    @Test func chunksOfAnnouncedLengthReserveBeforeTheirBytesAndTheCommitTurnsThemIntoUsage() async throws {
        let metadata = InMemoryMetadataStore()
        try await metadata.setQuota(StorageQuota(path: "team", limit: 100))
        try await TestRegistry.app(metadata: metadata).test(.router) { client in
            let start = try await client.execute(uri: "/v2/team/app/blobs/uploads/", method: .post)
            let location = pathOf(try #require(start.headers[.location]))
            let first = filler(70, 7)
            let accepted = try await client.execute(
                uri: location, method: .patch, headers: [.contentRange: "0-69", .contentLength: "70"], body: first
            )
            #expect(accepted.status == .accepted)
            #expect(try await metadata.usage(of: "team", quota: .none).reserved == 70)
            let refused = try await client.execute(
                uri: location, method: .patch, headers: [.contentRange: "70-109", .contentLength: "40"], body: filler(40, 8)
            )
            #expect(refused.status == .forbidden)
            let status = try await client.execute(uri: location, method: .get)
            #expect(status.headers[.range] == "0-69", "a refused chunk of announced length wrote nothing")
            let done = try await client.execute(uri: location + "?digest=\(digest(first))", method: .put)
            #expect(done.status == .created)
            #expect(try await metadata.usage(of: "team", quota: .none) == StorageUsage(path: "team", stored: 70, reserved: 0, limit: 100))
        }
    }

    /// 32 clients push distinct 10 KiB layers into a namespace limited to 100 KiB: exactly as
    /// many fit as the limit holds, every other client is told why, and nothing is half-stored.
    @Test func concurrentPushesNearALimitNeverPassIt() async throws {
        try await withTemporaryDirectory { directory in
            let metadata = try await SQLiteMetadataStore.open(path: directory + "/metadata.sqlite")
            let size = 10 * 1024
            try await metadata.setQuota(StorageQuota(path: "team", limit: Int64(10 * size + size / 2)))
            try await TestRegistry.app(metadata: metadata).test(.router) { client in
                let outcomes = try await withThrowingTaskGroup(of: (Digest, TestResponse).self) { group in
                    for number in 0..<32 {
                        group.addTask {
                            let layer = self.filler(size, UInt8(number + 10))
                            let response = try await client.execute(
                                uri: "/v2/team/app\(number % 4)/blobs/uploads/?digest=\(digest(layer))", method: .post,
                                headers: [.contentLength: "\(size)"], body: layer
                            )
                            return (digest(layer), response)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let accepted = outcomes.filter { $0.1.status == .created }
                let refused = outcomes.filter { $0.1.status == .forbidden }
                #expect(accepted.count == 10, "10 layers of 10 KiB fit in 105 KiB")
                #expect(refused.count == 22)
                #expect(refused.allSatisfy { message($0.1).hasPrefix("storage limit of namespace team reached: limit 105.0 KiB") })
                let usage = try await metadata.usage(of: "team", quota: .none)
                #expect(usage.stored == Int64(10 * size) && usage.reserved == 0)
                for (layer, _) in refused {
                    #expect(try await metadata.blob(layer) == nil, "a refused layer was stored")
                }
                #expect(try await metadata.uploadCount() == 0)
            }
        }
    }
}
