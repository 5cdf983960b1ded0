import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct UploadEndpointTests {
    static let uuidHeader = HTTPField.Name("Docker-Upload-UUID")!

    func start(_ client: any TestClientProtocol, _ repository: String = "team/app") async throws -> String {
        let response = try await client.execute(uri: "/v2/\(repository)/blobs/uploads/", method: .post)
        #expect(response.status == .accepted)
        #expect(response.headers[.range] == "0-0")
        let location = try #require(response.headers[.location])
        let id = try #require(response.headers[Self.uuidHeader])
        #expect(location == "http://localhost/v2/\(repository)/blobs/uploads/\(id)", "absolute, on the host the client used")
        return pathOf(location)
    }

    @Test func chunkedUploadInOrderCommits() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client)
            let first = try await client.execute(
                uri: location, method: .patch, headers: [.contentRange: "0-4", .contentLength: "5"], body: bytes("hello")
            )
            #expect(first.status == .accepted)
            #expect(first.headers[.range] == "0-4")
            let second = try await client.execute(
                uri: location, method: .patch, headers: [.contentRange: "5-10"], body: bytes(" world")
            )
            #expect(second.headers[.range] == "0-10")
            let status = try await client.execute(uri: location, method: .get)
            #expect(status.status == .noContent)
            #expect(status.headers[.range] == "0-10")
            let d = digest("hello world")
            let done = try await client.execute(uri: location + "?digest=\(d)", method: .put)
            #expect(done.status == .created)
            #expect(done.headers[.location] == "http://localhost/v2/team/app/blobs/\(d)")
            let get = try await client.execute(uri: "/v2/team/app/blobs/\(d)", method: .get)
            #expect(String(buffer: get.body) == "hello world")
        }
    }

    @Test func streamedPatchWithoutContentRangeAndFinalChunkOnPut() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client)
            let patch = try await client.execute(uri: location, method: .patch, body: bytes("streamed "))
            #expect(patch.headers[.range] == "0-8")
            let d = digest("streamed final")
            let put = try await client.execute(
                uri: location + "?digest=\(d)", method: .put, headers: [.contentRange: "9-13"], body: bytes("final")
            )
            #expect(put.status == .created)
        }
    }

    @Test func outOfOrderChunkIs416AndLosesNothing() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client)
            _ = try await client.execute(uri: location, method: .patch, headers: [.contentRange: "0-2"], body: bytes("abc"))
            let skipped = try await client.execute(uri: location, method: .patch, headers: [.contentRange: "5-7"], body: bytes("xyz"))
            #expect(skipped.status == .rangeNotSatisfiable)
            #expect(errorCode(skipped) == "RANGE_INVALID")
            let repeated = try await client.execute(uri: location, method: .patch, headers: [.contentRange: "0-2"], body: bytes("abc"))
            #expect(repeated.status == .rangeNotSatisfiable)
            let malformed = try await client.execute(uri: location, method: .patch, headers: [.contentRange: "three-four"], body: bytes("x"))
            #expect(malformed.status == .rangeNotSatisfiable)
            let status = try await client.execute(uri: location, method: .get)
            #expect(status.headers[.range] == "0-2")
            let resumed = try await client.execute(uri: location, method: .patch, headers: [.contentRange: "3-5"], body: bytes("def"))
            #expect(resumed.status == .accepted)
            let put = try await client.execute(uri: location + "?digest=\(digest("abcdef"))", method: .put)
            #expect(put.status == .created)
        }
    }

    /// The reported remote crash: `end - start + 1` overflowed. Now 416, on PATCH and PUT, and
    /// the upload goes on.
    @Test func aContentRangeEndingAtInt64MaxIs416() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client)
            for header in ["0-9223372036854775807", "bytes 0-9223372036854775807/*", "0-99999999999999999999"] {
                let patch = try await client.execute(uri: location, method: .patch, headers: [.contentRange: header], body: bytes("x"))
                #expect(patch.status == .rangeNotSatisfiable, "\(header)")
                let put = try await client.execute(
                    uri: location + "?digest=\(digest("x"))", method: .put, headers: [.contentRange: header], body: bytes("x")
                )
                #expect(put.status == .rangeNotSatisfiable, "\(header)")
            }
            let status = try await client.execute(uri: location, method: .get)
            #expect(status.status == .noContent)
            let put = try await client.execute(uri: location + "?digest=\(digest("x"))", method: .put, body: bytes("x"))
            #expect(put.status == .created)
        }
    }

    @Test func contentRangeDisagreeingWithContentLengthIs416() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client)
            let response = try await client.execute(uri: location, method: .patch, headers: [.contentRange: "0-9"], body: bytes("short"))
            #expect(response.status == .rangeNotSatisfiable)
            #expect(errorCode(response) == "RANGE_INVALID")
            #expect(try await client.execute(uri: location, method: .get).headers[.range] == "0-0")
        }
    }

    @Test func wrongDigestAtCloseStoresNothing() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client)
            _ = try await client.execute(uri: location, method: .patch, body: bytes("actual content"))
            let claimed = digest("other content")
            let put = try await client.execute(uri: location + "?digest=\(claimed)", method: .put)
            #expect(put.status == .badRequest)
            #expect(errorCode(put) == "DIGEST_INVALID")
            #expect(try await client.execute(uri: "/v2/team/app/blobs/\(claimed)", method: .head).status == .notFound)
            let actual = digest("actual content")
            #expect(try await client.execute(uri: "/v2/team/app/blobs/\(actual)", method: .head).status == .notFound)
            let gone = try await client.execute(uri: location, method: .get)
            #expect(gone.status == .notFound)
            #expect(errorCode(gone) == "BLOB_UPLOAD_UNKNOWN")
        }
    }

    @Test func monolithicPushWithWrongDigestStoresNothing() async throws {
        try await TestRegistry.app().test(.router) { client in
            let claimed = digest("claimed")
            let response = try await client.execute(uri: "/v2/r/blobs/uploads/?digest=\(claimed)", method: .post, body: bytes("real"))
            #expect(response.status == .badRequest)
            #expect(errorCode(response) == "DIGEST_INVALID")
            #expect(try await client.execute(uri: "/v2/r/blobs/\(digest("real"))", method: .head).status == .notFound)
        }
    }

    @Test func putWithoutDigestIsDigestInvalid() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client)
            let put = try await client.execute(uri: location, method: .put, body: bytes("x"))
            #expect(put.status == .badRequest)
            #expect(errorCode(put) == "DIGEST_INVALID")
        }
    }

    @Test func sha512DigestsAreVerified() async throws {
        try await TestRegistry.app().test(.router) { client in
            let d = DigestHasher.digest(Array("sha512 content".utf8), algorithm: .sha512)
            let location = try await start(client)
            _ = try await client.execute(uri: location, method: .patch, body: bytes("sha512 content"))
            let put = try await client.execute(uri: location + "?digest=\(d)", method: .put)
            #expect(put.status == .created)
            let get = try await client.execute(uri: "/v2/team/app/blobs/\(d)", method: .get)
            #expect(String(buffer: get.body) == "sha512 content")
        }
    }

    @Test func unknownAndForeignUploadsAreBlobUploadUnknown() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client, "a")
            let foreign = location.replacingOccurrences(of: "/v2/a/", with: "/v2/b/")
            for uri in ["/v2/a/blobs/uploads/00000000-0000-0000-0000-000000000000", "/v2/a/blobs/uploads/not-a-uuid", foreign] {
                let response = try await client.execute(uri: uri, method: .patch, body: bytes("x"))
                #expect(response.status == .notFound, "\(uri)")
                #expect(errorCode(response) == "BLOB_UPLOAD_UNKNOWN", "\(uri)")
            }
        }
    }

    @Test func cancelRemovesTheUpload() async throws {
        try await TestRegistry.app().test(.router) { client in
            let location = try await start(client)
            _ = try await client.execute(uri: location, method: .patch, body: bytes("partial"))
            #expect(try await client.execute(uri: location, method: .delete).status == .noContent)
            #expect(try await client.execute(uri: location, method: .get).status == .notFound)
        }
    }

    @Test func crossRepositoryMountAndItsFallback() async throws {
        try await TestRegistry.app().test(.router) { client in
            let d = try await client.pushBlob("source", bytes("shared layer"))
            let mounted = try await client.execute(uri: "/v2/target/blobs/uploads/?mount=\(d)&from=source", method: .post)
            #expect(mounted.status == .created)
            #expect(mounted.headers[.location] == "http://localhost/v2/target/blobs/\(d)")
            #expect(try await client.execute(uri: "/v2/target/blobs/\(d)", method: .head).status == .ok)

            let fallback = try await client.execute(uri: "/v2/third/blobs/uploads/?mount=\(d)&from=empty", method: .post)
            #expect(fallback.status == .accepted)
            #expect(fallback.headers[Self.uuidHeader] != nil)

            let automatic = try await client.execute(uri: "/v2/fourth/blobs/uploads/?mount=\(d)", method: .post)
            #expect(automatic.status == .created)
            let unknown = try await client.execute(uri: "/v2/fifth/blobs/uploads/?mount=\(digest("nope"))", method: .post)
            #expect(unknown.status == .accepted)

            let badFrom = try await client.execute(uri: "/v2/x/blobs/uploads/?mount=\(d)&from=BAD", method: .post)
            #expect(errorCode(badFrom) == "NAME_INVALID")
        }
    }

    @Test func aBlobPushedTwiceIsStoredOnce() async throws {
        try await TestRegistry.app().test(.router) { client in
            let d1 = try await client.pushBlob("one", bytes("same bytes"))
            let d2 = try await client.pushBlob("two", bytes("same bytes"))
            #expect(d1 == d2)
            #expect(try await client.execute(uri: "/v2/one/blobs/\(d1)", method: .head).status == .ok)
            #expect(try await client.execute(uri: "/v2/two/blobs/\(d1)", method: .head).status == .ok)
        }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
