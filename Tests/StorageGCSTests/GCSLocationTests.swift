import StorageDriver
import StorageGCS
import Testing

/// Object names and the JSON API's URLs.
@Suite(.timeLimit(.minutes(3))) struct GCSLocationTests {
    @Test func namesEncodeEveryByteButTheUnreserved() {
        #expect(GCSLocation.encoded("docker/registry/v2/blobs") == "docker%2Fregistry%2Fv2%2Fblobs")
        #expect(GCSLocation.encoded("a b+c~d_e.f-g") == "a%20b%2Bc~d_e.f-g")
        #expect(GCSLocation.encoded("é") == "%C3%A9")
    }

    @Test func pathsMapToNamesUnderTheRootDirectory() throws {
        let location = GCSLocation(base: "http://127.0.0.1:4443/", bucket: "bkt", rootDirectory: "/gcs/registry/")
        #expect(location.prefix == "gcs/registry/")
        #expect(try location.name(for: "/docker/registry/v2") == "gcs/registry/docker/registry/v2")
        #expect(try location.name(for: "/") == "gcs/registry")
        #expect(location.path(for: "gcs/registry/docker/registry/v2") == "/docker/registry/v2")
        #expect(throws: StorageDriverError.invalidPath("/a/../b", driver: "gcs")) { try location.name(for: "/a/../b") }
        let bare = GCSLocation(bucket: "bkt", rootDirectory: "")
        #expect(try bare.name(for: "/") == "")
        #expect(bare.directoryPrefix("") == "")
        #expect(bare.base == "https://storage.googleapis.com")
    }

    @Test func urlsFollowTheJSONAPI() {
        let location = GCSLocation(base: "http://h:1", bucket: "bkt", rootDirectory: "")
        #expect(location.metadataURL("a/b") == "http://h:1/storage/v1/b/bkt/o/a%2Fb")
        #expect(location.mediaURL("a/b") == "http://h:1/storage/v1/b/bkt/o/a%2Fb?alt=media")
        #expect(location.uploadURL("a/b", type: "resumable") == "http://h:1/upload/storage/v1/b/bkt/o?uploadType=resumable&name=a%2Fb")
        #expect(location.listURL(prefix: "a/", delimiter: "/", pageToken: "t+1", maxResults: 1)
            == "http://h:1/storage/v1/b/bkt/o?prefix=a%2F&delimiter=%2F&pageToken=t%2B1&maxResults=1")
        #expect(location.rewriteURL(from: "a/b", to: "c/d", token: nil) == "http://h:1/storage/v1/b/bkt/o/a%2Fb/rewriteTo/b/bkt/o/c%2Fd")
        #expect(location.rewriteURL(from: "a", to: "c", token: "x/y") == "http://h:1/storage/v1/b/bkt/o/a/rewriteTo/b/bkt/o/c?rewriteToken=x%2Fy")
        #expect(location.composeURL("a/b") == "http://h:1/storage/v1/b/bkt/o/a%2Fb/compose")
    }
}
