import Crypto
import Foundation
import Glibc
import Testing
import WharfTestSupport

/// Health, metrics, access logs and graceful shutdown of the real binary.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
struct OperationsTests {
    func get(_ port: Int, _ path: String, headers: String = "") async throws -> String {
        let connection = try RawConnection(port: port)
        try await connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\(headers)\r\n")
        return await connection.read().text
    }

    @Test func healthAndMetricsAreServedOnTheDebugListener() async throws {
        try await withTemporaryDirectory { directory in
            let debugPort = try FreePort.find()
            let wharf = try await WharfProcess(root: directory + "/root", environment: [
                "REGISTRY_AUTH": "none", "REGISTRY_HTTP_DEBUG_ADDR": "127.0.0.1:\(debugPort)",
            ])
            let port = try await wharf.waitUntilListening(other: debugPort)
            defer { wharf.killNow() }
            _ = try await get(port, "/v2/")
            _ = try await get(port, "/v2/team/app/tags/list")
            let health = try await get(debugPort, "/debug/health")
            #expect(health.hasPrefix("HTTP/1.1 200") && health.hasSuffix("{}"))
            #expect(try await get(port, "/healthz").hasPrefix("HTTP/1.1 200"))

            let metrics = try await get(debugPort, "/metrics")
            let samples = PrometheusText.samples(metrics)
            #expect(samples[#"hb_requests{http_route="/v2/",http_request_method="GET",http_response_status_code="200"}"#] == 1)
            #expect(samples[#"hb_requests{http_route="/v2/{name}/tags/list",http_request_method="GET",http_response_status_code="404"}"#] == 1)
            #expect(samples.keys.contains { $0.hasPrefix("http_server_request_duration_bucket") }, "latency histograms are exported")
            #expect(samples["wharf_open_uploads_count"] == 0)
            #expect(samples.keys.contains("wharf_http_response_bytes_total"))
        }
    }

    @Test func healthNamesAFailingCheckWith503() async throws {
        try await withTemporaryDirectory { directory in
            let root = directory + "/root"
            let wharf = try await WharfProcess(root: root, environment: ["REGISTRY_AUTH": "none"])
            let port = try await wharf.waitUntilListening()
            defer { wharf.killNow() }
            // Make the storage unwritable where the probe writes.
            try FileManager.default.createDirectory(atPath: root + "/wharf", withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: root + "/wharf/health")
            try FileManager.default.createDirectory(atPath: root + "/wharf/health", withIntermediateDirectories: true)
            try "x".write(toFile: root + "/wharf/health/blocker", atomically: true, encoding: .utf8)
            let response = try await get(port, "/healthz")
            #expect(response.hasPrefix("HTTP/1.1 503"))
            #expect(response.contains("storagedriver_filesystem"))
        }
    }

    @Test func accessLinesCarryTheRequestIDAndNeverTheCredentials() async throws {
        try await withTemporaryDirectory { directory in
            let wharf = try await WharfProcess(root: directory + "/root", environment: ["REGISTRY_AUTH": "none", "REGISTRY_LOG_FORMATTER": "json"])
            let port = try await wharf.waitUntilListening()
            defer { wharf.killNow() }
            let response = try await get(port, "/v2/?secret-query=1", headers: "Authorization: Bearer SUPERSECRETTOKEN\r\n")
            let id = try #require(response.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-request-id:") }?
                .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces))
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline, !wharf.logText.contains(id) { try await Task.sleep(for: .milliseconds(20)) }
            let line = try #require(wharf.logText.split(separator: "\n").first { $0.contains(id) })
            let fields = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(fields?["msg"] as? String == "GET /v2/ 200")
            #expect(fields?["status"] as? String == "200")
            #expect(!wharf.logText.contains("SUPERSECRETTOKEN"))
        }
    }

    @Test func sigtermDuringAnUploadLetsItFinishOrFailCleanly() async throws {
        try await withTemporaryDirectory { directory in
            let root = directory + "/root"
            let wharf = try await WharfProcess(root: root, environment: ["REGISTRY_AUTH": "none"])
            let port = try await wharf.waitUntilListening()
            defer { wharf.killNow() }
            let size = 256 * 1024 * 1024
            var chunk = [UInt8](repeating: 0, count: 1024 * 1024)
            // Hashing 256 MiB takes a second of CPU: on a thread of its own, off the cooperative pool.
            let digest = try await onThread {
                var hasher = SHA256()
                var chunk = [UInt8](repeating: 0, count: 1024 * 1024)
                for index in 0..<(size / chunk.count) {
                    chunk.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(index), as: UInt64.self) }
                    hasher.update(data: chunk)
                }
                return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
            }
            let connection = try RawConnection(port: port, timeoutSeconds: 60)
            try await connection.send("POST /v2/team/big/blobs/uploads/?digest=\(digest) HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n")
            var sent = 0
            var signalled = false
            for index in 0..<(size / chunk.count) {
                chunk.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(index), as: UInt64.self) }
                do {
                    try await connection.send(chunk)
                } catch {
                    break
                }
                sent += chunk.count
                if !signalled, sent >= 64 * 1024 * 1024 {
                    wharf.process.signal(SIGTERM)
                    signalled = true
                }
            }
            let answer = await connection.read(until: "\r\n\r\n")
            try await wharf.process.waitForExit()
            #expect(signalled)
            #expect(wharf.logText.contains("metadata store closed"), "the store closed cleanly")

            let restarted = try await WharfProcess(root: root, environment: ["REGISTRY_AUTH": "none"])
            let port2 = try await restarted.waitUntilListening()
            defer { restarted.killNow() }
            let head = try await get(port2, "/v2/team/big/blobs/\(digest)")
            if answer.text.hasPrefix("HTTP/1.1 201") {
                #expect(head.hasPrefix("HTTP/1.1 200"), "a finished upload is a committed blob")
            } else {
                #expect(!head.hasPrefix("HTTP/1.1 200"), "an interrupted upload committed nothing")
            }
        }
    }
}

/// Parses Prometheus text exposition into sample name (with labels) → value.
enum PrometheusText {
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}

/// The open-file limit: a soft limit of 256 under a hard one of 4096 is raised to 4096 at start.
@Suite(.backgroundPriority, .timeLimit(.minutes(2)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
struct FileDescriptorLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardLimit() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await TestProcess.start(
                ["/bin/sh", "-c", "ulimit -Sn 256 && ulimit -Hn 4096 && exec \"$0\" serve --addr 127.0.0.1:0 --root \"$1\"", WharfProcess.binary, directory + "/data"],
                environment: ["REGISTRY_AUTH": "none"]
            )
            defer { server.signal(SIGKILL) }
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline, !server.log.contains("listening on"), server.isRunning {
                try await Task.sleep(for: .milliseconds(50))
            }
            let limits = try String(contentsOfFile: "/proc/\(server.pid)/limits", encoding: .utf8)
            let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
            let numbers = line.split(separator: " ").compactMap { Int($0) }
            #expect(numbers == [4096, 4096], "\(line)")
            #expect(server.log.contains("raised the open-file limit"))
        }
    }
}
