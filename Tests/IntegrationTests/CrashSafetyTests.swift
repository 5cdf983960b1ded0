import Crypto
import Foundation
import Testing
import WharfTestSupport

/// A server killed with SIGKILL in the middle of a push loses no committed blob, and the
/// interrupted upload resumes after a restart.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
struct CrashSafetyTests {
    func sha256(_ data: Data) -> String { RawHTTP.sha256(data) }

    func request(_ port: Int, _ head: String, body: Data = Data()) async throws -> String {
        try await RawHTTP.request(port, head, body: body)
    }

    func header(_ name: String, in response: String) -> String? { RawHTTP.header(name, in: response) }

    @Test func killDuringAnUploadLosesNothingAndTheUploadResumes() async throws {
        try await withTemporaryDirectory { root in
            let committed = OCIImage.randomBytes(3 * 1024 * 1024)
            let committedDigest = sha256(committed)
            let pending = OCIImage.randomBytes(32 * 1024 * 1024)
            let pendingDigest = sha256(pending)

            let first = try await WharfProcess(root: root)
            let port = try await first.waitUntilListening()
            let push = try await request(
                port, "POST /v2/team/app/blobs/uploads/?digest=\(committedDigest) HTTP/1.1\r\nHost: x\r\nContent-Length: \(committed.count)\r\n\r\n",
                body: committed
            )
            #expect(push.hasPrefix("HTTP/1.1 201"))
            let start = try await request(port, "POST /v2/team/app/blobs/uploads/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            let location = try #require(header("Location", in: start))

            // Announce the whole 32 MiB chunk, send 8 MiB of it, then kill the server mid-body.
            let connection = try RawConnection(port: port)
            try await connection.send(
                "PATCH \(location) HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: \(pending.count)\r\n\r\n"
            )
            try await connection.send(Array(pending.prefix(8 * 1024 * 1024)))
            // Killed once part of the chunk has reached the upload's file, not after a guess.
            let id = String(location.split(separator: "/").last ?? "")
            let file = root + "/docker/registry/v2/repositories/team/app/_uploads/\(id)/data"
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline, ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            await first.kill()
            connection.close()

            let second = try await WharfProcess(root: root)
            let port2 = try await second.waitUntilListening()
            defer { second.killNow() }

            let head = try await request(port2, "HEAD /v2/team/app/blobs/\(committedDigest) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(header("Content-Length", in: head) == String(committed.count))
            let hex = committedDigest.dropFirst("sha256:".count)
            let stored = try Data(contentsOf: URL(fileURLWithPath: "\(root)/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"))
            #expect(sha256(stored) == committedDigest)

            let status = try await request(port2, "GET \(location) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(status.hasPrefix("HTTP/1.1 204"))
            let range = try #require(header("Range", in: status))
            let received = (Int(range.split(separator: "-")[1]) ?? -1) + 1
            #expect(received > 0 && received <= 8 * 1024 * 1024, "what reached the disk before the kill is the upload's offset")

            let rest = pending.suffix(from: received)
            let resume = try await request(
                port2,
                "PATCH \(location) HTTP/1.1\r\nHost: x\r\nContent-Range: \(received)-\(pending.count - 1)\r\nContent-Length: \(rest.count)\r\n\r\n",
                body: Data(rest)
            )
            #expect(resume.hasPrefix("HTTP/1.1 202"))
            let close = try await request(port2, "PUT \(location)?digest=\(pendingDigest) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            #expect(close.hasPrefix("HTTP/1.1 201"))
        }
    }
}
