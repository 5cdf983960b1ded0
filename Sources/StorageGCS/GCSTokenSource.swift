import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Access tokens for the JSON API: none for an emulator, a service account's (its signed
/// assertion exchanged at the key's `token_uri`), or the machine's from the metadata server.
/// A token is kept until less than 3 min 45 s of it is left (google-auth's threshold), and
/// one exchange serves every request waiting for it.
public actor GCSTokenSource {
    public enum Kind: Sendable {
        case anonymous
        case serviceAccount(GCSAssertion)
        case metadataServer(URL)
    }

    /// The metadata server of Compute Engine, GKE and Cloud Run.
    public static let metadataServerToken = URL(
        string: "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"
    )!
    static let refreshMargin: Double = 225

    let kind: Kind
    let http: HTTPClient
    let clock: @Sendable () -> Date
    private var current: (token: String, expires: Date)?
    private var pending: Task<(String, Date), any Error>?

    public init(_ kind: Kind, http: HTTPClient, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.kind = kind
        self.http = http
        self.clock = clock
    }

    /// The `Authorization` header's value, or nil when requests go unauthenticated.
    public func authorization() async throws -> String? {
        if case .anonymous = kind { return nil }
        if let current, current.expires.timeIntervalSince(clock()) > Self.refreshMargin { return "Bearer " + current.token }
        let task = pending ?? Task { try await self.fetch() }
        pending = task
        defer { pending = nil }
        let (token, expires) = try await task.value
        current = (token, expires)
        return "Bearer " + token
    }

    /// Forgets the token after the API refused it: only that one (`refused`, the header sent),
    /// not one another request has fetched since.
    public func invalidate(refused: String? = nil) {
        guard let current, refused == nil || refused == "Bearer " + current.token else { return }
        self.current = nil
    }

    private struct TokenAnswer: Decodable {
        let access_token: String
        let expires_in: Double

        enum CodingKeys: String, CodingKey { case access_token, expires_in }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            access_token = try container.decode(String.self, forKey: .access_token)
            // Some endpoints send the lifetime as a string.
            if let seconds = try? container.decode(Double.self, forKey: .expires_in) {
                expires_in = seconds
            } else {
                let text = try container.decode(String.self, forKey: .expires_in)
                guard let seconds = Double(text) else {
                    throw DecodingError.dataCorruptedError(forKey: .expires_in, in: container, debugDescription: "not a number: \(text)")
                }
                expires_in = seconds
            }
        }
    }

    private func fetch() async throws -> (String, Date) {
        var request: HTTPClientRequest
        let now = clock()
        let endpoint: String
        switch kind {
        case .anonymous:
            throw GCSError(status: 0, message: "no credentials")
        case .serviceAccount(let assertion):
            endpoint = assertion.account.tokenURI
            request = HTTPClientRequest(url: endpoint)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: try await assertion.requestBody(now: now)))
        case .metadataServer(let url):
            endpoint = url.absoluteString
            request = HTTPClientRequest(url: endpoint)
            request.headers.add(name: "metadata-flavor", value: "Google")
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .seconds(30))
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw GCSError(status: 0, message: "the token endpoint \(endpoint) did not answer: \(error)")
        }
        guard response.status == .ok else {
            throw GCSError(status: Int(response.status.code), message: "the token endpoint \(endpoint) refused: \(String(buffer: body).prefix(300))")
        }
        let answer: TokenAnswer
        do {
            answer = try JSONDecoder().decode(TokenAnswer.self, from: Data(body.readableBytesView))
        } catch {
            throw GCSError(status: 0, message: "the token endpoint \(endpoint) answered no token: \(error)")
        }
        return (answer.access_token, now.addingTimeInterval(answer.expires_in))
    }
}
