import Auth
import Foundation
import JWTKit

/// Signs registry tokens exactly as GitLab does: RS256, `kid` the libtrust key id, `typ` JWT,
/// claims `jti`, `iat`, `nbf` = iat − 5 s, `exp` = iat + lifetime, `iss`, `aud` as a string
/// (Distribution 2.8 rejects an array), `sub` when not anonymous, and `access`.
public struct TokenIssuer: Sendable {
    public let issuer: String
    public let service: String
    public let lifetime: Int64
    public let keyID: String
    private let keys: JWTKeyCollection

    public init(keyPair: SigningKeyPair, issuer: String, service: String, lifetime: Int64 = 300) async throws {
        self.issuer = issuer
        self.service = service
        self.lifetime = lifetime
        self.keyID = try keyPair.keyID()
        let keys = JWTKeyCollection()
        await keys.add(
            rsa: try JWTKit.Insecure.RSA.PrivateKey(backing: keyPair.privateKey), digestAlgorithm: .sha256,
            kid: JWKIdentifier(string: keyID)
        )
        self.keys = keys
    }

    /// A signed token and the response fields of `/jwt/auth`.
    public struct Issued: Sendable, Equatable {
        public let token: String
        public let expiresIn: Int64
        public let issuedAt: Date
    }

    public func issue(subject: String?, access: [TokenClaims.Access], now: Date = Date()) async throws -> Issued {
        let issuedAt = Int64(now.timeIntervalSince1970)
        let claims = TokenClaims(
            issuer: issuer, subject: subject, audience: .single(service), expiresAt: issuedAt + lifetime,
            notBefore: issuedAt - 5, issuedAt: issuedAt, id: UUID().uuidString, access: access
        )
        var header = JWTHeader()
        header.typ = "JWT"
        let token = try await keys.sign(claims, kid: JWKIdentifier(string: keyID), header: header)
        return Issued(token: token, expiresIn: lifetime, issuedAt: Date(timeIntervalSince1970: Double(issuedAt)))
    }
}
