import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A keep-alive HTTP client for tests that drive many registry requests at once (pushes,
/// pulls, deletes), over async-http-client's shared client (which is never shut down, so a
/// test that fails half-way leaves nothing to clean up).
struct RegistryHTTPClient: Sendable {
    let base: String
    let client: HTTPClient

    struct Answer: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    init(port: Int) {
        base = "http://127.0.0.1:\(port)"
        client = HTTPClient.shared
    }

    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        var collected = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(collected.readBytes(length: collected.readableBytes) ?? []))
    }

    /// A whole blob in one request (`POST ?digest=`); the status.
    func upload(_ repository: String, _ content: Data) async throws -> Int {
        try await send(.POST, "/v2/\(repository)/blobs/uploads/?digest=\(RawHTTP.sha256(content))", body: content,
                       headers: [("Content-Type", "application/octet-stream")]).status
    }
}
