import Foundation
import JWTKit

/// The signed JWT a service account exchanges for an access token (RFC 7523 as Google uses
/// it): RS256 with the key's id as `kid`; `iss` the account, `scope`, `aud` the token
/// endpoint; issued 10 s in the past against clock skew, as Google's Go library does (the one
/// Distribution uses), valid for an hour.
public struct GCSAssertion: Sendable {
    /// The claims Google reads (`exp` and `iat` in seconds since 1970).
    public struct Claims: JWTPayload, Equatable {
        public let iss: String
        public let scope: String
        public let aud: String
        public let iat: Int64
        public let exp: Int64

        public init(iss: String, scope: String, aud: String, iat: Int64, exp: Int64) {
            self.iss = iss
            self.scope = scope
            self.aud = aud
            self.iat = iat
            self.exp = exp
        }

        public func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    let keys: JWTKeyCollection
    let account: GCSServiceAccount

    public init(account: GCSServiceAccount) async throws(GCSConfigurationError) {
        let key: Insecure.RSA.PrivateKey
        do {
            key = try Insecure.RSA.PrivateKey(pem: account.privateKeyPEM)
        } catch {
            throw GCSConfigurationError("the private_key of \(account.clientEmail) is not an RSA key in PEM: \(error)")
        }
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256, kid: account.privateKeyID.map { JWKIdentifier(string: $0) })
        self.keys = keys
        self.account = account
    }

    public static let lifetime: Int64 = 3600

    public func signed(now: Date) async throws -> String {
        let issuedAt = Int64(now.timeIntervalSince1970) - 10
        let claims = Claims(
            iss: account.clientEmail, scope: GCSServiceAccount.scope, aud: account.tokenURI, iat: issuedAt, exp: issuedAt + Self.lifetime
        )
        var header = JWTHeader()
        header.typ = "JWT"
        return try await keys.sign(claims, kid: account.privateKeyID.map { JWKIdentifier(string: $0) }, header: header)
    }

    /// The form body of the token request.
    public func requestBody(now: Date) async throws -> String {
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + (try await signed(now: now))
    }
}
