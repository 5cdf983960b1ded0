import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct BlobEndpointTests {
    @Test func monolithicPushThenHeadAndGet() async throws {
        try await TestRegistry.app().test(.router) { client in
            let content = bytes("hello, blob")
            let d = digest(content)
            let push = try await client.execute(uri: "/v2/team/app/blobs/uploads/?digest=\(d)", method: .post, body: content)
            #expect(push.status == .created)
            #expect(push.headers[.location] == "http://localhost/v2/team/app/blobs/\(d)")
            #expect(push.headers[HTTPField.Name("Docker-Content-Digest")!] == d.description)

            let head = try await client.execute(uri: "/v2/team/app/blobs/\(d)", method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == "11")
            #expect(head.headers[HTTPField.Name("Docker-Content-Digest")!] == d.description)
            #expect(head.body.readableBytes == 0)

            let get = try await client.execute(uri: "/v2/team/app/blobs/\(d)", method: .get)
            #expect(get.status == .ok)
            #expect(get.body == content)
        }
    }

    @Test func rangesAnswer206And416() async throws {
        try await TestRegistry.app().test(.router) { client in
            let d = try await client.pushBlob("r", bytes("0123456789"))
            let partial = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get, headers: [.range: "bytes=2-5"])
            #expect(partial.status == .partialContent)
            #expect(String(buffer: partial.body) == "2345")
            #expect(partial.headers[.contentRange] == "bytes 2-5/10")
            let suffix = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get, headers: [.range: "bytes=-3"])
            #expect(String(buffer: suffix.body) == "789")
            for header in ["bytes=10-", "bytes=7-3", "lines=1-2"] {
                let bad = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get, headers: [.range: header])
                #expect(bad.status == .rangeNotSatisfiable, "\(header)")
                #expect(errorCode(bad) == "RANGE_INVALID", "\(header)")
            }
        }
    }

    @Test func unknownBlobsAre404() async throws {
        try await TestRegistry.app().test(.router) { client in
            let d = digest("absent")
            let get = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get)
            #expect(get.status == .notFound)
            #expect(errorCode(get) == "BLOB_UNKNOWN")
            let head = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .head)
            #expect(head.status == .notFound)
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test func blobsAreVisibleOnlyInRepositoriesThatLinkThem() async throws {
        try await TestRegistry.app().test(.router) { client in
            let d = try await client.pushBlob("a", bytes("private to a"))
            let other = try await client.execute(uri: "/v2/b/blobs/\(d)", method: .get)
            #expect(other.status == .notFound)
        }
    }

    @Test func deleteIs405WhenDisabled() async throws {
        try await TestRegistry.app(deleteEnabled: false).test(.router) { client in
            let d = try await client.pushBlob("r", bytes("keep"))
            let response = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .delete)
            #expect(response.status == .methodNotAllowed)
            #expect(errorCode(response) == "UNSUPPORTED")
            #expect(try await client.execute(uri: "/v2/r/blobs/\(d)", method: .head).status == .ok)
        }
    }

    @Test func deleteUnlinksWhenEnabled() async throws {
        try await TestRegistry.app(deleteEnabled: true).test(.router) { client in
            let d = try await client.pushBlob("r", bytes("gone"))
            #expect(try await client.execute(uri: "/v2/r/blobs/\(d)", method: .delete).status == .accepted)
            #expect(try await client.execute(uri: "/v2/r/blobs/\(d)", method: .head).status == .notFound)
            let again = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .delete)
            #expect(again.status == .notFound)
            #expect(errorCode(again) == "BLOB_UNKNOWN")
        }
    }

    @Test func malformedDigestIs400NotA500() async throws {
        try await TestRegistry.app().test(.router) { client in
            let response = try await client.execute(uri: "/v2/r/blobs/sha256:not-a-digest", method: .get)
            #expect(response.status == .badRequest)
            #expect(errorCode(response) == "DIGEST_INVALID")
            let push = try await client.execute(uri: "/v2/r/blobs/uploads/?digest=sha256:short", method: .post, body: bytes("x"))
            #expect(push.status == .badRequest)
            #expect(errorCode(push) == "DIGEST_INVALID")
        }
    }
}
