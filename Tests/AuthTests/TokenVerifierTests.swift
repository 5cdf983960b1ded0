import Foundation
import JWTKit
import SwiftASN1
import Testing
import WharfTestSupport
@testable import Auth

@Suite(.timeLimit(.minutes(3))) struct TokenVerifierTests {
    static let bundle = KeyFixtures.rsa.certificatePEM + "\n" + KeyFixtures.ec.certificatePEM + "\n" + KeyFixtures.ca.certificatePEM
    /// Parsed once: three certificates per test were a visible share of the quick tests' CPU.
    static let trusted = Result { try TrustedKeySet(certificateBundlePEM: bundle) }

    func verifier(now: Int64 = TokenMint.now, algorithms: Set<String> = TokenVerifier.Policy.allAsymmetric) throws -> TokenVerifier {
        try TokenVerifier(
            policy: .init(issuer: TokenMint.issuer, service: TokenMint.service, algorithms: algorithms),
            keys: try Self.trusted.get(), clock: { now }
        )
    }

    func expectRefused(_ token: String, _ fragment: String, verifier: TokenVerifier? = nil) async throws {
        let verifier = try verifier ?? self.verifier()
        do {
            _ = try await verifier.verify(token)
            Issue.record("token was accepted; expected a refusal mentioning \(fragment)")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test func acceptsGitLabsFormatWithALibtrustKid() async throws {
        let token = try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(), kid: KeyFixtures.rsa.libtrustID)
        let claims = try await verifier().verify(token)
        #expect(claims.subject == "alice")
        #expect(claims.access.first?.actions == ["pull", "push"])
    }

    @Test func acceptsDistribution3sThumbprintKid() async throws {
        let token = try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(), kid: KeyFixtures.rsa.thumbprint)
        #expect(try await verifier().verify(token).issuer == TokenMint.issuer)
    }

    @Test func acceptsOtherAsymmetricAlgorithms() async throws {
        let v = try verifier()
        _ = try await v.verify(try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(), kid: KeyFixtures.rsa.libtrustID, digest: .sha512))
        _ = try await v.verify(try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(), kid: KeyFixtures.rsa.libtrustID, pss: true))
        _ = try await v.verify(try await TokenMint.ec(KeyFixtures.ec, TokenMint.claims(), kid: KeyFixtures.ec.libtrustID))
    }

    @Test func acceptsAnX5CChainToATrustedRoot() async throws {
        let token = try await TokenMint.x5c(KeyFixtures.leaf, chain: [KeyFixtures.leaf], TokenMint.claims())
        #expect(try await verifier().verify(token).subject == "alice")
    }

    @Test func acceptsAnAudienceArrayContainingTheService() async throws {
        let claims = TokenMint.claims(audience: .multiple(["other", TokenMint.service]))
        _ = try await verifier().verify(try await TokenMint.rsa(KeyFixtures.rsa, claims, kid: KeyFixtures.rsa.libtrustID))
    }

    @Test func refusesAlgNone() async throws {
        let token = try TokenMint.raw(header: ["alg": "none", "typ": "JWT", "kid": KeyFixtures.rsa.libtrustID], claims: TokenMint.claims())
        try await expectRefused(token, "algorithm none")
    }

    @Test func refusesHS256SignedWithThePublicKey() async throws {
        try await expectRefused(try TokenMint.hmacWithPublicKey(KeyFixtures.rsa, TokenMint.claims(), kid: KeyFixtures.rsa.libtrustID), "HS256")
    }

    @Test func refusesAnUnknownKid() async throws {
        try await expectRefused(try await TokenMint.rsa(KeyFixtures.other, TokenMint.claims(), kid: KeyFixtures.other.libtrustID), "no trusted key")
    }

    @Test func refusesAKeyNamedByTheWrongKid() async throws {
        let forged = try await TokenMint.rsa(KeyFixtures.other, TokenMint.claims(), kid: KeyFixtures.rsa.libtrustID)
        try await expectRefused(forged, "signature")
    }

    @Test func refusesATamperedPayload() async throws {
        let token = try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(), kid: KeyFixtures.rsa.libtrustID)
        let parts = token.split(separator: ".")
        let widened = TokenMint.claims(access: [.init(type: "repository", name: "group/app", actions: ["*"])])
        let payload = KeyIdentifiers.base64URL(try JSONEncoder().encode(widened))
        try await expectRefused("\(parts[0]).\(payload).\(parts[2])", "signature")
    }

    @Test func refusesAMismatchedAlgorithmForTheKey() async throws {
        let token = try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(), kid: KeyFixtures.ec.libtrustID)
        try await expectRefused(token, "does not fit")
    }

    @Test func refusesAlgorithmsOutsideTheConfiguredList() async throws {
        let token = try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(), kid: KeyFixtures.rsa.libtrustID, digest: .sha512)
        try await expectRefused(token, "not accepted", verifier: try verifier(algorithms: ["RS256"]))
    }

    @Test func refusesExpiredTokensPastTheLeeway() async throws {
        let token = try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(expiresIn: 300), kid: KeyFixtures.rsa.libtrustID)
        _ = try await verifier(now: TokenMint.now + 300 + 59).verify(token)
        try await expectRefused(token, "expired", verifier: try verifier(now: TokenMint.now + 300 + 61))
    }

    @Test func refusesTokensNotValidYetPastTheLeeway() async throws {
        let token = try await TokenMint.rsa(
            KeyFixtures.rsa, TokenMint.claims(issuedAt: TokenMint.now, notBefore: TokenMint.now + 120), kid: KeyFixtures.rsa.libtrustID
        )
        try await expectRefused(token, "not valid yet")
        _ = try await verifier(now: TokenMint.now + 61).verify(token)
    }

    @Test func refusesAWrongIssuerOrAudience() async throws {
        try await expectRefused(try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(issuer: "evil"), kid: KeyFixtures.rsa.libtrustID), "issuer")
        try await expectRefused(
            try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(audience: .single("other-registry")), kid: KeyFixtures.rsa.libtrustID),
            "audience"
        )
    }

    @Test func refusesAnX5CChainToAnUntrustedRoot() async throws {
        try await expectRefused(try await TokenMint.x5c(KeyFixtures.other, chain: [KeyFixtures.other], TokenMint.claims()), "trusted root")
    }

    @Test func refusesGarbage() async throws {
        for garbage in ["", "a.b", "a.b.c", "!!!.???.###", "eyJhbGciOiJSUzI1NiJ9.e30"] {
            try await expectRefused(garbage, "invalid token")
        }
    }

    @Test func aCachedTokenStillExpires() async throws {
        let clock = ManualClock(TokenMint.now)
        let v = try TokenVerifier(
            policy: .init(issuer: TokenMint.issuer, service: TokenMint.service),
            keys: try TrustedKeySet(certificateBundlePEM: Self.bundle), clock: { clock.now }
        )
        let token = try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(expiresIn: 300), kid: KeyFixtures.rsa.libtrustID)
        _ = try await v.verify(token)
        _ = try await v.verify(token)
        clock.now = TokenMint.now + 1000
        try await expectRefused(token, "expired", verifier: v)
    }
}

final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ value: Int64) { self.value = value }
    var now: Int64 {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
