import JWTKit
import SwiftASN1
import Testing
import WharfTestSupport
import X509
@testable import Auth

@Suite(.timeLimit(.minutes(3))) struct KeyIdentifierTests {
    @Test(arguments: [KeyFixtures.rsa, KeyFixtures.ec, KeyFixtures.ca, KeyFixtures.leaf])
    func identifiersMatchPythonsComputation(_ pair: KeyFixtures.KeyPair) throws {
        let key = try TrustedKey(certificate: try Certificate(pemEncoded: pair.certificatePEM))
        #expect(key.identifiers == [pair.libtrustID, pair.thumbprint])
    }

    @Test func libtrustIDsHaveTwelveGroupsOfFour() {
        let id = KeyFixtures.rsa.libtrustID
        #expect(id.count == 59)
        #expect(id.split(separator: ":").count == 12)
        #expect(id.split(separator: ":").allSatisfy { $0.count == 4 })
    }

    @Test func base32MatchesRFC4648Vectors() {
        #expect(Base32.encode(Array("".utf8)) == "")
        #expect(Base32.encode(Array("f".utf8)) == "MY")
        #expect(Base32.encode(Array("fo".utf8)) == "MZXQ")
        #expect(Base32.encode(Array("foo".utf8)) == "MZXW6")
        #expect(Base32.encode(Array("foob".utf8)) == "MZXW6YQ")
        #expect(Base32.encode(Array("fooba".utf8)) == "MZXW6YTB")
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
    }

    @Test func bundlesAndJWKSNameEveryKey() throws {
        let bundle = KeyFixtures.rsa.certificatePEM + "\n" + KeyFixtures.ec.certificatePEM
        let jwks = #"{"keys":[{"kty":"EC","kid":"my-ec","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#
        let set = try TrustedKeySet(certificateBundlePEM: bundle, jwksJSON: jwks)
        for id in [KeyFixtures.rsa.libtrustID, KeyFixtures.rsa.thumbprint, KeyFixtures.ec.libtrustID, KeyFixtures.ec.thumbprint, "my-ec"] {
            #expect(set.key(for: id) != nil, "\(id)")
        }
        #expect(set.roots.count == 2)
    }

    @Test func badTrustMaterialIsRefusedWithAReason() {
        #expect(throws: TokenAuthError.self) { try TrustedKeySet(certificateBundlePEM: "not pem") }
        #expect(throws: TokenAuthError.self) { try TrustedKeySet(certificateBundlePEM: KeyFixtures.rsa.privateKeyPEM) }
        #expect(throws: TokenAuthError.self) { try TrustedKeySet(certificateBundlePEM: nil, jwksJSON: #"{"keys":[{"kty":"oct","kid":"x","k":"c2VjcmV0"}]}"#) }
        #expect(throws: TokenAuthError.self) { try TrustedKeySet(certificateBundlePEM: nil, jwksJSON: #"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}"#) }
    }
}
