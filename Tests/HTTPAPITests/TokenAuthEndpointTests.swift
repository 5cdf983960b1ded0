import Auth
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
import WharfTestSupport
import WharfServer

/// The registry behind token auth, with tokens from Wharf's own issuer.
@Suite(.timeLimit(.minutes(3))) struct TokenAuthEndpointTests {
    /// A fixed key: generating one costs seconds of CPU in a debug build, taken from every test beside it.
    static let keyPair = try! SigningKeyPair(privateKeyPEM: KeyFixtures.rsa.privateKeyPEM, certificatePEM: KeyFixtures.rsa.certificatePEM)
    static let realm = "https://gitlab.example.com/jwt/auth"
    /// One trusted set for every suite: parsing the certificate for each application cost
    /// milliseconds apiece in a debug build. (Issuers stay per token: one shared issuer's key
    /// collection is an actor, and every test's signing queued on it.)
    static let trustedKeys = Result { try TrustedKeySet(certificateBundlePEM: try keyPair.certificatePEM()) }

    static func app() throws -> some ApplicationProtocol {
        let verifier = try TokenVerifier(
            policy: .init(issuer: "gitlab-issuer", service: "container_registry"),
            keys: try trustedKeys.get()
        )
        var logger = Logger(label: "wharf-test")
        logger.logLevel = .warning
        let services = RegistryServices(
            driver: InMemoryDriver(), metadata: InMemoryMetadataStore(), options: RegistryOptions(deleteEnabled: true), logger: logger
        )
        return WharfApplication.build(
            services: services, authorizer: TokenAuthorizer(controller: AccessController(realm: realm, verifier: verifier)),
            address: .hostname("127.0.0.1", port: 0), logger: logger
        )
    }

    static func bearer(_ access: [TokenClaims.Access]) async throws -> HTTPFields {
        let issuer = try await TokenIssuer(keyPair: keyPair, issuer: "gitlab-issuer", service: "container_registry")
        return [.authorization: "Bearer " + (try await issuer.issue(subject: "alice", access: access).token)]
    }

    static func repo(_ name: String, _ actions: [String]) -> TokenClaims.Access {
        .init(type: "repository", name: name, actions: actions)
    }

    @Test func theBaseEndpointChallengesWithoutAToken() async throws {
        try await Self.app().test(.router) { client in
            let response = try await client.execute(uri: "/v2/", method: .get)
            #expect(response.status == .unauthorized)
            #expect(errorCode(response) == "UNAUTHORIZED")
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="\#(Self.realm)",service="container_registry""#)
            let withToken = try await client.execute(uri: "/v2/", method: .get, headers: try await Self.bearer([]))
            #expect(withToken.status == .ok)
        }
    }

    @Test func aPushNeedsPullAndPushOnTheRepository() async throws {
        try await Self.app().test(.router) { client in
            let content = bytes("authorised blob")
            let uri = "/v2/group/app/blobs/uploads/?digest=\(digest(content))"
            let anonymous = try await client.execute(uri: uri, method: .post, body: content)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.contains(#"scope="repository:group/app:pull,push""#) == true)

            let pullOnly = try await client.execute(uri: uri, method: .post, headers: try await Self.bearer([Self.repo("group/app", ["pull"])]), body: content)
            #expect(pullOnly.status == .unauthorized)
            #expect(pullOnly.headers[.wwwAuthenticate]?.hasSuffix(#"error="insufficient_scope""#) == true)

            let otherRepo = try await client.execute(uri: uri, method: .post, headers: try await Self.bearer([Self.repo("group/other", ["pull", "push"])]), body: content)
            #expect(otherRepo.status == .unauthorized)

            let allowed = try await client.execute(uri: uri, method: .post, headers: try await Self.bearer([Self.repo("group/app", ["pull", "push"])]), body: content)
            #expect(allowed.status == .created)
            let pull = try await client.execute(uri: "/v2/group/app/blobs/\(digest(content))", method: .get, headers: try await Self.bearer([Self.repo("group/app", ["pull"])]))
            #expect(pull.body == content)
        }
    }

    @Test func aMountNeedsPullOnTheSource() async throws {
        try await Self.app().test(.router) { client in
            let content = bytes("mounted blob")
            let d = digest(content)
            _ = try await client.execute(
                uri: "/v2/group/source/blobs/uploads/?digest=\(d)", method: .post,
                headers: try await Self.bearer([Self.repo("group/source", ["pull", "push"])]), body: content
            )
            let uri = "/v2/group/target/blobs/uploads/?mount=\(d)&from=group/source"
            let targetOnly = try await client.execute(uri: uri, method: .post, headers: try await Self.bearer([Self.repo("group/target", ["pull", "push"])]))
            #expect(targetOnly.status == .unauthorized)
            #expect(targetOnly.headers[.wwwAuthenticate]?.contains("repository:group/source:pull") == true)
            let both = try await client.execute(
                uri: uri, method: .post,
                headers: try await Self.bearer([Self.repo("group/target", ["pull", "push"]), Self.repo("group/source", ["pull"])])
            )
            #expect(both.status == .created)
        }
    }

    @Test func deleteNeedsTheDeleteAction() async throws {
        try await Self.app().test(.router) { client in
            let content = bytes("to delete")
            _ = try await client.execute(
                uri: "/v2/group/app/blobs/uploads/?digest=\(digest(content))", method: .post,
                headers: try await Self.bearer([Self.repo("group/app", ["pull", "push"])]), body: content
            )
            let uri = "/v2/group/app/blobs/\(digest(content))"
            let pushOnly = try await client.execute(uri: uri, method: .delete, headers: try await Self.bearer([Self.repo("group/app", ["pull", "push"])]))
            #expect(pushOnly.status == .unauthorized)
            #expect(pushOnly.headers[.wwwAuthenticate]?.contains("repository:group/app:delete") == true)
            let star = try await client.execute(uri: uri, method: .delete, headers: try await Self.bearer([Self.repo("group/app", ["*"])]))
            #expect(star.status == .accepted)
        }
    }

    @Test func theCatalogNeedsTheRegistryScope() async throws {
        try await Self.app().test(.router) { client in
            let user = try await client.execute(uri: "/v2/_catalog", method: .get, headers: try await Self.bearer([Self.repo("group/app", ["*"])]))
            #expect(user.status == .unauthorized)
            #expect(user.headers[.wwwAuthenticate]?.contains(#"scope="registry:catalog:*""#) == true)
            let admin = try await client.execute(
                uri: "/v2/_catalog", method: .get, headers: try await Self.bearer([.init(type: "registry", name: "catalog", actions: ["*"])])
            )
            #expect(admin.status == .ok)
        }
    }

    @Test func aForgedOrBrokenTokenIsInvalid() async throws {
        try await Self.app().test(.router) { client in
            let response = try await client.execute(uri: "/v2/", method: .get, headers: [.authorization: "Bearer eyJhbGciOiJub25lIn0.e30."])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasSuffix(#"error="invalid_token""#) == true)
            let head = try await client.execute(uri: "/v2/group/app/manifests/latest", method: .head)
            #expect(head.status == .unauthorized)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.wwwAuthenticate] != nil)
        }
    }
}
