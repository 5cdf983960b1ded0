import Foundation
import JWTKit
import StorageGCS
import Testing
import WharfTestSupport

/// The service account's signed assertion: Google's header and claims, and a signature the
/// account's public key verifies.
@Suite(.timeLimit(.minutes(3))) struct GCSAssertionTests {
    static let account = GCSServiceAccount(
        clientEmail: "registry@project.iam.gserviceaccount.com", privateKeyPEM: KeyFixtures.rsa.privateKeyPEM, privateKeyID: "key-1"
    )

    /// The JSON of a token's header or payload.
    static func part(_ token: String, _ index: Int) throws -> [String: Any] {
        var text = String(token.split(separator: ".")[index]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        let data = try #require(Data(base64Encoded: text))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theAssertionHasGooglesShapeAndVerifies() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = try await GCSAssertion(account: Self.account).signed(now: now)
        let header = try Self.part(token, 0)
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == "key-1")
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: KeyFixtures.rsa.privateKeyPEM).publicKey, digestAlgorithm: .sha256, kid: "key-1")
        let claims = try await keys.verify(token, as: GCSAssertion.Claims.self)
        #expect(claims == GCSAssertion.Claims(
            iss: "registry@project.iam.gserviceaccount.com", scope: "https://www.googleapis.com/auth/devstorage.read_write",
            aud: "https://oauth2.googleapis.com/token", iat: 1_800_000_000 - 10, exp: 1_800_000_000 - 10 + 3600
        ))
        let body = try await GCSAssertion(account: Self.account).requestBody(now: now)
        #expect(body.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"))
    }

    @Test func keyFilesAreReadAndBadOnesNamed() throws {
        let json = #"{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n","private_key_id":"k","token_uri":"http://127.0.0.1:9/token"}"#
        let account = try GCSServiceAccount(json: Data(json.utf8), source: "key.json")
        #expect(account.clientEmail == "a@b.iam.gserviceaccount.com")
        #expect(account.privateKeyID == "k")
        #expect(account.tokenURI == "http://127.0.0.1:9/token")
        #expect(throws: GCSConfigurationError.self) { try GCSServiceAccount(json: Data("not json".utf8), source: "key.json") }
        #expect(throws: GCSConfigurationError.self) {
            try GCSServiceAccount(json: Data(#"{"type":"authorized_user","client_email":"a","private_key":"PRIVATE KEY"}"#.utf8), source: "key.json")
        }
        #expect(throws: GCSConfigurationError.self) { try GCSServiceAccount(json: Data(#"{"type":"service_account"}"#.utf8), source: "key.json") }
    }

    @Test func aKeyThatIsNotRSAIsRefused() async throws {
        let account = GCSServiceAccount(clientEmail: "a@b", privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", privateKeyID: nil)
        await #expect(throws: GCSConfigurationError.self) { _ = try await GCSAssertion(account: account) }
    }
}
