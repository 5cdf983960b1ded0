import Auth
import Foundation
import Identity
import Testing
import WharfTestSupport

@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct TokenIssuerTests {
    /// A key made by `SigningKeyPair.generate` (under test here), made once and off the
    /// cooperative pool: seconds of CPU in a debug build.
    static let generated = Task { try await CPUWork.run { try SigningKeyPair.generate(bits: 2048) } }

    func decode(_ part: Substring) throws -> [String: Any] {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return try JSONSerialization.jsonObject(with: try #require(Data(base64Encoded: text))) as? [String: Any] ?? [:]
    }

    @Test func tokensHaveGitLabsHeaderAndClaims() async throws {
        let pair = try await Self.generated.value
        let issuer = try await TokenIssuer(keyPair: pair, issuer: "gitlab-issuer", service: "container_registry", lifetime: 300)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let issued = try await issuer.issue(
            subject: "alice", access: [.init(type: "repository", name: "g/app", actions: ["pull"], meta: .init(projectPath: "g/app", projectID: 7, rootNamespaceID: 3))],
            now: now
        )
        let parts = issued.token.split(separator: ".")
        let header = try decode(parts[0])
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == (try pair.keyID()))
        #expect(header["x5c"] == nil)
        let claims = try decode(parts[1])
        #expect(claims["iss"] as? String == "gitlab-issuer")
        #expect(claims["aud"] as? String == "container_registry", "aud is a string: Distribution 2.8 rejects an array")
        #expect(claims["sub"] as? String == "alice")
        #expect(claims["iat"] as? Int == 1_800_000_000)
        #expect(claims["nbf"] as? Int == 1_800_000_000 - 5)
        #expect(claims["exp"] as? Int == 1_800_000_000 + 300)
        #expect((claims["jti"] as? String).flatMap(UUID.init(uuidString:)) != nil)
        let access = try #require((claims["access"] as? [[String: Any]])?.first)
        let meta = try #require(access["meta"] as? [String: Any])
        #expect(meta["project_path"] as? String == "g/app")
        #expect(meta["project_id"] as? Int == 7)
        #expect(meta["root_namespace_id"] as? Int == 3)
        #expect(issued.expiresIn == 300)
    }

    @Test func theRegistryHalfVerifiesWhatTheIssuerSigns() async throws {
        let pair = try await Self.generated.value
        let issuer = try await TokenIssuer(keyPair: pair, issuer: "gitlab-issuer", service: "container_registry")
        let issued = try await issuer.issue(subject: nil, access: [])
        let verifier = try TokenVerifier(
            policy: .init(issuer: "gitlab-issuer", service: "container_registry"),
            keys: try TrustedKeySet(certificateBundlePEM: try pair.certificatePEM())
        )
        let claims = try await verifier.verify(issued.token)
        #expect(claims.subject == nil)
    }

    @Test func keyPairsRoundTripThroughPEMAndRefuseMismatches() async throws {
        let pair = try await Self.generated.value
        let copy = try SigningKeyPair(privateKeyPEM: pair.privateKeyPEM, certificatePEM: try pair.certificatePEM())
        #expect(try copy.keyID() == (try pair.keyID()))
        let other = try SigningKeyPair(privateKeyPEM: KeyFixtures.other.privateKeyPEM, certificatePEM: KeyFixtures.other.certificatePEM)
        #expect(throws: IdentityError.self) {
            try SigningKeyPair(privateKeyPEM: other.privateKeyPEM, certificatePEM: try pair.certificatePEM())
        }
        #expect(throws: IdentityError.self) { try SigningKeyPair.generate(bits: 1024) }
    }
}
