import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCI
import Registry
import Testing

@Suite(.timeLimit(.minutes(3))) struct ManifestEndpointTests {
    static let digestHeader = HTTPField.Name("Docker-Content-Digest")!
    static let subjectHeader = HTTPField.Name("OCI-Subject")!

    /// Go clients read the last of two equal keys, Wharf the first: such a manifest would name
    /// other blobs for the registry than for the client, so it is refused.
    @Test func aManifestWithADuplicateKeyIsRefused() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = ImageFixture(seed: "dup")
            try await client.pushBlob("r", image.config)
            try await client.pushBlob("r", image.layer)
            let twice = image.manifest.replacingOccurrences(
                of: #""digest":"\#(digest(image.layer))""#, with: #""digest":"\#(digest(image.layer))","digest":"\#(digest("elsewhere"))""#
            )
            #expect(twice != image.manifest)
            let response = try await client.putManifest("r", "v1", twice)
            #expect(response.status == .badRequest)
            #expect(errorCode(response) == "MANIFEST_INVALID")
            #expect(String(buffer: response.body).contains("appears twice"))
        }
    }

    /// The conformance suite's `.INVALID_MANIFEST_NAME`: GET and HEAD are 404 `MANIFEST_UNKNOWN`
    /// as in Distribution; a PUT with an invalid tag stays 400 `TAG_INVALID`.
    @Test func aReferenceThatIsNeitherTagNorDigestIsAnUnknownManifest() async throws {
        try await TestRegistry.app().test(.router) { client in
            try await client.pushImage("r", tag: "v1")
            for reference in [".INVALID_MANIFEST_NAME", "-x", "sha256:zz", "sha999:abc"] {
                let get = try await client.execute(uri: "/v2/r/manifests/\(reference)", method: .get)
                #expect(get.status == .notFound, "\(reference)")
                #expect(errorCode(get) == "MANIFEST_UNKNOWN")
                let head = try await client.execute(uri: "/v2/r/manifests/\(reference)", method: .head)
                #expect(head.status == .notFound)
            }
            let put = try await client.putManifest("r", ".INVALID_MANIFEST_NAME", ImageFixture(seed: "image").manifest)
            #expect(put.status == .badRequest)
            #expect(errorCode(put) == "TAG_INVALID")
        }
    }

    /// Spec main: `PUT .../manifests/<digest>?tag=a&tag=b` stores by digest and tags it, with
    /// an `OCI-Tag` header naming each tag set; this is how a sha512 manifest gets tags.
    @Test func tagParametersTagAPushByDigest() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = ImageFixture(seed: "tagged")
            try await client.pushBlob("r", image.config)
            try await client.pushBlob("r", image.layer)
            let sha512 = DigestHasher.digest(Array(image.manifest.utf8), algorithm: .sha512)
            let put = try await client.putManifest("r", "\(sha512)?tag=v1&tag=latest&tag=v1", image.manifest)
            #expect(put.status == .created)
            #expect(put.headers[HTTPField.Name("OCI-Tag")!] == "v1, latest")
            #expect(put.headers[Self.digestHeader] == sha512.description)
            for tag in ["v1", "latest"] {
                let get = try await client.execute(uri: "/v2/r/manifests/\(tag)", method: .get, headers: [.accept: MediaType.ociManifest])
                #expect(get.status == .ok)
                #expect(String(buffer: get.body) == image.manifest)
            }
            let invalid = try await client.putManifest("r", "\(sha512)?tag=ok&tag=-bad", image.manifest)
            #expect(invalid.status == .badRequest)
            #expect(errorCode(invalid) == "TAG_INVALID")
            #expect(try await client.execute(uri: "/v2/r/manifests/ok", method: .head).status == .notFound, "a refused push tags nothing")
            let many = (0...ManifestService.maxTagsPerPush).map { "tag=t\($0)" }.joined(separator: "&")
            let tooMany = try await client.putManifest("r", "\(sha512)?\(many)", image.manifest)
            #expect(tooMany.status.code == 414)
            let byTag = try await client.putManifest("r", "v2?tag=v3", image.manifest)
            #expect(byTag.status == .badRequest, "tag parameters belong to a push by digest")
            let plain = try await client.putManifest("r", image.manifestDigest.description, image.manifest)
            #expect(plain.headers[HTTPField.Name("OCI-Tag")!] == nil)
        }
    }

    /// A client holding the manifest or blob (its ETag) gets 304 and no body.
    @Test func ifNoneMatchAnswers304ForManifestsAndBlobs() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = try await client.pushImage("r", tag: "v1")
            let tag = "\"\(image.manifestDigest)\""
            let get = try await client.execute(uri: "/v2/r/manifests/v1", method: .get, headers: [.accept: MediaType.ociManifest])
            #expect(get.headers[.eTag] == tag)
            for method in [HTTPRequest.Method.get, .head] {
                let cached = try await client.execute(uri: "/v2/r/manifests/v1", method: method, headers: [.ifNoneMatch: tag])
                #expect(cached.status == .notModified)
                #expect(cached.body.readableBytes == 0)
                #expect(cached.headers[.eTag] == tag)
            }
            let changed = try await client.execute(uri: "/v2/r/manifests/v1", method: .get, headers: [.ifNoneMatch: "\"sha256:other\""])
            #expect(changed.status == .ok)
            let layer = digest(image.layer)
            let blob = try await client.execute(uri: "/v2/r/blobs/\(layer)", method: .get, headers: [.ifNoneMatch: "\"\(layer)\""])
            #expect(blob.status == .notModified)
            #expect(blob.body.readableBytes == 0)
            let elsewhere = try await client.execute(uri: "/v2/other/blobs/\(layer)", method: .get, headers: [.ifNoneMatch: "\"\(layer)\""])
            #expect(elsewhere.status == .notFound, "304 only where the blob is linked")
        }
    }

    @Test func pushByTagThenGetByTagAndDigest() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = try await client.pushImage("team/app", tag: "v1")
            let d = image.manifestDigest
            for reference in ["v1", d.description] {
                let get = try await client.execute(uri: "/v2/team/app/manifests/\(reference)", method: .get)
                #expect(get.status == .ok)
                #expect(String(buffer: get.body) == image.manifest)
                #expect(get.headers[.contentType] == MediaType.ociManifest)
                #expect(get.headers[Self.digestHeader] == d.description)
                let head = try await client.execute(uri: "/v2/team/app/manifests/\(reference)", method: .head)
                #expect(head.status == .ok)
                #expect(head.headers[.contentLength] == String(image.manifest.utf8.count))
                #expect(head.body.readableBytes == 0)
            }
        }
    }

    @Test func pushAnswersLocationAndDigest() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = ImageFixture(seed: "loc")
            try await client.pushBlob("r", image.config)
            try await client.pushBlob("r", image.layer)
            let put = try await client.putManifest("r", "latest", image.manifest)
            #expect(put.status == .created)
            #expect(put.headers[.location] == "http://localhost/v2/r/manifests/\(image.manifestDigest)")
            #expect(put.headers[Self.digestHeader] == image.manifestDigest.description)
            let byDigest = try await client.putManifest("r", image.manifestDigest.description, image.manifest)
            #expect(byDigest.status == .created)
        }
    }

    @Test func dockerSchema2AndManifestList() async throws {
        try await TestRegistry.app().test(.router) { client in
            let amd = try await client.pushImage("r", tag: "amd", seed: "amd", docker: true)
            let arm = try await client.pushImage("r", tag: "arm", seed: "arm", docker: true)
            let list = """
                {"schemaVersion":2,"mediaType":"\(MediaType.dockerManifestList)","manifests":[
                {"mediaType":"\(MediaType.dockerManifest)","digest":"\(amd.manifestDigest)","size":\(amd.manifest.utf8.count),"platform":{"architecture":"amd64","os":"linux"}},
                {"mediaType":"\(MediaType.dockerManifest)","digest":"\(arm.manifestDigest)","size":\(arm.manifest.utf8.count),"platform":{"architecture":"arm64","os":"linux"}}]}
                """
            let put = try await client.putManifest("r", "multi", list, contentType: MediaType.dockerManifestList)
            #expect(put.status == .created)
            let get = try await client.execute(uri: "/v2/r/manifests/multi", method: .get, headers: [.accept: MediaType.dockerManifestList])
            #expect(get.headers[.contentType] == MediaType.dockerManifestList)
            #expect(String(buffer: get.body) == list)
        }
    }

    @Test func indexWithAMissingChildIsManifestBlobUnknown() async throws {
        try await TestRegistry.app().test(.router) { client in
            let absent = digest("no such manifest")
            let index = """
                {"schemaVersion":2,"mediaType":"\(MediaType.ociIndex)","manifests":[{"mediaType":"\(MediaType.ociManifest)","digest":"\(absent)","size":10}]}
                """
            let put = try await client.putManifest("r", "idx", index, contentType: MediaType.ociIndex)
            #expect(put.status == .badRequest)
            #expect(errorCode(put) == "MANIFEST_BLOB_UNKNOWN")
            #expect(String(buffer: put.body).contains(absent.description))
        }
    }

    @Test func manifestWithAMissingBlobIsManifestBlobUnknown() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = ImageFixture(seed: "missing layer")
            try await client.pushBlob("r", image.config)
            let put = try await client.putManifest("r", "v1", image.manifest)
            #expect(put.status == .badRequest)
            #expect(errorCode(put) == "MANIFEST_BLOB_UNKNOWN")
            #expect(String(buffer: put.body).contains(digest(image.layer).description))
            #expect(try await client.execute(uri: "/v2/r/manifests/v1", method: .get).status == .notFound)
        }
    }

    @Test func blobsOfAnotherRepositoryDoNotCount() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = ImageFixture(seed: "elsewhere")
            try await client.pushBlob("other", image.config)
            try await client.pushBlob("other", image.layer)
            let put = try await client.putManifest("r", "v1", image.manifest)
            #expect(errorCode(put) == "MANIFEST_BLOB_UNKNOWN")
        }
    }

    @Test(arguments: [
        ("{not json", "MANIFEST_INVALID"),
        (#"{"schemaVersion":1,"fsLayers":[],"name":"r","tag":"v1"}"#, "MANIFEST_INVALID"),
        (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}"#, "MANIFEST_INVALID"),
        (#"{"schemaVersion":2,"mediaType":"text/plain","config":{}}"#, "MANIFEST_INVALID"),
    ])
    func invalidManifestsAreRefused(_ body: String, _ code: String) async throws {
        try await TestRegistry.app().test(.router) { client in
            let put = try await client.putManifest("r", "v1", body)
            #expect(put.status == .badRequest)
            #expect(errorCode(put) == code)
        }
    }

    @Test func schema1IsRefusedWithAClearMessage() async throws {
        try await TestRegistry.app().test(.router) { client in
            let put = try await client.putManifest(
                "r", "v1", #"{"schemaVersion":1,"name":"r","tag":"v1","fsLayers":[]}"#,
                contentType: MediaType.dockerSchema1Signed
            )
            #expect(errorCode(put) == "MANIFEST_INVALID")
            #expect(String(buffer: put.body).contains("schema1"))
        }
    }

    @Test func oversizedManifestIs413() async throws {
        try await TestRegistry.app().test(.router) { client in
            // From bytes: String(repeating:count:) appends a character at a time, a second in a debug build.
            let huge = String(decoding: [UInt8](repeating: 0x20, count: ManifestParser.maxSize + 1), as: UTF8.self)
            let put = try await client.putManifest("r", "v1", huge)
            #expect(put.status == .contentTooLarge)
            #expect(errorCode(put) == "MANIFEST_INVALID")
        }
    }

    @Test func pushByDigestMustMatchTheBody() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = ImageFixture(seed: "d")
            try await client.pushBlob("r", image.config)
            try await client.pushBlob("r", image.layer)
            let put = try await client.putManifest("r", digest("something else").description, image.manifest)
            #expect(put.status == .badRequest)
            #expect(errorCode(put) == "DIGEST_INVALID")
        }
    }

    @Test func mediaTypeComesFromContentTypeWhenTheBodyHasNone() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = ImageFixture(seed: "umoci")
            try await client.pushBlob("r", image.config)
            try await client.pushBlob("r", image.layer)
            let body = image.manifest.replacingOccurrences(of: "\"mediaType\":\"\(MediaType.ociManifest)\",", with: "")
            #expect(!body.contains(MediaType.ociManifest))
            let put = try await client.putManifest("r", "v1", body, contentType: MediaType.ociManifest)
            #expect(put.status == .created)
            let get = try await client.execute(uri: "/v2/r/manifests/v1", method: .get)
            #expect(get.headers[.contentType] == MediaType.ociManifest)
        }
    }

    @Test func unknownManifestAndUnknownRepository() async throws {
        try await TestRegistry.app().test(.router) { client in
            try await client.pushImage("r", tag: "v1")
            let tag = try await client.execute(uri: "/v2/r/manifests/v2", method: .get)
            #expect(tag.status == .notFound)
            #expect(errorCode(tag) == "MANIFEST_UNKNOWN")
            let repository = try await client.execute(uri: "/v2/nothing/manifests/v1", method: .get)
            #expect(repository.status == .notFound)
            #expect(errorCode(repository) == "NAME_UNKNOWN")
        }
    }

    @Test func acceptNegotiation() async throws {
        try await TestRegistry.app().test(.router) { client in
            try await client.pushImage("r", tag: "v1")
            let dockerOnly = try await client.execute(uri: "/v2/r/manifests/v1", method: .get, headers: [.accept: MediaType.dockerManifest])
            #expect(dockerOnly.status == .notFound)
            #expect(errorCode(dockerOnly) == "MANIFEST_UNKNOWN")
            let both = try await client.execute(
                uri: "/v2/r/manifests/v1", method: .get, headers: [.accept: "\(MediaType.dockerManifest), \(MediaType.ociManifest)"]
            )
            #expect(both.status == .ok)
            let wildcard = try await client.execute(uri: "/v2/r/manifests/v1", method: .get, headers: [.accept: "*/*"])
            #expect(wildcard.status == .ok)
        }
    }

    @Test func deleteByTagKeepsTheManifestAndByDigestRemovesItsTags() async throws {
        try await TestRegistry.app(deleteEnabled: true).test(.router) { client in
            let image = try await client.pushImage("r", tag: "v1")
            _ = try await client.putManifest("r", "v2", image.manifest)
            #expect(try await client.execute(uri: "/v2/r/manifests/v1", method: .delete).status == .accepted)
            #expect(try await client.execute(uri: "/v2/r/manifests/v1", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v2/r/manifests/\(image.manifestDigest)", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/v2/r/manifests/v2", method: .get).status == .ok)

            #expect(try await client.execute(uri: "/v2/r/manifests/\(image.manifestDigest)", method: .delete).status == .accepted)
            #expect(try await client.execute(uri: "/v2/r/manifests/\(image.manifestDigest)", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v2/r/manifests/v2", method: .get).status == .notFound)
            let again = try await client.execute(uri: "/v2/r/manifests/\(image.manifestDigest)", method: .delete)
            #expect(errorCode(again) == "MANIFEST_UNKNOWN")
        }
    }

    @Test func deleteIs405WhenDisabled() async throws {
        try await TestRegistry.app(deleteEnabled: false).test(.router) { client in
            try await client.pushImage("r", tag: "v1")
            let response = try await client.execute(uri: "/v2/r/manifests/v1", method: .delete)
            #expect(response.status == .methodNotAllowed)
            #expect(errorCode(response) == "UNSUPPORTED")
            #expect(try await client.execute(uri: "/v2/r/manifests/v1", method: .get).status == .ok)
        }
    }
}
