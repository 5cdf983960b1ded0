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
        /// Whether `x5c` chains to the root certificates are accepted. An issuer configured by
        /// its root bundle may sign with x5c (Distribution accepts it); Wharf's own issuer never
        /// does, so its registry refuses x5c outright.
        public var acceptsX5C: Bool

        public static let allAsymmetric: Set<String> = [
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
        ]

        public init(
            issuer: String, service: String, algorithms: Set<String> = Policy.allAsymmetric, leeway: Int64 = 60,
            acceptsX5C: Bool = true
        ) {
            self.issuer = issuer
            self.service = service
            self.algorithms = algorithms.intersection(Self.allAsymmetric)
            self.leeway = leeway
            self.acceptsX5C = acceptsX5C
        }
    }

    public let policy: Policy
    let keys: TrustedKeySet
    private let x5c: X5CTrust?
    private let collections = NIOLockedValueBox<[String: JWTKeyCollection]>([:])
    private let cache: VerifiedTokenCache
    private let clock: @Sendable () -> Int64

    public init(
        policy: Policy, keys: TrustedKeySet, cacheSize: Int = 10_000,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws {
        self.policy = policy
        self.keys = keys
        self.x5c = keys.roots.isEmpty || !policy.acceptsX5C ? nil : X5CTrust(roots: keys.roots)
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

    /// The signature is checked before the payload is decoded, on every path.
    private func verifySignature(_ token: String) async throws(TokenAuthError) -> TokenClaims {
        let header = try TokenHeader(token: token)
        guard policy.algorithms.contains(header.alg) else {
            throw .invalidToken("algorithm \(header.alg.prefix(16)) is not accepted")
        }
        let keys: JWTKeyCollection
        if let chain = header.x5c {
            guard let x5c else { throw .invalidToken("x5c chains are not accepted by this registry") }
            let key = try await x5c.leafKey(chain)
            guard key.algorithms.contains(header.alg) else { throw .invalidToken("algorithm \(header.alg) does not fit the x5c key") }
            keys = try await Self.collection(key, algorithm: header.alg)
        } else {
            guard let kid = header.kid else { throw .invalidToken("the token names no key (no kid, no x5c)") }
            guard let key = self.keys.key(for: kid) else { throw .invalidToken("no trusted key has kid \(kid.prefix(80))") }
            guard key.algorithms.contains(header.alg) else {
                throw .invalidToken("algorithm \(header.alg) does not fit the key named by kid")
            }
            keys = try await collection(key, kid: kid, algorithm: header.alg)
        }
        do {
            return try await keys.verify(token, as: TokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .invalidToken("the signature does not verify")
        } catch {
            throw .invalidToken("the signature verifies but the claims cannot be read")
        }
    }

    private static func collection(_ key: TrustedKey, algorithm: String) async throws(TokenAuthError) -> JWTKeyCollection {
        do {
            return try await key.collection(for: algorithm)
        } catch {
            throw .invalidToken("algorithm \(algorithm) does not fit the key")
        }
    }

    private func collection(_ key: TrustedKey, kid: String, algorithm: String) async throws(TokenAuthError) -> JWTKeyCollection {
        let name = kid + "|" + algorithm
        if let cached = collections.withLockedValue({ $0[name] }) { return cached }
        let made = try await Self.collection(key, algorithm: algorithm)
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
        guard claims.expiresAt != nil else { throw .invalidToken("the token has no expiry") }
        guard !TokenLifetime.isExpired(claims, now: now, leeway: policy.leeway) else { throw .invalidToken("the token expired") }
        guard !TokenLifetime.isNotYetValid(claims, now: now, leeway: policy.leeway) else {
            throw .invalidToken("the token is not valid yet")
        }
    }
}
