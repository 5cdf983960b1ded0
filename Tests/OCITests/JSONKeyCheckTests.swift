import OCI
import Testing

/// Manifests that Go clients and Wharf would read differently are refused.
@Suite(.timeLimit(.minutes(3))) struct JSONKeyCheckTests {
    static let layer = "sha256:" + String(repeating: "a", count: 64)
    static let other = "sha256:" + String(repeating: "b", count: 64)

    func refused(_ json: String) -> Bool {
        do {
            try JSONKeyCheck.check(Array(json.utf8))
            return false
        } catch {
            return error.code == .manifestInvalid
        }
    }

    @Test func duplicateKeysAreRefusedAtEveryLevel() {
        #expect(refused(#"{"schemaVersion":2,"schemaVersion":2}"#))
        #expect(refused(#"{"layers":[{"digest":"\#(Self.layer)","size":1,"digest":"\#(Self.other)"}]}"#))
        #expect(refused(#"{"annotations":{"a":"1","a":"2"}}"#))
        #expect(refused(#"{"config":{"digest":"x","\u0064igest":"y"}}"#), "escapes decode before comparing")
    }

    @Test func caseVariantsOfFieldsAreRefusedOutsideAnnotations() {
        #expect(refused(#"{"layers":[{"Digest":"\#(Self.other)","digest":"\#(Self.layer)"}]}"#))
        #expect(refused(#"{"MediaType":"x"}"#))
        #expect(refused(#"{"config":{"\u017Fize":1}}"#), "ſ folds to s in Go")
        #expect(!refused(#"{"annotations":{"Digest":"a note","digest":"another"}}"#), "annotation keys are a map")
        #expect(!refused(#"{"layers":[{"x-Unknown":1,"x-unknown":2}]}"#), "unknown keys are ignored by both readers")
    }

    @Test func ordinaryAndMalformedDocumentsPass() {
        let manifest = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(Self.layer)","size":2},
             "layers":[],"annotations":{"org.opencontainers.image.created":"2024-01-01T00:00:00Z","k":"\\"quoted\\" \\ud83d\\ude00"}}
            """
        #expect(!refused(manifest))
        for malformed in ["", "{", #"{"a":}"#, #"{"a" 1}"#, "[1,2", #"{"a":"\u12"}"#, String(repeating: "[", count: 10_000)] {
            #expect(!refused(malformed), "malformed JSON is the decoder's to name: \(malformed.prefix(20))")
        }
    }

    @Test func theParserRefusesADuplicateLayerDigest() {
        let manifest = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(Self.layer)","size":2},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\(Self.layer)","size":2,"digest":"\(Self.other)"}]}
            """
        #expect(throws: RegistryError.self) { try ManifestParser.parse(Array(manifest.utf8), contentType: nil) }
    }
}
