import Auth
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Logging
import Metadata
import NIOCore
import Registry
import StorageDriver
import Testing
import WharfServer

/// `GET /jwt/auth` in process, over an in-memory organisation.
@Suite(.timeLimit(.minutes(3))) struct TokenEndpointTests {
    struct Setup {
        let app: any ApplicationProtocol
        let admin: IdentityAdmin
        let devPassword = "dev-password-1"
        let pat: String
        let verifier: TokenVerifier
    }

    static func setup(limiter: LoginRateLimiter = LoginRateLimiter()) async throws -> Setup {
        let store = InMemoryIdentityStore()
        let passwords = PasswordHasher(cost: 4)
        let admin = IdentityAdmin(store: store, passwords: passwords)
        _ = try await admin.createUser(username: "dev", password: "dev-password-1", isAdmin: false)
        _ = try await admin.createUser(username: "root", password: "root-password", isAdmin: true)
        _ = try await admin.createGroup(path: "team")
        _ = try await admin.createProject(path: "team/api", visibility: .private)
        _ = try await admin.createProject(path: "team/docs", visibility: .public)
        try await admin.addMember(username: "dev", to: .group("team"), role: .developer)
        let pat = try await admin.createPersonalAccessToken(username: "dev", name: "ci", scopes: [.readRegistry], expiresInDays: nil)
        let issuer = try await TokenIssuer(keyPair: TokenAuthEndpointTests.keyPair, issuer: "gitlab-issuer", service: "container_registry")
        var logger = Logger(label: "wharf-test")
        logger.logLevel = .critical
        let endpoint = TokenEndpoint(
            authenticator: Authenticator(store: store, passwords: passwords), grantor: ScopeGrantor(store: store), issuer: issuer,
            limiter: limiter, logger: logger
        )
        let services = RegistryServices(driver: InMemoryDriver(), metadata: InMemoryMetadataStore(), options: RegistryOptions(), logger: logger)
        let app = WharfApplication.build(services: services, tokenEndpoint: endpoint, address: .hostname("127.0.0.1", port: 0), logger: logger)
        let verifier = try TokenVerifier(
            policy: .init(issuer: "gitlab-issuer", service: "container_registry"),
            keys: try TokenAuthEndpointTests.trustedKeys.get()
        )
        return Setup(app: app, admin: admin, pat: pat.secret, verifier: verifier)
    }

    static func basic(_ user: String, _ secret: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()]
    }

    struct TokenBody: Decodable {
        let token: String
        let access_token: String
        let expires_in: Int
        let issued_at: String
    }

    func claims(_ response: TestResponse, _ setup: Setup) async throws -> TokenClaims {
        let body = try JSONDecoder().decode(TokenBody.self, from: Data(response.body.readableBytesView))
        #expect(body.token == body.access_token)
        #expect(body.expires_in == 300)
        #expect(ISO8601DateFormatter().date(from: body.issued_at) != nil)
        return try await setup.verifier.verify(body.token)
    }

    @Test func aPasswordLoginGetsTheRolesActions() async throws {
        let setup = try await Self.setup()
        try await setup.app.test(.router) { client in
            let response = try await client.execute(
                uri: "/jwt/auth?service=container_registry&scope=repository:team/api:pull,push,delete&scope=repository:team/other:pull",
                method: .get, headers: Self.basic("dev", setup.devPassword)
            )
            #expect(response.status == .ok)
            let claims = try await claims(response, setup)
            #expect(claims.subject == "dev")
            #expect(claims.access.map(\.name) == ["team/api"])
            #expect(claims.access.first?.actions == ["pull", "push"])
            #expect(claims.access.first?.meta?.projectPath == "team/api")
        }
    }

    @Test func spaceSeparatedScopesAndAPATAreHonoured() async throws {
        let setup = try await Self.setup()
        try await setup.app.test(.router) { client in
            let scope = "repository:team/api:pull,push%20repository:team/docs:pull"
            let response = try await client.execute(
                uri: "/jwt/auth?service=container_registry&scope=\(scope)", method: .get, headers: Self.basic("dev", setup.pat)
            )
            let claims = try await claims(response, setup)
            #expect(claims.access.map { "\($0.name):\($0.actions.joined(separator: ","))" } == ["team/api:pull", "team/docs:pull"])
        }
    }

    /// The reported amplification: 1,500 anonymous scopes cost 294 ms and a 267 KB token.
    @Test func scopesAreMergedAndCapped() async throws {
        let setup = try await Self.setup()
        try await setup.app.test(.router) { client in
            let repeated = Array(repeating: "scope=repository:team/docs:pull,pull", count: 200).joined(separator: "&")
            let merged = try await client.execute(uri: "/jwt/auth?service=container_registry&\(repeated)&scope=repository:team/docs:push", method: .get)
            #expect(merged.status == .ok)
            let claims = try await claims(merged, setup)
            #expect(claims.access.map { "\($0.name):\($0.actions.joined(separator: ","))" } == ["team/docs:pull"], "one entry, each action once")

            let fifty = (0..<50).map { "scope=repository:team/docs/img\($0):pull" }.joined(separator: "&")
            let allowed = try await client.execute(uri: "/jwt/auth?service=container_registry&\(fifty)", method: .get)
            #expect(allowed.status == .ok)
            #expect(try await self.claims(allowed, setup).access.count == 50)

            let many = (0..<1500).map { "scope=repository:team/docs/img\($0):pull" }.joined(separator: "&")
            let refused = try await client.execute(uri: "/jwt/auth?service=container_registry&\(many)", method: .get)
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("at most 50"))
        }
    }

    @Test func anonymousTokensPullPublicProjectsOnly() async throws {
        let setup = try await Self.setup()
        try await setup.app.test(.router) { client in
            let response = try await client.execute(
                uri: "/jwt/auth?service=container_registry&scope=repository:team/docs:pull,push&scope=repository:team/api:pull", method: .get
            )
            let claims = try await claims(response, setup)
            #expect(claims.subject == nil)
            #expect(claims.access.map { "\($0.name):\($0.actions.joined(separator: ","))" } == ["team/docs:pull"])
        }
    }

    @Test func theCatalogScopeIsForAdmins() async throws {
        let setup = try await Self.setup()
        try await setup.app.test(.router) { client in
            let uri = "/jwt/auth?service=container_registry&scope=registry:catalog:*"
            let dev = try await claims(try await client.execute(uri: uri, method: .get, headers: Self.basic("dev", setup.devPassword)), setup)
            #expect(dev.access.isEmpty)
            let root = try await claims(try await client.execute(uri: uri, method: .get, headers: Self.basic("root", "root-password")), setup)
            #expect(root.access.first?.name == "catalog")
        }
    }

    @Test func badCredentialsAreUnauthorizedAndAnUnknownServiceIs404() async throws {
        let setup = try await Self.setup()
        try await setup.app.test(.router) { client in
            let wrong = try await client.execute(uri: "/jwt/auth?service=container_registry", method: .get, headers: Self.basic("dev", "nope"))
            #expect(wrong.status == .unauthorized)
            #expect(errorCode(wrong) == "UNAUTHORIZED")
            #expect(!String(buffer: wrong.body).contains("nope"))
            let garbage = try await client.execute(uri: "/jwt/auth?service=container_registry", method: .get, headers: [.authorization: "Basic !!!"])
            #expect(garbage.status == .unauthorized)
            let service = try await client.execute(uri: "/jwt/auth?service=other", method: .get, headers: Self.basic("dev", setup.devPassword))
            #expect(service.status == .notFound)
        }
    }

    @Test func blockedUsersAndRevokedTokensAreRefused() async throws {
        let setup = try await Self.setup()
        let token = try #require(try await setup.admin.store.personalAccessTokens(userID: nil).first)
        #expect(try await setup.admin.store.revokePersonalAccessToken(id: token.id))
        try await setup.app.test(.router) { client in
            let revoked = try await client.execute(uri: "/jwt/auth?service=container_registry", method: .get, headers: Self.basic("dev", setup.pat))
            #expect(revoked.status == .unauthorized)
        }
        try await setup.admin.setBlocked(username: "dev", true)
        try await setup.app.test(.router) { client in
            let blocked = try await client.execute(uri: "/jwt/auth?service=container_registry", method: .get, headers: Self.basic("dev", setup.devPassword))
            #expect(blocked.status == .unauthorized)
        }
    }

    /// Behind a proxy (the test client's 127.0.0.1 is a trusted one) each client is its
    /// `X-Forwarded-For` address: an attacker guessing root's password is refused, while root
    /// elsewhere and everyone else behind the same proxy log in.
    @Test func failuresLockOutTheFailingClientNotTheNameOrTheProxy() async throws {
        let setup = try await Self.setup(limiter: LoginRateLimiter(maxFailuresPerUser: 3, maxFailuresPerAddress: 5, window: 60))
        try await setup.app.test(.live) { client in
            func login(_ user: String, _ secret: String, from address: String) async throws -> TestResponse {
                var headers = Self.basic(user, secret)
                headers[HTTPField.Name("X-Forwarded-For")!] = "10.9.9.9, \(address)"
                return try await client.execute(uri: "/jwt/auth?service=container_registry", method: .get, headers: headers)
            }
            for _ in 0..<3 {
                #expect(try await login("root", "guess", from: "203.0.113.9").status == .unauthorized)
            }
            let limited = try await login("root", "root-password", from: "203.0.113.9")
            #expect(limited.status == .tooManyRequests)
            #expect(errorCode(limited) == "TOOMANYREQUESTS")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(try await login("root", "root-password", from: "198.51.100.7").status == .ok, "root is not locked out by name")
            #expect(try await login("dev", setup.devPassword, from: "198.51.100.8").status == .ok, "the proxy is not locked out")

            for name in ["a", "b"] { _ = try await login(name, "x", from: "203.0.113.9") }
            let sprayed = try await login("dev", setup.devPassword, from: "203.0.113.9")
            #expect(sprayed.status == .tooManyRequests, "spraying usernames bans the address")
        }
    }

}
