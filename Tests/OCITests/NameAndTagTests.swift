import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct NameAndTagTests {
    @Test(arguments: [
        "a", "library/ubuntu", "team/app/image", "a0/b-c/d.e/f_g/h__i", "a--b", "x/y/z/w/v",
        String(repeating: "a", count: 255),
    ])
    func validNames(_ name: String) throws {
        #expect(try RepositoryName(name).value == name)
    }

    @Test(arguments: [
        "", "A", "Team/app", "a/", "/a", "a//b", "-a", "a-", "a..b", "a._b", "a___b", ".a", "a/../b", "a/./b",
        "a%2Fb", "a b", "a:b", "ä", String(repeating: "a", count: 256),
    ])
    func invalidNames(_ name: String) {
        #expect {
            try RepositoryName(name)
        } throws: { error in
            (error as? RegistryError)?.code == .nameInvalid
        }
    }

    @Test func componentsSplitOnSlash() throws {
        #expect(try RepositoryName("a/b/c").components == ["a", "b", "c"])
    }

    @Test(arguments: ["latest", "v1.0.0", "_x", "A-b_c.d", "0", String(repeating: "t", count: 128)])
    func validTags(_ tag: String) throws {
        #expect(try Tag(tag).value == tag)
    }

    @Test(arguments: ["", ".x", "-x", "a:b", "a/b", "a b", "ä", String(repeating: "t", count: 129)])
    func invalidTags(_ tag: String) {
        #expect {
            try Tag(tag)
        } throws: { error in
            (error as? RegistryError)?.code == .tagInvalid
        }
    }

    @Test func referenceIsADigestWhenItHasAColon() throws {
        #expect(try Reference(parsing: "latest") == .tag(try Tag("latest")))
        let digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(try Reference(parsing: digest) == .digest(try Digest(parsing: digest)))
        #expect(throws: RegistryError.self) { try Reference(parsing: "sha256:short") }
    }

    @Test func mediaTypeEssenceAndValidity() {
        #expect(MediaType.essence("Application/JSON; charset=utf-8") == "application/json")
        #expect(MediaType.isValid("application/vnd.oci.image.manifest.v1+json"))
        #expect(!MediaType.isValid("application"))
        #expect(!MediaType.isValid("a/b/c"))
        #expect(!MediaType.isValid("/json"))
    }

    @Test func errorCodesCarryTheSpecStatusAndMessage() {
        #expect(ErrorCode.blobUnknown.status == 404)
        #expect(ErrorCode.manifestBlobUnknown.status == 400)
        #expect(ErrorCode.unsupported.status == 405)
        #expect(ErrorCode.rangeInvalid.status == 416)
        #expect(ErrorCode.tooManyRequests.status == 429)
        #expect(RegistryError(.manifestInvalid, status: 413).status == 413)
        #expect(RegistryError(.nameUnknown).message == "repository name not known to registry")
    }
}
