/// Decides a request from its `Authorization` header and the accesses it needs, and builds
/// the `WWW-Authenticate` challenge that tells a client which token to fetch.
public struct AccessController: Sendable {
    /// The token endpoint clients are sent to; nil when it is derived from each request.
    public let realm: String?
    public let verifier: TokenVerifier

    public init(realm: String?, verifier: TokenVerifier) {
        self.realm = realm
        self.verifier = verifier
    }

    /// The outcome for one request.
    public enum Decision: Sendable, Equatable {
        /// Allowed, with the verified claims (`subject` is nil for anonymous tokens).
        case allowed(TokenClaims)
        /// Refused with 401: the challenge header and a reason for the error body.
        case challenge(header: String, reason: String)
    }

    /// Decides; `requestRealm` is used when no fixed realm is configured.
    public func decide(authorization: String?, required: [ResourceAccess], requestRealm: String = "") async -> Decision {
        let realm = self.realm ?? requestRealm
        guard let authorization, let token = Self.bearerToken(authorization) else {
            return .challenge(header: challenge(required, error: nil, realm: realm), reason: "authentication required")
        }
        let claims: TokenClaims
        do {
            claims = try await verifier.verify(token)
        } catch {
            return .challenge(header: challenge(required, error: "invalid_token", realm: realm), reason: error.description)
        }
        let missing = required.filter { !Self.grants(claims, $0) }
        guard missing.isEmpty else {
            return .challenge(
                header: challenge(required, error: "insufficient_scope", realm: realm),
                reason: "the token does not grant " + missing.map(\.description).joined(separator: ", ")
            )
        }
        return .allowed(claims)
    }

    /// Whether the token's `access` grants `access`: same type and exact name, the action or `*`.
    public static func grants(_ claims: TokenClaims, _ access: ResourceAccess) -> Bool {
        claims.access.contains { entry in
            entry.type == access.type && entry.name == access.name
                && (entry.actions.contains(access.action) || entry.actions.contains("*"))
        }
    }

    /// `Bearer realm="…",service="…"[,scope="…"][,error="…"]`
    public func challenge(_ required: [ResourceAccess], error: String?, realm: String) -> String {
        var header = "Bearer realm=\"\(realm)\",service=\"\(verifier.policy.service)\""
        if !required.isEmpty { header += ",scope=\"\(ResourceAccess.challengeScope(required))\"" }
        if let error { header += ",error=\"\(error)\"" }
        return header
    }

    /// The token of `Bearer <token>`. Plain byte work: this runs on every request, and
    /// Foundation's CharacterSet trimming of a kilobyte token cost a quarter of a manifest GET.
    static func bearerToken(_ authorization: String) -> String? {
        let utf8 = authorization.utf8
        guard utf8.count > 7, utf8.prefix(6).elementsEqual("bearer".utf8, by: { ($0 | 0x20) == $1 }),
            utf8.dropFirst(6).first == UInt8(ascii: " ")
        else { return nil }
        let token = authorization.utf8.dropFirst(7).drop { $0 == UInt8(ascii: " ") }
        let trimmed = token.reversed().drop { $0 == UInt8(ascii: " ") }.count
        let value = String(decoding: token.prefix(trimmed), as: UTF8.self)
        return value.isEmpty ? nil : value
    }
}
