import OCI
import Registry
import Testing

@Suite(.timeLimit(.minutes(3))) struct UploadStateTests {
    func append(_ state: inout UploadState, _ text: String) {
        Array(text.utf8).withUnsafeBytes { state.append($0) }
    }

    @Test func freshStateIsEmpty() {
        let state = UploadState(id: "u")
        #expect(state.offset == 0)
        #expect(state.status.rangeHeader == "0-0")
    }

    @Test func appendAdvancesOffsetAndHash() {
        var state = UploadState(id: "u")
        append(&state, "hello ")
        append(&state, "world")
        #expect(state.offset == 11)
        #expect(state.status.rangeHeader == "0-10")
        #expect(state.verify(DigestHasher.digest(Array("hello world".utf8))) == .matches)
    }

    @Test func verifyReportsMismatchAndOtherAlgorithms() {
        var state = UploadState(id: "u")
        append(&state, "abc")
        let wrong = DigestHasher.digest(Array("abd".utf8))
        #expect(state.verify(wrong) == .mismatch(computed: DigestHasher.digest(Array("abc".utf8))))
        #expect(state.verify(DigestHasher.digest(Array("abc".utf8), algorithm: .sha512)) == .rehash(.sha512))
    }

    @Test func chunksMustStartAtTheOffset() throws {
        var state = UploadState(id: "u")
        append(&state, "12345")
        #expect(try state.expectedChunkLength(contentRange: ContentRange(start: 5, end: 9), contentLength: 5) == 5)
        #expect(try state.expectedChunkLength(contentRange: nil, contentLength: 7) == 7)
        #expect(try state.expectedChunkLength(contentRange: nil, contentLength: nil) == nil)
        #expect {
            try state.expectedChunkLength(contentRange: ContentRange(start: 0, end: 4), contentLength: nil)
        } throws: { error in
            (error as? RegistryError)?.status == 416 && (error as? RegistryError)?.detail?.contains("resume at 5") == true
        }
        #expect {
            try state.expectedChunkLength(contentRange: ContentRange(start: 5, end: 9), contentLength: 3)
        } throws: { error in
            (error as? RegistryError)?.code == .rangeInvalid
        }
    }
}
