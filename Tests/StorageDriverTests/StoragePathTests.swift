import StorageDriver
import Testing

@Suite(.timeLimit(.minutes(3))) struct StoragePathTests {
    @Test(arguments: ["/", "/a", "/docker/registry/v2/blobs/sha256/ab/cd/data", "/a-b_c.d/E1"])
    func validPaths(_ path: String) {
        #expect(StoragePath.isValid(path))
    }

    @Test(arguments: ["", "a", "//", "/a/", "/a//b", "/..", "/a/../b", "/./a", "/a b", "/a%2Fb", "/ä"])
    func invalidPaths(_ path: String) {
        #expect(!StoragePath.isValid(path))
    }

    @Test func parentAndJoin() {
        #expect(StoragePath.parent("/a/b/c") == "/a/b")
        #expect(StoragePath.parent("/a") == "/")
        #expect(StoragePath.join("/", "a") == "/a")
        #expect(StoragePath.join("/a", "b") == "/a/b")
    }
}
