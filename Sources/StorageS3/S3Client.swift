import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Signed requests to one bucket. Small answers are collected; object bodies stream.
public final class S3Client: Sendable {
    /// One client for the process: its connection pools live as long as the registry does.
    /// A connection takes at most 3 s to open and a read at most 30 s between bytes: an
    /// unresponsive backend fails requests in seconds, not minutes. Up to 64 connections per
    /// endpoint (async-http-client's default of 8 queued concurrent pulls and pushes behind each
    /// other, and a request that waits for a connection longer than the connect timeout fails).
    static let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            timeout: .init(connect: .seconds(3), read: .seconds(30)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        )
    )

    public let location: S3Location
    let signer: SigV4Signer
    /// The longest a request may take, bodies included.
    let deadline: TimeAmount
    /// Fails requests at once while the endpoint is known to be down.
    let circuit = S3Circuit { Date().timeIntervalSince1970 }

    public init(location: S3Location, credentials: S3Credentials, region: String, deadline: TimeAmount = .hours(1)) {
        self.location = location
        self.signer = SigV4Signer(credentials: credentials, region: region)
        self.deadline = deadline
    }

    /// A collected answer.
    public struct Response: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: ByteBuffer

        public var xml: S3XMLElement? { S3XMLElement.parse(Data(body.readableBytesView)) }
    }

    /// Sends a request and returns the streaming answer when its status is a success; throws
    /// `S3Error` (with the server's code) otherwise. A 5xx answer or a dropped connection is
    /// retried, re-signed, after a short backoff, as AWS's SDKs do: S3 asks clients to.
    public func stream(
        _ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [], body: ByteBuffer? = nil
    ) async throws -> HTTPClientResponse {
        var attempt = 1
        let started = ContinuousClock.now
        while true {
            guard circuit.allows() else { throw S3Unreachable(endpoint: location.hostHeader, reason: "it did not answer recently") }
            let response: HTTPClientResponse
            do {
                response = try await send(method, key: key, query: query, headers: headers, body: body)
                circuit.answered()
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as HTTPClientError where error == .getConnectionFromPoolTimeout {
                // Every connection to the endpoint was busy: congestion here, not an outage there.
                guard attempt < Self.attempts else {
                    throw S3Unreachable(endpoint: location.hostHeader, reason: "every connection to it stayed busy (\(error))")
                }
                attempt += 1
                continue
            } catch {
                // No answer at all (refused, reset, timed out): tried again unless the circuit
                // opened — waiting out more timeouts then helps nobody — or the failure already
                // took the connect timeout (async-http-client keeps trying to connect until
                // then), so one request never waits out several of them.
                circuit.unreachable()
                guard attempt < Self.attempts, !circuit.isOpen, ContinuousClock.now - started < Self.retryWindow else {
                    throw S3Unreachable(endpoint: location.hostHeader, reason: "\(error)")
                }
                try await Task.sleep(for: .milliseconds(50 << attempt))
                attempt += 1
                continue
            }
            if Self.retried.contains(Int(response.status.code)), attempt < Self.attempts {
                _ = try? await response.body.collect(upTo: 64 * 1024)
            } else {
                guard (200..<300).contains(Int(response.status.code)) else { throw try await error(from: response, key: key ?? "") }
                return response
            }
            try await Task.sleep(for: .milliseconds(50 << attempt))
            attempt += 1
        }
    }

    static let attempts = 4
    static let retried: Set<Int> = [500, 502, 503, 504]
    /// A request whose attempts found no server for this long is not tried again.
    static let retryWindow: Duration = .seconds(1)

    private func send(
        _ method: HTTPMethod, key: String?, query: [(String, String)], headers: [(String, String)], body: ByteBuffer?
    ) async throws -> HTTPClientResponse {
        let encodedPath = location.encodedPath(for: key)
        let payloadHash = body.map { $0.withUnsafeReadableBytes { SigV4Signer.hex(SHA256.hash(data: $0)) } } ?? SigV4Signer.emptyPayloadHash
        let sent = [("host", location.hostHeader)] + headers
        let signature = signer.sign(
            SigV4Signer.Request(method: method.rawValue, encodedPath: encodedPath, query: query, headers: sent, payloadHash: payloadHash), at: Date()
        )
        let encodedQuery = query.map { SigV4Signer.encode($0.0) + "=" + SigV4Signer.encode($0.1) }.joined(separator: "&")
        var request = HTTPClientRequest(url: location.url(encodedPath: encodedPath, query: encodedQuery))
        request.method = method
        for (name, value) in sent + signature { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        return try await Self.http.execute(request, timeout: deadline)
    }

    /// Sends a request and collects the answer (up to `limit` bytes).
    @discardableResult
    public func perform(
        _ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [], body: ByteBuffer? = nil,
        limit: Int = 16 << 20
    ) async throws -> Response {
        let response = try await stream(method, key: key, query: query, headers: headers, body: body)
        let collected = try await response.body.collect(upTo: limit)
        return Response(status: Int(response.status.code), headers: response.headers, body: collected)
    }

    private func error(from response: HTTPClientResponse, key: String) async throws -> S3Error {
        let body = (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer()
        let xml = S3XMLElement.parse(Data(body.readableBytesView))
        let fallback = response.status.code == 404 ? "NoSuchKey" : response.status.reasonPhrase
        return S3Error(
            status: Int(response.status.code), code: xml?.value("Code") ?? fallback, message: xml?.value("Message") ?? "", key: key
        )
    }

    /// An error carried in the body of a 200 answer (CopyObject, CompleteMultipartUpload).
    static func embeddedError(_ response: Response, key: String) -> S3Error? {
        guard let xml = response.xml, xml.name == "Error" else { return nil }
        return S3Error(status: 500, code: xml.value("Code") ?? "InternalError", message: xml.value("Message") ?? "", key: key)
    }
}
