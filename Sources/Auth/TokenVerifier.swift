import Crypto
import Foundation
import JWTKit
import NIOConcurrencyHelpers
import X509

/// Verifies registry tokens as Distribution does, and somewhat stricter: an allowed asymmetric
/// algorithm only, a key found by `x5c` chained to the bundle, by libtrust id, by RFC 7638
/// thumbprint or by JWKS `kid`; `iss` exact; `aud` containing the service; `exp`/`nbf` within
/// the leeway. Verified tokens are remembered until they expire, so a client reusing its token
/// pays for the signature once.
public final class TokenVerifier: Sendable {
    public struct Policy: Sendable {
        public var issuer: String
        public var service: String
        public var algorithms: Set<String>
        /// Seconds of clock skew tolerated on `exp` and `nbf`.
        public var leeway: Int64

        public static let allAsymmetric: Set<String> = [
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
        ]

        public init(issuer: String, service: String, algorithms: Set<String> = Policy.allAsymmetric, leeway: Int64 = 60) {
            self.issuer = issuer
            self.service = service
            self.algorithms = algorithms.intersection(Self.allAsymmetric)
            self.leeway = leeway
        }
    }

    public let policy: Policy
    let keys: TrustedKeySet
    private let x5c: X5CVerifier?
    private let collections = NIOLockedValueBox<[String: JWTKeyCollection]>([:])
    private let cache: VerifiedTokenCache
    private let clock: @Sendable () -> Int64

    public init(
        policy: Policy, keys: TrustedKeySet, cacheSize: Int = 10_000,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws {
        self.policy = policy
        self.keys = keys
        self.x5c = keys.roots.isEmpty ? nil : try X5CVerifier(rootCertificates: keys.roots)
        self.cache = VerifiedTokenCache(capacity: cacheSize)
        self.clock = clock
    }

    public func verify(_ token: String) async throws(TokenAuthError) -> TokenClaims {
        let now = clock()
        let fingerprint = Array(SHA256.hash(data: Array(token.utf8)))
        if let claims = cache.get(fingerprint, now: now, leeway: policy.leeway) { return claims }
        let claims = try await verifySignature(token)
        try check(claims, now: now)
        cache.put(fingerprint, claims, now: now)
        return claims
    }

    private func verifySignature(_ token: String) async throws(TokenAuthError) -> TokenClaims {
        let header = try TokenHeader(token: token)
        guard policy.algorithms.contains(header.alg) else {
            throw .invalidToken("algorithm \(header.alg) is not accepted")
        }
        do {
            if let chain = header.x5c, !chain.isEmpty {
                guard let x5c else { throw TokenAuthError.invalidToken("x5c given but no root certificates are trusted") }
                return try await x5c.verifyJWS(token, as: TokenClaims.self)
            }
            guard let kid = header.kid else { throw TokenAuthError.invalidToken("the token names no key (no kid, no x5c)") }
            guard let key = keys.key(for: kid) else { throw TokenAuthError.invalidToken("no trusted key has kid \(kid)") }
            guard key.algorithms.contains(header.alg) else {
                throw TokenAuthError.invalidToken("algorithm \(header.alg) does not fit the key named by kid")
            }
            return try await collection(key, kid: kid, algorithm: header.alg).verify(token, as: TokenClaims.self)
        } catch let error as TokenAuthError {
            throw error
        } catch {
            throw .invalidToken("signature or format rejected (\(error))")
        }
    }

    private func collection(_ key: TrustedKey, kid: String, algorithm: String) async throws -> JWTKeyCollection {
        let name = kid + "|" + algorithm
        if let cached = collections.withLockedValue({ $0[name] }) { return cached }
        let made = try await key.collection(for: algorithm)
        collections.withLockedValue { $0[name] = made }
        return made
    }

    private func check(_ claims: TokenClaims, now: Int64) throws(TokenAuthError) {
        guard claims.issuer == policy.issuer else {
            throw .invalidToken("issuer \(claims.issuer ?? "(none)") is not \(policy.issuer)")
        }
        guard claims.audience?.values.contains(policy.service) == true else {
            throw .invalidToken("audience does not include \(policy.service)")
        }
        guard let expiry = claims.expiresAt else { throw .invalidToken("the token has no expiry") }
        guard now <= expiry + policy.leeway else { throw .invalidToken("the token expired") }
        if let notBefore = claims.notBefore, now + policy.leeway < notBefore {
            throw .invalidToken("the token is not valid yet")
        }
    }
}
