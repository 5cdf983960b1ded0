import HTTPAPI
import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct RegistryRouteTests {
    static let digest = "sha256:" + String(repeating: "a", count: 64)

    func route(_ path: String) throws -> RegistryRoute? { try RegistryRoute(path: path) }
    func name(_ text: String) throws -> RepositoryName { try RepositoryName(text) }

    @Test func parsesEveryEndpoint() throws {
        let d = try Digest(parsing: Self.digest)
        #expect(try route("/v2/") == .base)
        #expect(try route("/v2") == .base)
        #expect(try route("/v2/_catalog") == .catalog)
        #expect(try route("/v2/a/b/c/tags/list") == .tags(try name("a/b/c")))
        #expect(try route("/v2/a/b/manifests/latest") == .manifest(try name("a/b"), .tag(try Tag("latest"))))
        #expect(try route("/v2/a/manifests/\(Self.digest)") == .manifest(try name("a"), .digest(d)))
        #expect(try route("/v2/a/b/blobs/\(Self.digest)") == .blob(try name("a/b"), d))
        #expect(try route("/v2/a/b/blobs/uploads/") == .uploads(try name("a/b")))
        #expect(try route("/v2/a/b/blobs/uploads") == .uploads(try name("a/b")))
        #expect(try route("/v2/a/blobs/uploads/123-abc") == .upload(try name("a"), id: "123-abc"))
        #expect(try route("/v2/a/referrers/\(Self.digest)") == .referrers(try name("a"), d))
    }

    @Test func namesMayContainEndpointWords() throws {
        #expect(try route("/v2/manifests/tags/list") == .tags(try name("manifests")))
        #expect(try route("/v2/a/blobs/blobs/uploads/") == .uploads(try name("a/blobs")))
        #expect(try route("/v2/tags/list/manifests/v1") == .manifest(try name("tags/list"), .tag(try Tag("v1"))))
        #expect(try route("/v2/uploads/blobs/\(Self.digest)") == .blob(try name("uploads"), try Digest(parsing: Self.digest)))
    }

    @Test func otherPathsAreNotRegistryRoutes() throws {
        #expect(try route("/") == nil)
        #expect(try route("/v2x") == nil)
        #expect(try route("/jwt/auth") == nil)
    }

    @Test func badPartsThrowTheirCode() {
        let cases: [(String, ErrorCode)] = [
            ("/v2/A/tags/list", .nameInvalid),
            ("/v2/a%2Fb/tags/list", .nameInvalid),
            ("/v2//tags/list", .nameInvalid),
            ("/v2/a/blobs/sha256:zz", .digestInvalid),
            ("/v2/a/nothing", .unsupported),
            ("/v2/tags/list", .unsupported),
        ]
        for (path, code) in cases {
            #expect("\(path)") {
                try route(path)
            } throws: { error in
                (error as? RegistryError)?.code == code
            }
        }
    }

    @Test func aManifestReferenceThatIsNeitherTagNorDigestIsKeptWithItsError() throws {
        guard case .invalidManifestReference(let name, let error)? = try route("/v2/a/manifests/-x") else {
            Issue.record("not an invalid manifest reference")
            return
        }
        #expect(name.value == "a")
        #expect(error.code == .tagInvalid)
        guard case .invalidManifestReference(_, let digestError)? = try route("/v2/a/manifests/sha256:zz") else {
            Issue.record("not an invalid manifest reference")
            return
        }
        #expect(digestError.code == .digestInvalid)
    }

    @Test func allowedMethodsFollowDeleteSetting() throws {
        let manifest = try #require(try route("/v2/a/manifests/x"))
        #expect(manifest.allowedMethods(deleteEnabled: true).contains("DELETE"))
        #expect(!manifest.allowedMethods(deleteEnabled: false).contains("DELETE"))
        #expect(try route("/v2/a/blobs/uploads/x")?.allowedMethods(deleteEnabled: false).contains("DELETE") == true)
    }
}
