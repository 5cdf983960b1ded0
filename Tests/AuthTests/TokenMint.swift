import Crypto
import Foundation
import JWTKit
import WharfTestSupport
@testable import Auth

/// Builds tokens for tests: properly signed ones, and the forged shapes attackers send.
enum TokenMint {
    static let issuer = "gitlab-issuer"
    static let service = "container_registry"
    static let now: Int64 = 1_800_000_000

    static func claims(
        access: [TokenClaims.Access] = [.init(type: "repository", name: "group/app", actions: ["pull", "push"])],
        issuer: String = issuer, audience: Audience = .single(service), issuedAt: Int64 = now,
        expiresIn: Int64 = 300, notBefore: Int64? = nil, subject: String? = "alice"
    ) -> TokenClaims {
        TokenClaims(
            issuer: issuer, subject: subject, audience: audience, expiresAt: issuedAt + expiresIn,
            notBefore: notBefore ?? issuedAt - 5, issuedAt: issuedAt, id: UUID().uuidString, access: access
        )
    }

    static func rsa(_ pair: KeyFixtures.KeyPair, _ claims: TokenClaims, kid: String?, digest: DigestAlgorithm = .sha256, pss: Bool = false)
        async throws -> String
    {
        let keys = JWTKeyCollection()
        let key = try Insecure.RSA.PrivateKey(pem: pair.privateKeyPEM)
        if pss {
            await keys.add(pss: key, digestAlgorithm: digest)
        } else {
            await keys.add(rsa: key, digestAlgorithm: digest)
        }
        var header = JWTHeader()
        header.kid = kid
        return try await keys.sign(claims, header: header)
    }

    static func ec(_ pair: KeyFixtures.KeyPair, _ claims: TokenClaims, kid: String?) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PrivateKey(pem: pair.privateKeyPEM))
        var header = JWTHeader()
        header.kid = kid
        return try await keys.sign(claims, header: header)
    }

    /// RS256 by `signer` with an `x5c` chain of the given certificates (jwt-kit takes them as
    /// PEM and writes base64 DER into the header).
    static func x5c(_ signer: KeyFixtures.KeyPair, chain: [KeyFixtures.KeyPair], _ claims: TokenClaims) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: signer.privateKeyPEM), digestAlgorithm: .sha256)
        var header = JWTHeader()
        header.x5c = chain.map(\.certificatePEM)
        return try await keys.sign(claims, header: header)
    }

    /// A token assembled by hand: any header, any signature bytes.
    static func raw(header: [String: Any], claims: TokenClaims, signature: (Data) -> Data = { _ in Data() }) throws -> String {
        let headerPart = KeyIdentifiers.base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let payloadPart = KeyIdentifiers.base64URL(try JSONEncoder().encode(claims))
        let input = Data("\(headerPart).\(payloadPart)".utf8)
        return "\(headerPart).\(payloadPart).\(KeyIdentifiers.base64URL(signature(input)))"
    }

    /// The classic confusion attack: HS256 keyed with the public certificate's bytes.
    static func hmacWithPublicKey(_ pair: KeyFixtures.KeyPair, _ claims: TokenClaims, kid: String) throws -> String {
        try raw(header: ["alg": "HS256", "typ": "JWT", "kid": kid], claims: claims) { input in
            Data(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: Data(pair.certificatePEM.utf8))))
        }
    }
}

