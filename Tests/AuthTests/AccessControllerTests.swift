import JWTKit
import SwiftASN1
import Testing
import WharfTestSupport
@testable import Auth

@Suite(.timeLimit(.minutes(3))) struct AccessControllerTests {
    func controller() throws -> AccessController {
        let verifier = try TokenVerifier(
            policy: .init(issuer: TokenMint.issuer, service: TokenMint.service),
            keys: try TrustedKeySet(certificateBundlePEM: KeyFixtures.rsa.certificatePEM), clock: { TokenMint.now }
        )
        return AccessController(realm: "https://gitlab.example.com/jwt/auth", verifier: verifier)
    }

    func token(_ access: [TokenClaims.Access]) async throws -> String {
        try await TokenMint.rsa(KeyFixtures.rsa, TokenMint.claims(access: access), kid: KeyFixtures.rsa.libtrustID)
    }

    @Test func noTokenGetsAChallengeNamingTheScope() async throws {
        let decision = try await controller().decide(authorization: nil, required: [.repository("group/app", "pull"), .repository("group/app", "push")])
        #expect(decision == .challenge(
            header: #"Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry",scope="repository:group/app:pull,push""#,
            reason: "authentication required"
        ))
        let base = try await controller().decide(authorization: "Basic dXNlcjpwYXNz", required: [])
        #expect(base == .challenge(header: #"Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry""#, reason: "authentication required"))
    }

    @Test func aValidTokenWithTheActionsIsAllowed() async throws {
        let bearer = "Bearer " + (try await token([.init(type: "repository", name: "group/app", actions: ["pull", "push"])]))
        let decision = try await controller().decide(authorization: bearer, required: [.repository("group/app", "pull"), .repository("group/app", "push")])
        #expect(decision.allowedSubject == "alice")
    }

    @Test func aPullTokenCannotPush() async throws {
        let bearer = "Bearer " + (try await token([.init(type: "repository", name: "group/app", actions: ["pull"])]))
        guard case .challenge(let header, let reason) = try await controller().decide(
            authorization: bearer, required: [.repository("group/app", "pull"), .repository("group/app", "push")]
        ) else {
            Issue.record("push was allowed with a pull token")
            return
        }
        #expect(header.hasSuffix(#"error="insufficient_scope""#))
        #expect(reason.contains("repository:group/app:push"))
    }

    @Test func aTokenForOneRepositoryIsNotForAnother() async throws {
        let bearer = "Bearer " + (try await token([.init(type: "repository", name: "group/a", actions: ["pull", "push", "delete"])]))
        let decision = try await controller().decide(authorization: bearer, required: [.repository("group/b", "pull")])
        #expect(decision.allowedSubject != "alice")
        let prefix = try await controller().decide(authorization: bearer, required: [.repository("group/a/sub", "pull")])
        #expect(prefix.allowedSubject != "alice")
    }

    @Test func starGrantsEveryAction() async throws {
        let bearer = "Bearer " + (try await token([.init(type: "repository", name: "group/app", actions: ["*"])]))
        #expect(try await controller().decide(authorization: bearer, required: [.repository("group/app", "delete")]).allowedSubject == "alice")
    }

    @Test func catalogNeedsTheRegistryScope() async throws {
        let repoOnly = "Bearer " + (try await token([.init(type: "repository", name: "group/app", actions: ["*"])]))
        #expect(try await controller().decide(authorization: repoOnly, required: [.catalog]).allowedSubject != "alice")
        let admin = "Bearer " + (try await token([.init(type: "registry", name: "catalog", actions: ["*"])]))
        #expect(try await controller().decide(authorization: admin, required: [.catalog]).allowedSubject == "alice")
    }

    @Test func anInvalidTokenIsChallengedAsInvalid() async throws {
        guard case .challenge(let header, _) = try await controller().decide(authorization: "Bearer not.a.token", required: []) else {
            Issue.record("garbage token allowed")
            return
        }
        #expect(header.hasSuffix(#"error="invalid_token""#))
    }
}

@Suite(.timeLimit(.minutes(3))) struct BearerTokenParsingTests {
    @Test func parsesTheSchemeCaseInsensitivelyAndTrimsSpaces() {
        #expect(AccessController.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(AccessController.bearerToken("bearer   abc ") == "abc")
        #expect(AccessController.bearerToken("BEARER x") == "x")
        #expect(AccessController.bearerToken("Bearer ") == nil)
        #expect(AccessController.bearerToken("Basic abc") == nil)
        #expect(AccessController.bearerToken("Bearerabc") == nil)
        #expect(AccessController.bearerToken("") == nil)
    }
}

extension AccessController.Decision {
    /// The subject of an allowed decision; nil when refused (or anonymous).
    var allowedSubject: String? {
        if case .allowed(let claims) = self { return claims.subject }
        return nil
    }
}
