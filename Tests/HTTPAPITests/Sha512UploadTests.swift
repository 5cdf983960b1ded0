import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetadataSQLite
import NIOCore
import OCI
import StorageFilesystem
import Testing
import WharfTestSupport

/// sha512 on every upload path, many times over, on the filesystem driver whose writes are
/// pipelined: a digest checked by reading back a file with writes still in flight once failed
/// 8-13 % of monolithic sha512 uploads with the sha512 of zero bytes.
@Suite(.afterQuickTests, .timeLimit(.minutes(3))) struct Sha512UploadTests {
    static let rounds = 25

    func withRegistry(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withTemporaryDirectory { root in
            let app = TestRegistry.app(driver: FilesystemDriver(root: root, syncOnCommit: false), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"))
            try await app.test(.router) { client in try await body(client) }
        }
    }

    static func content(_ round: Int) -> ByteBuffer {
        ByteBuffer(bytes: randomBytes(16_384 + round * 3989))
    }

    static func sha512(_ buffer: ByteBuffer) -> Digest { DigestHasher.digest(Array(buffer.readableBytesView), algorithm: .sha512) }

    func expectStored(_ client: some TestClientProtocol, _ response: TestResponse, _ content: ByteBuffer, path: String) async throws {
        #expect(response.status == .created, "\(path): \(String(buffer: response.body))")

        let get = try await client.execute(uri: "/v2/r/blobs/\(Self.sha512(content))", method: .get)
        #expect(get.body == content, "\(path)")
    }

    @Test func monolithicPost() async throws {
        try await withRegistry { client in
            for round in 0..<Self.rounds {
                let content = Self.content(round)
                let response = try await client.execute(uri: "/v2/r/blobs/uploads/?digest=\(Self.sha512(content))", method: .post, body: content)
                try await expectStored(client, response, content, path: "POST ?digest")
            }
        }
    }

    @Test func postThenPutWithTheBody() async throws {
        try await withRegistry { client in
            for round in 0..<Self.rounds {
                let content = Self.content(round)
                let start = try await client.execute(uri: "/v2/r/blobs/uploads/", method: .post)
                let location = pathOf(try #require(start.headers[.location]))
                let put = try await client.execute(uri: location + "?digest=\(Self.sha512(content))", method: .put, body: content)
                try await expectStored(client, put, content, path: "POST, PUT with body")
            }
        }
    }

    @Test func chunksThenAFinalChunkOnPut() async throws {
        try await withRegistry { client in
            for round in 0..<Self.rounds {
                let content = Self.content(round)
                let third = content.readableBytes / 3
                let start = try await client.execute(uri: "/v2/r/blobs/uploads/", method: .post)
                let location = pathOf(try #require(start.headers[.location]))
                for (offset, length) in [(0, third), (third, third)] {
                    let chunk = content.getSlice(at: offset, length: length)!
                    let patch = try await client.execute(
                        uri: location, method: .patch, headers: [.contentRange: "\(offset)-\(offset + length - 1)"], body: chunk
                    )
                    #expect(patch.status == .accepted)
                }
                let last = content.getSlice(at: 2 * third, length: content.readableBytes - 2 * third)!
                let put = try await client.execute(uri: location + "?digest=\(Self.sha512(content))", method: .put, body: last)
                try await expectStored(client, put, content, path: "PATCH, PATCH, PUT with the last chunk")
            }
        }
    }

    @Test func chunksThenAnEmptyPut() async throws {
        try await withRegistry { client in
            for round in 0..<Self.rounds {
                let content = Self.content(round)
                let start = try await client.execute(uri: "/v2/r/blobs/uploads/", method: .post)
                let location = pathOf(try #require(start.headers[.location]))
                _ = try await client.execute(uri: location, method: .patch, body: content)
                let put = try await client.execute(uri: location + "?digest=\(Self.sha512(content))", method: .put)
                try await expectStored(client, put, content, path: "PATCH, empty PUT")
            }
        }
    }
}
