import CryptoExtras
import Foundation
import JWTKit
import Testing
import WharfTestSupport
@testable import Auth

/// Tokens built to crash or confuse the verifier: dates outside `Int64`, dates at its edges,
/// `x5c` junk where no chain is trusted. Each must end in `invalid token` (or, when validly
/// signed, a decision), never a trap.
@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct HostileTokenTests {
    func verifier(acceptsX5C: Bool = true) throws -> TokenVerifier {
        try TokenVerifier(
            policy: .init(issuer: TokenMint.issuer, service: TokenMint.service, acceptsX5C: acceptsX5C),
            keys: try TrustedKeySet(certificateBundlePEM: TokenVerifierTests.bundle + "\n" + KeyFixtures.ca.certificatePEM),
            clock: { TokenMint.now }
        )
    }

    static func part(_ json: String) -> String { KeyIdentifiers.base64URL(Data(json.utf8)) }

    func expectInvalid(_ token: String, verifier: TokenVerifier? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let verifier = try verifier ?? self.verifier()
        do {
            let claims = try await verifier.verify(token)
            Issue.record("accepted: \(claims)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.hasPrefix("invalid token"), "\(error)", sourceLocation: sourceLocation)
        }
    }

    /// The reported crash: an unsigned token whose `exp` is 1e300, behind a junk `x5c`.
    @Test func theReportedTokenIsRefused() async throws {
        let token = "eyJhbGciOiAiUlMyNTYiLCAieDVjIjogWyJBQUFBIl19.eyJleHAiOjFlMzAwfQ.eA"
        try await expectInvalid(token)
        try await expectInvalid(token, verifier: try verifier(acceptsX5C: false))
    }

    @Test(arguments: ["exp", "nbf", "iat"], ["1e300", "-1e300", "1e19", "-1e19", "9223372036854775808", "1.7976931348623157e308"])
    func datesOutsideInt64AreRefusedOnEveryPath(claim: String, value: String) async throws {
        let expiry = claim == "exp" ? "" : #","exp":1800000300"#
        let payload = Self.part(#"{"iss":"gitlab-issuer","aud":"container_registry"\#(expiry),"\#(claim)":\#(value)}"#)
        let headers = [
            #"{"alg":"RS256","x5c":["AAAA"]}"#,
            #"{"alg":"RS256","kid":"\#(KeyFixtures.rsa.libtrustID)"}"#,
            #"{"alg":"RS256"}"#,
        ]
        for header in headers {
            try await expectInvalid("\(Self.part(header)).\(payload).eA")
        }
        // Signed properly too: the signature holds, the payload must still not decode.
        let signed = try await Self.signRaw(payload: payload)
        try await expectInvalid(signed)
    }

    /// A validly signed token at `Int64`'s edges: no overflow in `exp + leeway`, `now + leeway`,
    /// or in the cache, which checks the same sums again on the second use.
    @Test func validlySignedEdgeDatesDecideWithoutOverflow() async throws {
        let v = try verifier()
        let forever = TokenClaims(
            issuer: TokenMint.issuer, subject: "alice", audience: .single(TokenMint.service), expiresAt: .max, notBefore: .min,
            issuedAt: .min, id: "edge", access: []
        )
        let token = try await TokenMint.rsa(KeyFixtures.rsa, forever, kid: KeyFixtures.rsa.libtrustID)
        #expect(try await v.verify(token).expiresAt == .max)
        #expect(try await v.verify(token).expiresAt == .max)

        let never = TokenClaims(
            issuer: TokenMint.issuer, subject: "alice", audience: .single(TokenMint.service), expiresAt: .min, notBefore: .max,
            issuedAt: .max, id: "edge2", access: []
        )
        try await expectInvalid(try await TokenMint.rsa(KeyFixtures.rsa, never, kid: KeyFixtures.rsa.libtrustID), verifier: v)
        let late = TokenClaims(
            issuer: TokenMint.issuer, subject: "alice", audience: .single(TokenMint.service), expiresAt: .max, notBefore: .max,
            issuedAt: .max, id: "edge3", access: []
        )
        try await expectInvalid(try await TokenMint.rsa(KeyFixtures.rsa, late, kid: KeyFixtures.rsa.libtrustID), verifier: v)
    }

    /// A registry that trusts only its own issuer never needs x5c, so it refuses even a chain
    /// that leads to a root it holds.
    @Test func x5cIsRefusedWhenThePolicyDoesNotAskForIt() async throws {
        let token = try await TokenMint.x5c(KeyFixtures.leaf, chain: [KeyFixtures.leaf], TokenMint.claims())
        #expect(try await verifier().verify(token).subject == "alice")
        try await expectInvalid(token, verifier: try verifier(acceptsX5C: false))
    }

    @Test func x5cJunkIsRefused() async throws {
        let payload = Self.part(#"{"iss":"gitlab-issuer","aud":"container_registry","exp":1800000300}"#)
        let many = Array(repeating: "\"AAAA\"", count: 50).joined(separator: ",")
        for x5c in ["[]", #"["AAAA"]"#, #"["!!"]"#, "[\(many)]", #"["\#(String(decoding: [UInt8](repeating: UInt8(ascii: "A"), count: 40_000), as: UTF8.self))"]"#] {
            try await expectInvalid("\(Self.part(#"{"alg":"RS256","x5c":\#(x5c)}"#)).\(payload).eA")
        }
    }

    /// RS256 over an arbitrary payload part with the trusted RSA key.
    static func signRaw(payload: String) async throws -> String {
        let header = part(#"{"alg":"RS256","kid":"\#(KeyFixtures.rsa.libtrustID)"}"#)
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: KeyFixtures.rsa.privateKeyPEM)
        let signature = try key.signature(for: Data("\(header).\(payload)".utf8), padding: .insecurePKCS1v1_5)
        return "\(header).\(payload).\(KeyIdentifiers.base64URL(signature.rawRepresentation))"
    }
}
