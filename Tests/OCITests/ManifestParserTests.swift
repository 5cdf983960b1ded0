import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct ManifestParserTests {
    static let d1 = "sha256:" + String(repeating: "1", count: 64)
    static let d2 = "sha256:" + String(repeating: "2", count: 64)
    static let d3 = "sha256:" + String(repeating: "3", count: 64)

    static func image(mediaType: String? = MediaType.ociManifest, extra: String = "") -> String {
        let type = mediaType.map { "\"mediaType\": \"\($0)\"," } ?? ""
        return """
            {"schemaVersion": 2, \(type)
             "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "\(d1)", "size": 7},
             "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "\(d2)", "size": 32654},
                        {"mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar", "digest": "\(d3)",
                         "size": 1, "urls": ["https://example.com/layer"]}]\(extra)}
            """
    }

    func parse(_ text: String, contentType: String? = nil) throws -> ParsedManifest {
        try ManifestParser.parse(Array(text.utf8), contentType: contentType)
    }

    func expectInvalid(_ text: String, contentType: String? = nil, mentioning fragment: String) {
        #expect {
            try parse(text, contentType: contentType)
        } throws: { error in
            guard let error = error as? RegistryError, error.code == .manifestInvalid else { return false }
            return error.detail?.contains(fragment) == true
        }
    }

    @Test func parsesAnOCIImageManifest() throws {
        let manifest = try parse(Self.image())
        #expect(manifest.kind == .image)
        #expect(manifest.mediaType == MediaType.ociManifest)
        #expect(manifest.config?.size == 7)
        #expect(manifest.layers.count == 2)
        #expect(manifest.requiredBlobs.map(\.digest.description) == [Self.d1, Self.d2])
        #expect(manifest.effectiveArtifactType == "application/vnd.oci.image.config.v1+json")
    }

    @Test func takesTheTypeFromContentTypeWhenTheBodyHasNone() throws {
        let manifest = try parse(Self.image(mediaType: nil), contentType: MediaType.ociManifest + "; charset=utf-8")
        #expect(manifest.mediaType == MediaType.ociManifest)
    }

    @Test func infersOCITypesFromShapeWithoutAnyType() throws {
        #expect(try parse(Self.image(mediaType: nil)).mediaType == MediaType.ociManifest)
        #expect(try parse(#"{"schemaVersion":2,"manifests":[]}"#).mediaType == MediaType.ociIndex)
    }

    @Test func parsesIndexAndManifestList() throws {
        let index = """
            {"schemaVersion": 2, "mediaType": "\(MediaType.dockerManifestList)", "manifests": [
              {"mediaType": "\(MediaType.dockerManifest)", "digest": "\(Self.d1)", "size": 528,
               "platform": {"architecture": "amd64", "os": "linux"}}]}
            """
        let manifest = try parse(index)
        #expect(manifest.kind == .index)
        #expect(manifest.manifests.first?.platform?.architecture == "amd64")
        #expect(manifest.requiredBlobs.isEmpty)
    }

    @Test func parsesAnArtifactWithSubject() throws {
        let artifact = """
            {"schemaVersion": 2, "mediaType": "\(MediaType.ociManifest)", "artifactType": "application/vnd.example+type",
             "config": {"mediaType": "\(MediaType.ociEmptyJSON)", "digest": "\(Self.d1)", "size": 2, "data": "e30="},
             "layers": [], "subject": {"mediaType": "\(MediaType.ociManifest)", "digest": "\(Self.d3)", "size": 100},
             "annotations": {"org.opencontainers.image.created": "2026-01-01T00:00:00Z"}}
            """
        let manifest = try parse(artifact)
        #expect(manifest.effectiveArtifactType == "application/vnd.example+type")
        #expect(manifest.subject?.digest.description == Self.d3)
        #expect(manifest.annotations?["org.opencontainers.image.created"] != nil)
    }

    @Test func refusesSchema1() {
        expectInvalid(#"{"schemaVersion":1,"name":"a","tag":"b","fsLayers":[]}"#, mentioning: "schema1")
        expectInvalid(Self.image(mediaType: nil), contentType: MediaType.dockerSchema1Signed, mentioning: "schema1")
    }

    @Test func refusesMalformedManifests() {
        expectInvalid("not json", mentioning: "JSON")
        expectInvalid("[]", mentioning: "JSON")
        expectInvalid(#"{"schemaVersion":3,"config":{}}"#, mentioning: "schemaVersion")
        expectInvalid(#"{"schemaVersion":"2"}"#, mentioning: "schemaVersion")
        expectInvalid(#"{"schemaVersion":2,"mediaType":"application/x-foo","layers":[]}"#, mentioning: "unsupported")
        expectInvalid(#"{"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","layers":[]}"#, mentioning: "config")
        expectInvalid(Self.image(extra: #", "manifests": []"#), mentioning: "must not have a manifests")
        expectInvalid(
            #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","manifests":[],"layers":[]}"#,
            mentioning: "must not have config or layers"
        )
        expectInvalid(Self.image().replacingOccurrences(of: "\"size\": 7", with: "\"size\": -7"), mentioning: "config")
        expectInvalid(Self.image().replacingOccurrences(of: Self.d1, with: "sha256:xyz"), mentioning: "config")
        expectInvalid(Self.image(), contentType: MediaType.ociIndex, mentioning: "does not match Content-Type")
        expectInvalid(Self.image(mediaType: nil), contentType: MediaType.dockerManifest, mentioning: "must carry mediaType")
        expectInvalid(#"{"schemaVersion":2}"#, mentioning: "cannot tell")
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
