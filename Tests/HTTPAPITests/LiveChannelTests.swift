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

/// Tests over a real socket: what only Wharf's channel handlers do.
@Suite(.afterQuickTests, .timeLimit(.minutes(3))) struct LiveChannelTests {
    @Test func expectContinueIsAnsweredBeforeTheBodyIsSent() async throws {
        try await TestRegistry.app().test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawConnection(port: port)
            let body = "continued body"
            try await connection.send(
                "POST /v2/r/blobs/uploads/?digest=\(digest(body)) HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n"
            )
            let interim = await connection.read(until: "\r\n\r\n")
            #expect(interim.text.hasPrefix("HTTP/1.1 100 Continue"))
            try await connection.send(body)
            let final = await connection.read(until: "\r\n\r\n")
            #expect(final.text.contains("HTTP/1.1 201 Created"))
        }
    }

    @Test func aTLSClientHelloGetsA400AndAClose() async throws {
        try await TestRegistry.app().test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawConnection(port: port)
            // The start of a TLS 1.2 ClientHello record, as skopeo sends it to probe for https.
            try await connection.send([0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + [UInt8](repeating: 7, count: 32))
            let answer = await connection.read()
            #expect(answer.closed)
            #expect(answer.text.isEmpty || answer.text.hasPrefix("HTTP/1.1 400"))
        }
    }

    @Test func blobBodiesAreSentFromTheFileWithRanges() async throws {
        try await withTemporaryDirectory { root in
            let app = TestRegistry.app(
                driver: FilesystemDriver(root: root), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite")
            )
            try await app.test(.live) { client in
                let content = ByteBuffer(bytes: randomBytes(1_200_000))
                let d = try await client.pushBlob("r", content)
                let get = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get)
                #expect(get.status == .ok)
                #expect(get.body == content)
                #expect(get.headers[HTTPField.Name("X-Wharf-Sendfile")!] == nil)
                let ranged = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get, headers: [.range: "bytes=1000-1999"])
                #expect(ranged.status == .partialContent)
                #expect(ranged.body == content.getSlice(at: 1000, length: 1000))
                let head = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .head)
                #expect(head.headers[.contentLength] == String(content.readableBytes))
            }
        }
    }

    @Test func aClientCannotClaimTheSendfileMarker() async throws {
        try await TestRegistry.app().test(.live) { client in
            let port = try #require(client.port)
            let d = try await client.pushBlob("r", bytes("in memory"))
            let connection = try RawConnection(port: port)
            try await connection.send(
                "GET /v2/r/blobs/\(d) HTTP/1.1\r\nHost: x\r\nX-Wharf-Sendfile: 0 4 /etc/passwd\r\n\r\n"
            )
            let answer = await connection.read(until: "in memory")
            #expect(answer.text.contains("in memory"))
            #expect(!answer.text.contains("root:"))
        }
    }

    /// Where no `SendfileHandler` runs (the TLS listener, HTTP/2; here the router), a client
    /// sending the marker header gets the body, never the file's path and an empty promise.
    @Test func theSendfileMarkerCannotBeClaimedWithoutTheHandler() async throws {
        try await withTemporaryDirectory { root in
            let app = TestRegistry.app(driver: FilesystemDriver(root: root), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"))
            try await app.test(.router) { client in
                let d = try await client.pushBlob("r", bytes("file bytes"))
                for value in ["1", "true", ""] {
                    let get = try await client.execute(
                        uri: "/v2/r/blobs/\(d)", method: .get, headers: [HTTPField.Name("X-Wharf-Sendfile-Capable")!: value]
                    )
                    #expect(get.body == bytes("file bytes"))
                    #expect(get.headers[HTTPField.Name("X-Wharf-Sendfile")!] == nil)
                    #expect(!get.headers.contains { $0.value.contains(root) }, "a header names the blob's path")
                }
            }
        }
    }

    /// A blob whose file is gone (or a directive that names no absolute file, as a relative
    /// data directory once made) gets a clean error and a close — never a 200 whose body
    /// never comes.
    @Test func aBlobFileThatCannotBeOpenedIsACleanErrorNotAPromise() async throws {
        try await withTemporaryDirectory { root in
            let app = TestRegistry.app(driver: FilesystemDriver(root: root), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"))
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let d = try await client.pushBlob("r", bytes("soon gone"))
                try FileManager.default.removeItem(atPath: root + "/docker/registry/v2/blobs/sha256/\(d.hex.prefix(2))/\(d.hex)/data")
                let connection = try RawConnection(port: port)
                try await connection.send("GET /v2/r/blobs/\(d) HTTP/1.1\r\nHost: x\r\n\r\n")
                let answer = await connection.read()
                #expect(answer.text.hasPrefix("HTTP/1.1 404"), "\(answer.text)")
                #expect(answer.text.contains("BLOB_UNKNOWN"))
                #expect(answer.closed)
            }
        }
        try await withTemporaryDirectory { root in
            let relative = "wharf-relative-\(UInt32.random(in: 0 ... .max))"
            defer { try? FileManager.default.removeItem(atPath: relative) }
            let app = TestRegistry.app(driver: FilesystemDriver(root: relative), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"))
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let d = try await client.pushBlob("r", bytes("relative root"))
                let connection = try RawConnection(port: port, timeoutSeconds: 10)
                try await connection.send("GET /v2/r/blobs/\(d) HTTP/1.1\r\nHost: x\r\n\r\n")
                let answer = await connection.read()
                #expect(answer.closed, "the client was left waiting for a body")
                #expect(answer.text.hasPrefix("HTTP/1.1 503"), "\(answer.text)")
            }
        }
    }

    /// A client that pipelines requests gets its responses whole and in order: the next one
    /// waits while a file body is opened and sent.
    @Test func pipelinedRequestsGetFileBodiesInOrder() async throws {
        try await withTemporaryDirectory { root in
            let app = TestRegistry.app(driver: FilesystemDriver(root: root), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"))
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let first = String(repeating: "first-", count: 40_000)
                let second = String(repeating: "second", count: 100)
                let a = try await client.pushBlob("r", bytes(first))
                let b = try await client.pushBlob("r", bytes(second))
                let connection = try RawConnection(port: port, timeoutSeconds: 20)
                try await connection.send(
                    "GET /v2/r/blobs/\(a) HTTP/1.1\r\nHost: x\r\n\r\nHEAD /v2/r/blobs/\(b) HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /v2/r/blobs/\(b) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                let answer = await connection.read()
                #expect(answer.closed)
                let parts = answer.text.components(separatedBy: "\r\n\r\n")
                #expect(parts.count == 4, "\(parts.count) parts")
                guard parts.count == 4 else { return }
                #expect(parts[1].hasPrefix(first + "HTTP/1.1 200 OK\r\n"), "the first body is whole and comes first")
                #expect(parts[3] == second, "the last body is the second blob's")
            }
        }
    }

    /// `Connection: close` (skopeo sends it) half-closes the output right after the response;
    /// a body still being opened must go out before that close.
    @Test func aFileBodyIsSentWholeBeforeAConnectionCloseTakesEffect() async throws {
        try await withTemporaryDirectory { root in
            let app = TestRegistry.app(driver: FilesystemDriver(root: root), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"))
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let content = String(repeating: "0123456789abcdef", count: 8192)
                let d = try await client.pushBlob("r", bytes(content))
                for _ in 0..<5 {
                    let connection = try RawConnection(port: port)
                    try await connection.send("GET /v2/r/blobs/\(d) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    let answer = await connection.read()
                    #expect(answer.text.hasPrefix("HTTP/1.1 200"))
                    #expect(answer.text.hasSuffix(content), "the body was cut off (\(answer.text.utf8.count) bytes came)")
                    #expect(answer.closed)
                }
            }
        }
    }

    @Test func uploadsSurviveARestart() async throws {
        try await withTemporaryDirectory { root in
            func app() async throws -> some ApplicationProtocol {
                TestRegistry.app(driver: FilesystemDriver(root: root), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"))
            }
            let location = try await app().test(.router) { client in
                let start = try await client.execute(uri: "/v2/r/blobs/uploads/", method: .post)
                let location = pathOf(try #require(start.headers[.location]))
                _ = try await client.execute(uri: location, method: .patch, body: bytes("before restart, "))
                return location
            }
            try await app().test(.router) { client in
                let status = try await client.execute(uri: location, method: .get)
                #expect(status.status == .noContent)
                #expect(status.headers[.range] == "0-15")
                let patch = try await client.execute(uri: location, method: .patch, headers: [.contentRange: "16-28"], body: bytes("after restart"))
                #expect(patch.status == .accepted)
                let d = digest("before restart, after restart")
                #expect(try await client.execute(uri: location + "?digest=\(d)", method: .put).status == .created)
                let get = try await client.execute(uri: "/v2/r/blobs/\(d)", method: .get)
                #expect(String(buffer: get.body) == "before restart, after restart")
            }
        }
    }
}
