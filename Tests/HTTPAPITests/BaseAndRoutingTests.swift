import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite(.timeLimit(.minutes(3))) struct BaseAndRoutingTests {
    @Test func baseAnswersWithTheAPIVersion() async throws {
        try await TestRegistry.app().test(.router) { client in
            for path in ["/v2/", "/v2"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Docker-Distribution-API-Version")!] == "registry/2.0")
                #expect(String(buffer: response.body) == "{}")
            }
        }
    }

    @Test(arguments: [
        ("/v2/Upper/tags/list", "NAME_INVALID"),
        ("/v2/a%2Fb/tags/list", "NAME_INVALID"),
        ("/v2/a/../b/tags/list", "NAME_INVALID"),
        ("/v2/-a/manifests/latest", "NAME_INVALID"),
        ("/v2/a/manifests/bad:tag", "DIGEST_INVALID"),
        ("/v2/a/manifests/.bad", "TAG_INVALID"),
        ("/v2/a/blobs/sha256:123", "DIGEST_INVALID"),
        ("/v2/a/blobs/md5:d41d8cd98f00b204e9800998ecf8427e", "DIGEST_INVALID"),
        ("/v2/a/referrers/notadigest", "DIGEST_INVALID"),
    ])
    func badPartsOfAPathAreNamed(_ path: String, _ code: String) async throws {
        try await TestRegistry.app().test(.router) { client in
            // A bad manifest reference names no manifest, so GET is 404 MANIFEST_UNKNOWN; a
            // PUT is refused with the reference's own fault.
            let method: HTTPRequest.Method = path.contains("/manifests/") && code != "NAME_INVALID" ? .put : .get
            let response = try await client.execute(uri: path, method: method)
            #expect(response.status == .badRequest)
            #expect(errorCode(response) == code)
        }
    }

    @Test func unknownV2PathsAre404WithAnErrorBody() async throws {
        try await TestRegistry.app().test(.router) { client in
            let response = try await client.execute(uri: "/v2/a/unknown/thing", method: .get)
            #expect(response.status == .notFound)
            #expect(errorCode(response) == "UNSUPPORTED")
        }
    }

    @Test func wrongMethodsAre405WithAllow() async throws {
        try await TestRegistry.app(deleteEnabled: false).test(.router) { client in
            let response = try await client.execute(uri: "/v2/a/tags/list", method: .post)
            #expect(response.status == .methodNotAllowed)
            #expect(errorCode(response) == "UNSUPPORTED")
            #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
        }
    }

    @Test func optionsAnswersAllowWithDeleteWhenEnabled() async throws {
        try await TestRegistry.app(deleteEnabled: true).test(.router) { client in
            let response = try await client.execute(uri: "/v2/g/p/manifests/latest", method: .options)
            #expect(response.status == .ok)
            #expect(response.headers[.allow] == "GET, HEAD, PUT, DELETE, OPTIONS")
        }
        try await TestRegistry.app(deleteEnabled: false).test(.router) { client in
            let response = try await client.execute(uri: "/v2/g/p/manifests/latest", method: .options)
            #expect(response.headers[.allow] == "GET, HEAD, PUT, OPTIONS")
        }
    }

    @Test func pathsOutsideV2AreNotTheRegistrys() async throws {
        try await TestRegistry.app().test(.router) { client in
            let response = try await client.execute(uri: "/v3/", method: .get)
            #expect(response.status == .notFound)
        }
    }
}
