import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Requests of the JSON API to one bucket, authorised by a token source. Failures worth
/// another try (429, 5xx, no answer) are retried with a growing, jittered backoff, as
/// Distribution's driver does; a refused token is fetched again once.
public final class GCSClient: Sendable {
    /// One client for the process. Redirects are not followed: a resumable upload's 308
    /// ("resume incomplete") is an answer, not a redirect. Connects take at most 3 s and reads
    /// at most 30 s between bytes, so an unreachable API fails requests in seconds.
    static let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(3), read: .seconds(30)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        )
    )

    public let location: GCSLocation
    let tokens: GCSTokenSource
    /// The longest a request may take, bodies included.
    let deadline: TimeAmount

    static let attempts = 5

    public init(location: GCSLocation, tokens: GCSTokenSource, deadline: TimeAmount = .hours(1)) {
        self.location = location
        self.tokens = tokens
        self.deadline = deadline
    }

    /// The HTTP client token sources use.
    public static var sharedHTTPClient: HTTPClient { http }

    /// Sends a request and returns the streaming answer when its status is one of `accepted`;
    /// throws `GCSError` otherwise.
    /// Without `retries`, a failure is thrown at once: for requests whose outcome must be
    /// asked for before they are sent again (a resumable upload's chunk).
    public func stream(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: ByteBuffer? = nil,
        accepted: Set<Int> = [200, 201, 204, 206], retries: Bool = true
    ) async throws -> HTTPClientResponse {
        let attempts = retries ? Self.attempts : 1
        var attempt = 1
        var refreshedToken = false
        while true {
            var request = HTTPClientRequest(url: url)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let authorization = try await tokens.authorization()
            if let authorization { request.headers.add(name: "authorization", value: authorization) }
            // An empty body still says `Content-Length: 0`, which the upload endpoints want.
            if let body {
                request.body = .bytes(body)
            } else if method == .POST || method == .PUT {
                request.body = .bytes(ByteBuffer())
            }
            let response: HTTPClientResponse
            do {
                response = try await Self.http.execute(request, timeout: deadline)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let failure = GCSError(status: 0, message: "\(location.base) did not answer: \(error)")
                guard attempt < attempts else { throw failure }
                try await Self.backoff(attempt)
                attempt += 1
                continue
            }
            let status = Int(response.status.code)
            if accepted.contains(status) { return response }
            let failure = try await Self.error(from: response)
            if status == 401, !refreshedToken {
                refreshedToken = true
                await tokens.invalidate(refused: authorization)
                continue
            }
            guard failure.isTransient, attempt < attempts else { throw failure }
            try await Self.backoff(attempt)
            attempt += 1
        }
    }

    /// A collected answer.
    public struct Response: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: ByteBuffer
    }

    /// Sends a request and collects the answer (up to `limit` bytes).
    @discardableResult
    public func perform(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: ByteBuffer? = nil,
        accepted: Set<Int> = [200, 201, 204, 206], retries: Bool = true, limit: Int = 16 << 20
    ) async throws -> Response {
        let response = try await stream(method, url, headers: headers, body: body, accepted: accepted, retries: retries)
        let collected = try await response.body.collect(upTo: limit)
        return Response(status: Int(response.status.code), headers: response.headers, body: collected)
    }

    /// 1 s, 2 s, 4 s... less up to a second of jitter, so many clients do not retry in step;
    /// the first retry comes within 100 ms, most failures being momentary.
    static func backoff(_ attempt: Int) async throws {
        let milliseconds = attempt == 1 ? 100 : (1000 << (attempt - 2)) - Int.random(in: 0..<1000)
        try await Task.sleep(for: .milliseconds(max(milliseconds, 50)))
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable { let message: String? }
        let error: Detail
    }

    static func error(from response: HTTPClientResponse) async throws -> GCSError {
        let body = (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer()
        let message = (try? JSONDecoder().decode(ErrorBody.self, from: Data(body.readableBytesView)))?.error.message
            ?? String(String(buffer: body).prefix(300))
        return GCSError(status: Int(response.status.code), message: message.isEmpty ? response.status.reasonPhrase : message)
    }
}
