import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import NIOCore
import Testing
import WharfTestSupport

/// Slow and idle clients over real sockets, with short timeouts: they are closed, and others
/// are served meanwhile.
@Suite(.afterQuickTests, .timeLimit(.minutes(2))) struct SlowClientTests {
    /// Each test its own: the connection count is per policy.
    static var policy: ConnectionPolicy {
        ConnectionPolicy(header: .milliseconds(800), idle: .milliseconds(1500), body: .milliseconds(1200), maxConnections: 4)
    }

    @Test func aClientTricklingHeaderLinesIsClosed() async throws {
        try await TestRegistry.app(policy: Self.policy).test(.live) { client in
            let port = try #require(client.port)
            let slow = try RawConnection(port: port, timeoutSeconds: 10)
            try await slow.send("GET /v2/ HTTP/1.1\r\nHost: x\r\n")
            // A header line every 100 ms, far more often than the 800 ms header timeout, and
            // for longer than the read below waits: only a deadline that trickling cannot move
            // closes the connection within it. (No timing is asserted: a loaded run may be slow.)
            let trickle = Task {
                for index in 0..<150 {
                    guard (try? await slow.send("X-Slow-\(index): 1\r\n")) != nil else { return }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { trickle.cancel() }
            let answer = await slow.read()
            #expect(answer.closed, "the trickling client was never closed")
            let other = try RawConnection(port: port)
            try await other.send("GET /v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await other.read().text.hasPrefix("HTTP/1.1 200"), "other clients are served")
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosed() async throws {
        try await TestRegistry.app(policy: Self.policy).test(.live) { client in
            let port = try #require(client.port)
            let idle = try RawConnection(port: port)
            try await idle.send("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = await idle.read(until: "{}")
            #expect(answer.text.hasPrefix("HTTP/1.1 200"))
            #expect(!answer.closed)
            let end = await idle.read()
            #expect(end.closed, "the idle connection stayed open")
        }
    }

    @Test func aStalledBodyIsClosed() async throws {
        try await TestRegistry.app(policy: Self.policy).test(.live) { client in
            let port = try #require(client.port)
            let stalled = try RawConnection(port: port)
            try await stalled.send("POST /v2/r/blobs/uploads/?digest=\(digest("0123456789")) HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234")
            let answer = await stalled.read()
            #expect(answer.closed)
            #expect(!answer.text.contains("201"))
        }
    }

    @Test func connectionsPastTheLimitAreClosedAndTheirPlacesReturn() async throws {
        try await TestRegistry.app(policy: ConnectionPolicy(maxConnections: 3)).test(.live) { client in
            let port = try #require(client.port)
            // The test client may hold one connection of its own; fill the rest.
            var held: [RawConnection] = []
            for _ in 0..<3 {
                let connection = try RawConnection(port: port)
                try await connection.send("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n")
                if !(await connection.read(until: "{}").text.hasPrefix("HTTP/1.1 200")) { break }
                held.append(connection)
            }
            let refused = try RawConnection(port: port)
            try? await refused.send("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = await refused.read()
            #expect(answer.closed && answer.text.isEmpty, "a connection past the limit was served: \(answer.text)")
            for connection in held { connection.close() }
            var served = false
            for _ in 0..<50 where !served {
                try await Task.sleep(for: .milliseconds(100))
                let again = try RawConnection(port: port)
                try? await again.send("GET /v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                served = await again.read().text.hasPrefix("HTTP/1.1 200")
            }
            #expect(served, "closed connections did not free their places")
        }
    }
}

/// The TLS listener: a handshake sent a byte at a time is closed by the header timeout.
@Suite(.afterQuickTests, .timeLimit(.minutes(1)), .enabled(if: Tool.available("curl"), "curl is not installed")) struct SlowTLSClientTests {
    @Test func aTricklingTLSHandshakeIsClosed() async throws {
        try await withTemporaryDirectory { directory in
            let files = try TestCertificates.make().write(to: directory)
            let tls = try TLSSettings.configuration(certificatePath: files.certificate, keyPath: files.key)
            let policy = ConnectionPolicy(header: .milliseconds(800), idle: .seconds(5), body: .seconds(5))
            let router = Router(context: WharfRequestContext.self)
            router.get("/") { _, _ in "ok" }
            let app = Application(
                router: router,
                server: HTTPServerBuilder { responder in try TLSServerChannel(tlsConfiguration: tls, policy: policy, responder: responder) },
                configuration: .init(address: .hostname("127.0.0.1", port: 0))
            )
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let slow = try RawConnection(port: port, timeoutSeconds: 10)
                let hello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + [UInt8](repeating: 7, count: 60)
                // A byte every 100 ms for longer than the read waits (no timing asserted).
                let trickle = Task {
                    for byte in hello + hello {
                        guard (try? await slow.send([byte])) != nil else { return }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
                defer { trickle.cancel() }
                let answer = await slow.read()
                #expect(answer.closed, "the handshake was never cut off")
                // A prompt client is served, over HTTP/1.1 and HTTP/2 alike.
                for version in ["--http1.1", "--http2"] {
                    let answer = try await Command.run(
                        ["curl", "-sk", version, "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(port)/"], timeout: .seconds(30)
                    )
                    #expect(answer.stdout == "200", "\(version)")
                }
            }
        }
    }
}
