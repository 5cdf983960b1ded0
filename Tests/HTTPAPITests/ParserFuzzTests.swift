import Auth
import Foundation
@testable import HTTPAPI
import Identity
import OCI
import Registry
import Testing
import WharfTestSupport

/// Bounded fuzzing of every pure parser a request reaches: none may trap, and what they accept
/// keeps its invariants. A crash here is a remote crash of the server.
@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct ParserFuzzTests {
    static let rounds = 4000

    /// Gives the cooperative threads back now and then: these loops are pure CPU, and tests and
    /// in-process servers beside them share two threads.
    static func yield(_ round: Int) async {
        if round % 64 == 0 { await Task.yield() }
    }

    @Test func contentRanges() async {
        var fuzzer = Fuzzer(seed: 1)
        let seeds = ["0-99", "bytes 100-199/*", "bytes=0-0", "5-3", "0-9223372036854775807", "1-9223372036854775806/10"]
        for round in 0..<Self.rounds {
            await Self.yield(round)
            let header = fuzzer.mutate(seeds)
            guard let range = try? ContentRange(parsing: header) else { continue }
            #expect(range.start >= 0 && range.end >= range.start && range.end < .max, "\(header)")
            #expect(range.length >= 1)
        }
        #expect(throws: RegistryError.self) { try ContentRange(parsing: "0-9223372036854775807") }
    }

    @Test func byteRanges() async {
        var fuzzer = Fuzzer(seed: 2)
        let seeds = ["bytes=0-", "bytes=-500", "bytes=10-20", "bytes=0-0,5-9", "bytes=9223372036854775806-9223372036854775807"]
        for round in 0..<Self.rounds {
            await Self.yield(round)
            let header = fuzzer.mutate(seeds)
            let size = fuzzer.size()
            guard let range = try? ByteRangeRequest.resolve(header, size: size) else { continue }
            #expect(range.lowerBound >= 0 && range.lowerBound < range.upperBound && range.upperBound <= size, "\(header) of \(size)")
        }
    }

    @Test func routesDigestsAndReferences() async {
        var fuzzer = Fuzzer(seed: 3)
        let hex = String(repeating: "a", count: 64)
        let seeds = [
            "/v2/", "/v2/_catalog", "/v2/a/b/tags/list", "/v2/a/manifests/latest", "/v2/a/manifests/sha256:\(hex)",
            "/v2/a/blobs/sha256:\(hex)", "/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/0f0e7a52-5b4e-4bb1-9c0b-9f4f1ea2c6d1",
            "/v2/a/referrers/sha256:\(hex)",
        ]
        for round in 0..<Self.rounds {
            await Self.yield(round)
            let path = fuzzer.mutate(seeds)
            if let route = try? RegistryRoute(path: path), let name = route.repository {
                #expect((try? RepositoryName(name.value)) != nil, "\(path)")
            }
            let text = String(path.split(separator: "/").last ?? "")
            if let digest = try? Digest(parsing: text) { #expect(digest.description == text) }
            _ = try? Reference(parsing: text)
            _ = try? Tag(text)
        }
    }

    @Test func manifests() async {
        var fuzzer = Fuzzer(seed: 4)
        let image = ImageFixture(seed: "fuzz")
        let index = """
            {"schemaVersion":2,"mediaType":"\(MediaType.ociIndex)","manifests":[{"mediaType":"\(MediaType.ociManifest)",\
            "digest":"\(image.manifestDigest)","size":7,"platform":{"architecture":"amd64","os":"linux"}}]}
            """
        let seeds = [image.manifest, ImageFixture(seed: "d", docker: true).manifest, index, #"{"schemaVersion":1,"fsLayers":[]}"#]
        for round in 0..<Self.rounds {
            await Self.yield(round)
            let body = fuzzer.mutate(seeds)
            let types: [String?] = [nil, MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, "x/y; charset=\u{0}"]
            _ = try? ManifestParser.parse(Array(body.utf8), contentType: types[fuzzer.below(types.count)])
        }
    }

    @Test func tokenPartsAndCredentials() async throws {
        var fuzzer = Fuzzer(seed: 5)
        let verifier = try TokenVerifier(
            policy: .init(issuer: "gitlab-issuer", service: "container_registry"),
            keys: try TokenAuthEndpointTests.trustedKeys.get()
        )
        let headers = [#"{"alg":"RS256","kid":"x"}"#, #"{"alg":"RS256","x5c":["AAAA"]}"#, #"{"alg":"ES256","typ":"JWT"}"#]
        let payloads = [
            #"{"exp":1e300,"nbf":-1e19,"iat":9223372036854775807}"#,
            #"{"iss":"gitlab-issuer","aud":["container_registry"],"exp":1,"access":[{"type":"repository","name":"a","actions":["*"]}]}"#,
        ]
        for round in 0..<Self.rounds / 4 {
            await Self.yield(round)
            let token = "\(Self.base64URL(fuzzer.mutate(headers))).\(Self.base64URL(fuzzer.mutate(payloads))).\(fuzzer.mutate(["eA", ""]))"
            await #expect(throws: TokenAuthError.self) { try await verifier.verify(token) }
            let authorization = fuzzer.mutate(["Bearer " + token, "bearer  x ", "Basic a"])
            let decision = await AccessController(realm: "r", verifier: verifier).decide(authorization: authorization, required: [])
            if case .allowed = decision { Issue.record("an unsigned token was allowed: \(authorization)") }
        }
        for round in 0..<Self.rounds {
            await Self.yield(round)
            _ = ResourceScope.parseAll([fuzzer.mutate(["repository:a/b:pull,push", "registry:catalog:*", "repository(plugin):h:5000/x:*"])])
            let basic = fuzzer.mutate(["Basic " + Data("alice:secret".utf8).base64EncodedString(), "Basic ", "basic Og=="])
            _ = TokenEndpoint.basicCredentials(basic)
            _ = try? PageRequest(n: fuzzer.mutate(["100", "-1", "1000", "9223372036854775807"]), last: fuzzer.mutate(["a", ""]))
            _ = SendfileDirective(headerValue: fuzzer.mutate(["0 10 /x", "9223372036854775807 9223372036854775807 /x"]))
        }
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
