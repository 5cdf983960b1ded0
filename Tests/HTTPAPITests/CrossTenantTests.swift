import Auth
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Logging
import Metadata
import NIOCore
import OCI
import Registry
import StorageDriver
import Testing
import WharfServer

/// Alice's private repository against Bob, who may push only to `bob/app`: nothing of hers
/// reaches him through what he knows (a digest, an upload id, a subject), only through what
/// he may read.
@Suite(.timeLimit(.minutes(3))) struct CrossTenantTests {
    static let keyPair = TokenAuthEndpointTests.keyPair

    /// Wharf's own identity: alice owns `alice/private`, bob owns `bob/app`, `pub/base` is public.
    static func identity() async throws -> InMemoryIdentityStore {
        let store = InMemoryIdentityStore()
        _ = try await store.createUser(username: "alice", passwordHash: "-", isAdmin: false, now: 0)
        _ = try await store.createUser(username: "bob", passwordHash: "-", isAdmin: false, now: 0)
        _ = try await store.createProject(path: "alice/private", visibility: .private)
        _ = try await store.createProject(path: "bob/app", visibility: .private)
        _ = try await store.createGroup(path: "pub")
        _ = try await store.createProject(path: "pub/base", visibility: .public)
        return store
    }

    static func app(
        identity: InMemoryIdentityStore? = nil, uploadLimit: UploadLimit = UploadLimit(perRepository: 1000, perOwner: 1000)
    ) throws -> some ApplicationProtocol {
        let verifier = try TokenVerifier(
            policy: .init(issuer: "gitlab-issuer", service: "container_registry", acceptsX5C: false),
            keys: try TokenAuthEndpointTests.trustedKeys.get()
        )
        var logger = Logger(label: "wharf-test")
        logger.logLevel = .warning
        let services = RegistryServices(
            driver: InMemoryDriver(), metadata: InMemoryMetadataStore(), options: RegistryOptions(deleteEnabled: true, uploadLimit: uploadLimit), logger: logger
        )
        let authorizer = TokenAuthorizer(
            controller: AccessController(realm: TokenAuthEndpointTests.realm, verifier: verifier),
            identity: identity.map { ScopeGrantor(store: $0) }
        )
        return WharfApplication.build(services: services, authorizer: authorizer, address: .hostname("127.0.0.1", port: 0), logger: logger)
    }

    static func token(_ subject: String, _ access: [(String, [String])]) async throws -> HTTPFields {
        let issuer = try await TokenIssuer(keyPair: keyPair, issuer: "gitlab-issuer", service: "container_registry")
        let claims = access.map { TokenClaims.Access(type: "repository", name: $0.0, actions: $0.1) }
        return [.authorization: "Bearer " + (try await issuer.issue(subject: subject, access: claims).token)]
    }

    static var alice: HTTPFields { get async throws { try await token("alice", [("alice/private", ["pull", "push", "delete"])]) } }
    static var bob: HTTPFields { get async throws { try await token("bob", [("bob/app", ["pull", "push"])]) } }

    static func push(_ client: some TestClientProtocol, _ repository: String, _ content: ByteBuffer, _ headers: HTTPFields) async throws -> Digest {
        let response = try await client.execute(
            uri: "/v2/\(repository)/blobs/uploads/?digest=\(digest(content))", method: .post, headers: headers, body: content
        )
        #expect(response.status == .created)
        return digest(content)
    }

    @Test(arguments: [false, true])
    func anAutomaticMountDoesNotTakeABlobTheCallerCannotRead(withIdentity: Bool) async throws {
        try await Self.app(identity: withIdentity ? try await Self.identity() : nil).test(.router) { client in
            let secret = try await Self.push(client, "alice/private", bytes("alice's secret layer"), try await Self.alice)
            let mount = try await client.execute(uri: "/v2/bob/app/blobs/uploads/?mount=\(secret)", method: .post, headers: try await Self.bob)
            #expect(mount.status == .accepted, "the mount must fall back to an upload")
            #expect(mount.headers[.location]?.contains("/v2/bob/app/blobs/uploads/") == true)
            let get = try await client.execute(uri: "/v2/bob/app/blobs/\(secret)", method: .get, headers: try await Self.bob)
            #expect(get.status == .notFound)
            #expect(errorCode(get) == "BLOB_UNKNOWN")
        }
    }

    @Test func aTokenNamingPullOnTheSourceMountsAutomatically() async throws {
        try await Self.app().test(.router) { client in
            let layer = try await Self.push(client, "alice/private", bytes("shared with bob"), try await Self.alice)
            let both = try await Self.token("bob", [("bob/app", ["pull", "push"]), ("alice/private", ["pull"])])
            let mount = try await client.execute(uri: "/v2/bob/app/blobs/uploads/?mount=\(layer)", method: .post, headers: both)
            #expect(mount.status == .created)
            let get = try await client.execute(uri: "/v2/bob/app/blobs/\(layer)", method: .get, headers: try await Self.bob)
            #expect(get.body == bytes("shared with bob"))
        }
    }

    /// With Wharf's own identity, what the subject may read counts even when the token does not
    /// name it: a public base image mounts, alice's private layer does not.
    @Test func wharfsIdentityLetsPublicBlobsMount() async throws {
        try await Self.app(identity: try await Self.identity()).test(.router) { client in
            let base = try await Self.push(client, "pub/base", bytes("public base layer"), try await Self.token("root", [("pub/base", ["pull", "push"])]))
            let secret = try await Self.push(client, "alice/private", bytes("private layer"), try await Self.alice)
            let publicMount = try await client.execute(uri: "/v2/bob/app/blobs/uploads/?mount=\(base)", method: .post, headers: try await Self.bob)
            #expect(publicMount.status == .created)
            let privateMount = try await client.execute(uri: "/v2/bob/app/blobs/uploads/?mount=\(secret)", method: .post, headers: try await Self.bob)
            #expect(privateMount.status == .accepted)
        }
    }

    @Test func manifestsCannotNameAnotherRepositorysBlobsOrChildren() async throws {
        try await Self.app().test(.router) { client in
            let image = ImageFixture(seed: "alice")
            _ = try await Self.push(client, "alice/private", image.config, try await Self.alice)
            _ = try await Self.push(client, "alice/private", image.layer, try await Self.alice)
            var headers = try await Self.alice
            headers[.contentType] = image.mediaType
            let own = try await client.execute(uri: "/v2/alice/private/manifests/v1", method: .put, headers: headers, body: bytes(image.manifest))
            #expect(own.status == .created)

            headers = try await Self.bob
            headers[.contentType] = image.mediaType
            let borrowed = try await client.execute(uri: "/v2/bob/app/manifests/v1", method: .put, headers: headers, body: bytes(image.manifest))
            #expect(borrowed.status == .badRequest)
            #expect(errorCode(borrowed) == "MANIFEST_BLOB_UNKNOWN")

            let index = """
                {"schemaVersion":2,"mediaType":"\(MediaType.ociIndex)","manifests":[\
                {"mediaType":"\(image.mediaType)","digest":"\(image.manifestDigest)","size":\(image.manifest.utf8.count)}]}
                """
            headers[.contentType] = MediaType.ociIndex
            let childless = try await client.execute(uri: "/v2/bob/app/manifests/multi", method: .put, headers: headers, body: bytes(index))
            #expect(childless.status == .badRequest)
            #expect(errorCode(childless) == "MANIFEST_BLOB_UNKNOWN")
            let byDigest = try await client.execute(uri: "/v2/bob/app/manifests/\(image.manifestDigest)", method: .get, headers: try await Self.bob)
            #expect(byDigest.status == .notFound)
        }
    }

    @Test func referrersTagsCatalogAndUploadsStayInTheirRepository() async throws {
        try await Self.app().test(.router) { client in
            let alice = try await Self.alice
            let image = ImageFixture(seed: "subject")
            _ = try await Self.push(client, "alice/private", image.config, alice)
            _ = try await Self.push(client, "alice/private", image.layer, alice)
            var headers = alice
            headers[.contentType] = image.mediaType
            _ = try await client.execute(uri: "/v2/alice/private/manifests/v1", method: .put, headers: headers, body: bytes(image.manifest))
            let referrer = """
                {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","artifactType":"application/vnd.example.sbom",\
                "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"\(digest("{}"))","size":2},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"\(digest(image.layer))","size":\(image.layer.readableBytes)}],\
                "subject":{"mediaType":"\(image.mediaType)","digest":"\(image.manifestDigest)","size":\(image.manifest.utf8.count)}}
                """
            _ = try await Self.push(client, "alice/private", bytes("{}"), alice)
            let put = try await client.execute(uri: "/v2/alice/private/manifests/\(digest(referrer))", method: .put, headers: headers, body: bytes(referrer))
            #expect(put.status == .created)

            let bob = try await Self.bob
            let referrers = try await client.execute(uri: "/v2/bob/app/referrers/\(image.manifestDigest)", method: .get, headers: bob)
            #expect(referrers.status == .ok)
            #expect(!String(buffer: referrers.body).contains(digest(referrer).description))
            let tags = try await client.execute(uri: "/v2/alice/private/tags/list", method: .get, headers: bob)
            #expect(tags.status == .unauthorized)
            let catalog = try await client.execute(uri: "/v2/_catalog", method: .get, headers: bob)
            #expect(catalog.status == .unauthorized)

            let session = try await client.execute(uri: "/v2/alice/private/blobs/uploads/", method: .post, headers: alice)
            let id = try #require(session.headers[HTTPField.Name("Docker-Upload-UUID")!])
            let hijack = try await client.execute(uri: "/v2/bob/app/blobs/uploads/\(id)", method: .patch, headers: bob, body: bytes("x"))
            #expect(hijack.status == .notFound)
            #expect(errorCode(hijack) == "BLOB_UPLOAD_UNKNOWN")
        }
    }

    /// An upload proves possession by its bytes: bob's own copy of alice's bytes is his, a
    /// claim of her digest over other bytes stores nothing and leaves her blob as it was.
    @Test func anUploadLandingOnAnotherTenantsDigestNeedsItsBytes() async throws {
        try await Self.app().test(.router) { client in
            let content = bytes("alice's layer bytes")
            let layer = try await Self.push(client, "alice/private", content, try await Self.alice)
            let forged = try await client.execute(
                uri: "/v2/bob/app/blobs/uploads/?digest=\(layer)", method: .post, headers: try await Self.bob, body: bytes("other bytes")
            )
            #expect(forged.status == .badRequest)
            #expect(errorCode(forged) == "DIGEST_INVALID")
            let still = try await client.execute(uri: "/v2/alice/private/blobs/\(layer)", method: .get, headers: try await Self.alice)
            #expect(still.body == content)
            let missing = try await client.execute(uri: "/v2/bob/app/blobs/\(layer)", method: .head, headers: try await Self.bob)
            #expect(missing.status == .notFound)
            _ = try await Self.push(client, "bob/app", content, try await Self.bob)
            let own = try await client.execute(uri: "/v2/bob/app/blobs/\(layer)", method: .get, headers: try await Self.bob)
            #expect(own.body == content)
        }
    }

    /// Open sessions are capped per repository and per token subject: 429 past the cap, a
    /// cancelled session frees its place, and one principal's sessions do not block another's.
    @Test func uploadSessionsAreCappedPerRepositoryAndPerPrincipal() async throws {
        try await Self.app(uploadLimit: UploadLimit(perRepository: 2, perOwner: 3)).test(.router) { client in
            let bob = try await Self.token("bob", [("bob/app", ["pull", "push"]), ("bob/two", ["pull", "push"])])
            let first = try await client.execute(uri: "/v2/bob/app/blobs/uploads/", method: .post, headers: bob)
            _ = try await client.execute(uri: "/v2/bob/app/blobs/uploads/", method: .post, headers: bob)
            let third = try await client.execute(uri: "/v2/bob/app/blobs/uploads/", method: .post, headers: bob)
            #expect(third.status == .tooManyRequests)
            #expect(errorCode(third) == "TOOMANYREQUESTS")
            #expect(String(buffer: third.body).contains("limits.uploads"))
            let monolithic = try await client.execute(
                uri: "/v2/bob/app/blobs/uploads/?digest=\(digest("x"))", method: .post, headers: bob, body: bytes("x")
            )
            #expect(monolithic.status == .tooManyRequests, "a monolithic upload opens a session too")

            _ = try await client.execute(uri: "/v2/bob/two/blobs/uploads/", method: .post, headers: bob)
            let fourth = try await client.execute(uri: "/v2/bob/two/blobs/uploads/", method: .post, headers: bob)
            #expect(fourth.status == .tooManyRequests, "bob has 3 open sessions")
            let alice = try await client.execute(uri: "/v2/alice/private/blobs/uploads/", method: .post, headers: try await Self.alice)
            #expect(alice.status == .accepted, "alice is not limited by bob's sessions")

            let location = pathOf(try #require(first.headers[.location]))
            let cancel = try await Self.token("bob", [("bob/app", ["delete"])])
            #expect(try await client.execute(uri: location, method: .delete, headers: cancel).status == .noContent)
            #expect(try await client.execute(uri: "/v2/bob/two/blobs/uploads/", method: .post, headers: bob).status == .accepted)
        }
    }

    /// The reported remote crash, through the whole stack: 401 `invalid_token`, and the server
    /// still answers.
    @Test func theCrashingTokenIsAnInvalidToken() async throws {
        try await Self.app().test(.router) { client in
            let token = "eyJhbGciOiAiUlMyNTYiLCAieDVjIjogWyJBQUFBIl19.eyJleHAiOjFlMzAwfQ.eA"
            let response = try await client.execute(uri: "/v2/", method: .get, headers: [.authorization: "Bearer " + token])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasSuffix(#"error="invalid_token""#) == true)
            let next = try await client.execute(uri: "/v2/", method: .get, headers: try await Self.bob)
            #expect(next.status == .ok)
        }
    }
}
