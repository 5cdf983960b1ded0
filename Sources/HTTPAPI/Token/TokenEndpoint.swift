import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Logging
import Metrics
import NIOCore
import OCI

/// `GET /jwt/auth`, as GitLab serves it: Basic credentials (a password, a personal access token
/// or a deploy token) or none for anonymous pulls; `service` must be this registry's; every
/// `scope` parameter (repeated, or space-separated) is granted what the principal may do.
/// Failed logins are rate-limited per client address and per username from it (never per
/// username alone), and logged with the client's address, never the secret.
public struct TokenEndpoint: Sendable {
    let authenticator: Authenticator
    let grantor: ScopeGrantor
    let issuer: TokenIssuer
    let limiter: LoginRateLimiter
    let logger: Logger
    let loginFailures = Counter(label: "wharf_auth_failures_total", dimensions: [("endpoint", "jwt_auth")])
    /// Distinct resources one token may be asked for: a pull or push names one or two, a
    /// mount three; thousands would cost a lookup each and a token of hundreds of kilobytes.
    static let maxScopes = 50
    /// Largest token issued; with `maxScopes` of valid names a token stays well below it.
    static let maxTokenBytes = 64 * 1024

    public init(authenticator: Authenticator, grantor: ScopeGrantor, issuer: TokenIssuer, limiter: LoginRateLimiter, logger: Logger) {
        self.authenticator = authenticator
        self.grantor = grantor
        self.issuer = issuer
        self.limiter = limiter
        self.logger = logger
    }

    private struct TokenResponse: Encodable {
        let token: String
        let accessToken: String
        let expiresIn: Int64
        let issuedAt: String

        enum CodingKeys: String, CodingKey {
            case token, accessToken = "access_token", expiresIn = "expires_in", issuedAt = "issued_at"
        }
    }

    /// `clientAddress` is the real client's (behind a trusted proxy, from `X-Forwarded-For`).
    public func respond(_ request: Request, clientAddress: String?) async throws -> Response {
        let query = request.uri.queryParameters
        guard let service = query["service"].map(String.init), service == issuer.service else {
            throw RegistryFailure(
                RegistryError(.unsupported, detail: "unknown service; this issuer serves \(issuer.service)", status: 404), isRegistryAPI: false
            )
        }
        let now = Date()
        var principal = Principal.anonymous
        if let header = request.headers[.authorization] {
            guard let (username, secret) = Self.basicCredentials(header) else {
                throw Self.unauthorized("the Authorization header is not Basic credentials")
            }
            let address = clientAddress ?? "unknown"
            if let wait = limiter.retryAfter(username: username, address: address, now: now.timeIntervalSince1970) {
                logger.warning("login refused: too many failures", metadata: ["username": "\(username.prefix(64))", "address": "\(address)"])
                throw RegistryFailure(
                    RegistryError(.tooManyRequests, detail: "too many failed logins; retry in \(wait) s"), headers: [.retryAfter: String(wait)], isRegistryAPI: false
                )
            }
            guard let authenticated = try await authenticator.authenticate(username: username, secret: secret, now: now.timeIntervalSince1970)
            else {
                limiter.recordFailure(username: username, address: address, now: now.timeIntervalSince1970)
                loginFailures.increment()
                logger.notice("login failed", metadata: ["username": "\(username.prefix(64))", "address": "\(address)"])
                throw Self.unauthorized("HTTP Basic: Access denied. The username, password or token is wrong, expired, revoked or blocked")
            }
            principal = authenticated
        }
        let scopes = ResourceScope.parseAll(query[values: "scope"].prefix(Self.maxScopes * 4).map(String.init))
        guard scopes.count <= Self.maxScopes else {
            throw RegistryFailure(
                RegistryError(.unsupported, detail: "a token covers at most \(Self.maxScopes) resources; ask for fewer scopes", status: 400), isRegistryAPI: false
            )
        }
        let access = try await grantor.grant(scopes, to: principal)
        let issued = try await issuer.issue(subject: principal.subject, access: access, now: now)
        guard issued.token.utf8.count <= Self.maxTokenBytes else {
            throw RegistryFailure(
                RegistryError(.unsupported, detail: "the token would exceed \(Self.maxTokenBytes) bytes; ask for fewer scopes", status: 400), isRegistryAPI: false
            )
        }
        let body = TokenResponse(
            token: issued.token, accessToken: issued.token, expiresIn: issued.expiresIn,
            issuedAt: issued.issuedAt.formatted(.iso8601)
        )
        return try JSONEncoding.response(body)
    }

    private static func unauthorized(_ detail: String) -> RegistryFailure {
        RegistryFailure(
            RegistryError(.unauthorized, detail: detail), headers: [.wwwAuthenticate: "Basic realm=\"Wharf\""], isRegistryAPI: false
        )
    }

    /// `Basic base64(username:secret)`; the secret may itself contain colons.
    static func basicCredentials(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
