import Foundation
import Testing
import WharfTestSupport

/// A blob pushed as docker's chunked uploads go — a POST, two PATCHes split at `split`, a PUT
/// with the digest — then pulled with curl and checked. With `killBetweenChunks`, the server
/// is SIGKILLed after the first PATCH and a new one (`start` again, on the same data directory
/// and storage) takes the rest: the upload's bytes must come back from the storage.
enum ChunkedUploadProbe {
    static func push(
        _ blob: Data, split: Int, killBetweenChunks: Bool, directory: String, start: () async throws -> WharfProcess
    ) async throws {
        var wharf = try await start()
        var port = try await wharf.waitUntilListening()
        let opened = try await RawHTTP.request(port, "POST /v2/team/chunks/blobs/uploads/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        var location = try #require(RawHTTP.header("Location", in: opened))
        for (index, range) in [0..<split, split..<blob.count].enumerated() {
            if index == 1, killBetweenChunks {
                await wharf.kill()
                wharf = try await start()
                port = try await wharf.waitUntilListening()
                let status = try await RawHTTP.request(port, "GET \(location) HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(status.hasPrefix("HTTP/1.1 204"), "\(status)")
                #expect(RawHTTP.header("Range", in: status) == "0-\(split - 1)", "the first chunk survived the kill")
            }
            let chunk = blob.subdata(in: range)
            let response = try await RawHTTP.request(
                port,
                "PATCH \(location) HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Range: \(range.lowerBound)-\(range.upperBound - 1)\r\nContent-Length: \(chunk.count)\r\n\r\n",
                body: chunk
            )
            #expect(response.hasPrefix("HTTP/1.1 202"), "\(response)")
            location = try #require(RawHTTP.header("Location", in: response))
        }
        let digest = RawHTTP.sha256(blob)
        let separator = location.contains("?") ? "&" : "?"
        let close = try await RawHTTP.request(port, "PUT \(location)\(separator)digest=\(digest) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        #expect(close.hasPrefix("HTTP/1.1 201"), "\(close)")
        let pulled = try await Command.run(["curl", "-sf", "http://127.0.0.1:\(port)/v2/team/chunks/blobs/\(digest)", "-o", directory + "/pulled"])
        #expect(pulled.succeeded)
        #expect(RawHTTP.sha256(try Data(contentsOf: URL(fileURLWithPath: directory + "/pulled"))) == digest)
        await wharf.kill()
    }
}
