import Crypto
import Foundation
@testable import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Logging
import MetadataSQLite
import Registry
import StorageFilesystem
import Testing
import WharfServer
import WharfTestSupport

/// Blob bodies on the TLS listener come from `FileStreamHandler`: whole, ranged, over HTTP/1.1
/// and HTTP/2, as curl receives them; a file that cannot be opened is a clean error.
@Suite(.afterQuickTests, .timeLimit(.minutes(4)), .enabled(if: Tool.available("curl"), "curl is not installed"))
struct TLSFileBodyTests {
    /// A Wharf on the filesystem behind the TLS listener, for the length of `body`.
    static func serve(
        policy: ConnectionPolicy = ConnectionPolicy(), _ body: @Sendable (_ port: Int, _ root: String) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { directory in
            let root = directory + "/root"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let files = try TestCertificates.make().write(to: directory)
            let tls = try TLSSettings.configuration(certificatePath: files.certificate, keyPath: files.key)
            var logger = Logger(label: "wharf-test")
            logger.logLevel = .warning
            let services = RegistryServices(
                driver: FilesystemDriver(root: root), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"), options: RegistryOptions(), logger: logger
            )
            let app = WharfApplication.build(
                services: services,
                server: HTTPServerBuilder { responder in try TLSServerChannel(tlsConfiguration: tls, policy: policy, responder: responder) },
                address: .hostname("127.0.0.1", port: 0), logger: logger
            )
            try await app.test(.live) { client in
                try await body(try #require(client.port), root)
            }
        }
    }

    /// curl's status and body for `path` on the TLS listener.
    static func get(_ port: Int, _ path: String, version: String, range: String? = nil, into file: String) async throws -> String {
        var arguments = ["curl", "-sk", version, "-o", file, "-w", "%{http_code} %{http_version}"]
        if let range { arguments += ["-r", range] }
        return try await Command.run(arguments + ["https://127.0.0.1:\(port)\(path)"], timeout: .seconds(180)).stdout
    }

    @Test func wholeAndRangedBodiesArriveIntactOverHTTP1AndHTTP2() async throws {
        try await Self.serve { port, root in
            // Crosses many of the handler's chunks and ends inside one.
            var content = Data(count: 3 * 1024 * 1024 + 4321)
            for index in content.indices { content[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 9) }
            let digest = "sha256:" + SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
            let upload = root + "/../upload"
            try content.write(to: URL(fileURLWithPath: upload))
            let pushed = try await Command.run([
                "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@" + upload, "https://127.0.0.1:\(port)/v2/team/app/blobs/uploads/?digest=\(digest)",
            ])
            #expect(pushed.stdout == "201")
            let received = root + "/../received"
            for (version, answered) in [("--http1.1", "1.1"), ("--http2", "2")] {
                let whole = try await Self.get(port, "/v2/team/app/blobs/\(digest)", version: version, into: received)
                #expect(whole == "200 \(answered)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: received)) == content, "\(version): the body differs")
                let ranged = try await Self.get(port, "/v2/team/app/blobs/\(digest)", version: version, range: "1000-600000", into: received)
                #expect(ranged == "206 \(answered)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: received)) == content[1000...600_000], "\(version): the range differs")
            }
        }
    }

    @Test func aBlobFileThatCannotBeOpenedIsACleanError() async throws {
        try await Self.serve { port, root in
            let blob = try await Self.pushBlob(port: port, root: root, size: 9)
            let hex = blob.digest.dropFirst("sha256:".count)
            try FileManager.default.removeItem(atPath: blob.file)
            let received = root + "/../received"
            for (version, answered) in [("--http1.1", "1.1"), ("--http2", "2")] {
                let answer = try await Self.get(port, "/v2/team/app/blobs/sha256:\(hex)", version: version, into: received)
                #expect(answer == "404 \(answered)")
                #expect(try String(contentsOfFile: received, encoding: .utf8).contains("BLOB_UNKNOWN"))
            }
        }
    }

    /// The handler itself: a route that answers with a directive (only when the request carries
    /// the handler's marker, whatever the client claimed) gets the file's bytes as its body.
    @Test func theListenerSendsTheFileADirectiveNames() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/file"
            let content = Data(randomBytes(700_000))
            try content.write(to: URL(fileURLWithPath: file))
            let files = try TestCertificates.make().write(to: directory)
            let tls = try TLSSettings.configuration(certificatePath: files.certificate, keyPath: files.key)
            let router = Router(context: WharfRequestContext.self)
            router.get("/file") { request, _ -> Response in
                guard request.headers[.wharfSendfileCapable] == SendfileHandler.marker else { return Response(status: .internalServerError) }
                let directive = SendfileDirective(path: file, range: 100..<650_100)
                return Response(status: .ok, headers: [.contentLength: "650000", .wharfSendfile: directive.headerValue])
            }
            let app = Application(
                router: router,
                server: HTTPServerBuilder { responder in try TLSServerChannel(tlsConfiguration: tls, responder: responder) },
                configuration: .init(address: .hostname("127.0.0.1", port: 0))
            )
            try await app.test(.live) { client in
                let port = try #require(client.port)
                for version in ["--http1.1", "--http2"] {
                    let answer = try await Command.run([
                        "curl", "-sk", version, "-H", "X-Wharf-Sendfile-Capable: forged", "-D", "-", "-o", directory + "/received",
                        "https://127.0.0.1:\(port)/file",
                    ])
                    #expect(answer.stdout.contains(" 200"), "\(version): \(answer.stdout)")
                    #expect(!answer.stdout.lowercased().contains("x-wharf-sendfile"), "the directive reached the client")
                    #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/received")) == content[100..<650_100], "\(version)")
                }
            }
        }
    }

    /// A client that pipelines requests on one HTTP/1.1 connection gets each response whole and
    /// in order: the next head waits until the previous file body is out, and the closing
    /// request's `Connection: close` waits for its own response.
    @Test func pipelinedRequestsGetWholeResponsesInOrder() async throws {
        guard Tool.available("python3") else { return }
        try await Self.serve { port, root in
            var digests: [String] = []
            for (index, size) in [900_000, 300_001].enumerated() {
                let content = Data(randomBytes(size))
                let digest = "sha256:" + SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
                let upload = root + "/../upload\(index)"
                try content.write(to: URL(fileURLWithPath: upload))
                _ = try await Command.run([
                    "curl", "-sk", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/octet-stream",
                    "--data-binary", "@" + upload, "https://127.0.0.1:\(port)/v2/team/app/blobs/uploads/?digest=\(digest)",
                ])
                digests.append(digest)
            }
            // Both requests in one write; the answer is read to the close and split by the heads.
            let script = """
                import hashlib, socket, ssl, sys
                port, first, second = int(sys.argv[1]), sys.argv[2], sys.argv[3]
                context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
                with context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=30)) as s:
                    s.sendall((f"GET /v2/team/app/blobs/{first} HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
                               f"GET /v2/team/app/blobs/{second} HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n").encode())
                    data = b""
                    while chunk := s.recv(65536):
                        data += chunk
                for digest in (first, second):
                    head, _, data = data.partition(b"\\r\\n\\r\\n")
                    length = int([l for l in head.split(b"\\r\\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
                    body, data = data[:length], data[length:]
                    print(head.split(b"\\r\\n")[0].decode(), "sha256:" + hashlib.sha256(body).hexdigest() == digest)
                print("rest", len(data))
                """
            let answer = try await Command.run(["python3", "-c", script, String(port), digests[0], digests[1]], timeout: .seconds(180))
            #expect(answer.stdout == "HTTP/1.1 200 OK True\nHTTP/1.1 200 OK True\nrest 0\n", "\(answer.stdout)\(answer.stderr)")
        }
    }

    /// Pushes `size` bytes as a blob with curl; its digest and the path of its file under `root`.
    static func pushBlob(port: Int, root: String, size: Int) async throws -> (digest: String, file: String) {
        // A 64 KiB pattern repeated: building tens of MiB byte by byte in a debug build would hold
        // a cooperative thread for seconds and starve the suite's other servers.
        let pattern = Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 8) })
        var content = Data(capacity: size)
        while content.count < size { content.append(pattern.prefix(size - content.count)) }
        let hex = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
        let upload = root + "/../upload-\(hex.prefix(8))"
        try content.write(to: URL(fileURLWithPath: upload))
        _ = try await Command.run([
            "curl", "-sk", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/octet-stream",
            "--data-binary", "@" + upload, "https://127.0.0.1:\(port)/v2/team/app/blobs/uploads/?digest=sha256:\(hex)",
        ])
        return ("sha256:" + hex, root + "/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data")
    }

    /// Descriptors of this process (the in-process server's) open on `file`.
    static func openDescriptors(on file: String) -> Int {
        let directory = "/proc/self/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0)) == file }.count
    }

    /// Waits up to `seconds` for `condition`, checking every 50 ms.
    static func eventually(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// Clients that leave in the middle of a body — during a chunk's read or while the file
    /// opens — leave no descriptor open on the blob's file.
    @Test func clientsThatLeaveMidBodyLeaveNoOpenFile() async throws {
        guard Tool.available("python3") else { return }
        try await Self.serve { port, root in
            let blob = try await Self.pushBlob(port: port, root: root, size: 8 * 1024 * 1024)
            let script = """
                import socket, ssl, sys
                port, digest = int(sys.argv[1]), sys.argv[2]
                context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
                for attempt in range(30):
                    with context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=30)) as s:
                        s.sendall(f"GET /v2/team/app/blobs/{digest} HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n".encode())
                        received = 0
                        while received < attempt * 20000:
                            chunk = s.recv(65536)
                            if not chunk: break
                            received += len(chunk)
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00")
                print("done")
                """
            let answer = try await Command.run(["python3", "-c", script, String(port), blob.digest], timeout: .seconds(180))
            #expect(answer.stdout == "done\n", "\(answer.stderr)")
            let released = try await Self.eventually(10) { Self.openDescriptors(on: blob.file) == 0 }
            #expect(released, "\(Self.openDescriptors(on: blob.file)) descriptors still open on the blob's file")
        }
    }

    /// A client that stops reading does not hold its connection and the file forever: after the
    /// body timeout without progress the server closes the connection (bytes the kernel already
    /// holds for the client may still trickle out; the file and the process's share are freed).
    @Test func aClientThatStopsReadingIsCutOffAfterTheBodyTimeout() async throws {
        guard Tool.available("python3") else { return }
        // Long enough that the push before it (on a loaded machine) is not cut off itself.
        let policy = ConnectionPolicy(header: .seconds(5), idle: .seconds(60), body: .seconds(6))
        try await Self.serve(policy: policy) { port, root in
            let blob = try await Self.pushBlob(port: port, root: root, size: 16 * 1024 * 1024)
            let script = """
                import socket, ssl, sys, time
                port, digest = int(sys.argv[1]), sys.argv[2]
                context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
                raw = socket.create_connection(("127.0.0.1", port), timeout=30)
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                with context.wrap_socket(raw) as s:
                    s.sendall(f"GET /v2/team/app/blobs/{digest} HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n".encode())
                    s.recv(1024)
                    print("receiving", flush=True)
                    time.sleep(60)
                """
            let client = try await TestProcess.start(["python3", "-c", script, String(port), blob.digest])
            defer { client.signal(SIGKILL) }
            #expect(try await Self.eventually(60) { client.log.contains("receiving") }, "the body did not start: \(client.log)")
            #expect(try await Self.eventually(30) { Self.openDescriptors(on: blob.file) == 0 }, "the stalled body still holds the file")
            #expect(client.isRunning, "the client was to stall, not to end")
        }
    }
}
