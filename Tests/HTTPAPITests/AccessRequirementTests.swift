import Auth
import HTTPAPI
import HTTPTypes
import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct AccessRequirementTests {
    func accesses(_ path: String, _ method: HTTPRequest.Method, from: String? = nil) throws -> [String] {
        let route = try #require(try RegistryRoute(path: path))
        return AccessRequirement.accesses(for: route, method: method, mountSource: from).map(\.description)
    }

    @Test func methodsMapToActionsAsInDistribution() throws {
        #expect(try accesses("/v2/", .get) == [])
        #expect(try accesses("/v2/_catalog", .get) == ["registry:catalog:*"])
        #expect(try accesses("/v2/g/a/manifests/v1", .get) == ["repository:g/a:pull"])
        #expect(try accesses("/v2/g/a/manifests/v1", .head) == ["repository:g/a:pull"])
        #expect(try accesses("/v2/g/a/manifests/v1", .put) == ["repository:g/a:pull", "repository:g/a:push"])
        #expect(try accesses("/v2/g/a/blobs/uploads/", .post) == ["repository:g/a:pull", "repository:g/a:push"])
        #expect(try accesses("/v2/g/a/blobs/uploads/x", .patch) == ["repository:g/a:pull", "repository:g/a:push"])
        #expect(try accesses("/v2/g/a/manifests/v1", .delete) == ["repository:g/a:delete"])
        #expect(try accesses("/v2/g/a/tags/list", .get) == ["repository:g/a:pull"])
    }

    @Test func aMountAlsoNeedsPullOnItsSource() throws {
        #expect(try accesses("/v2/g/a/blobs/uploads/", .post, from: "g/b") == ["repository:g/a:pull", "repository:g/a:push", "repository:g/b:pull"])
        #expect(try accesses("/v2/g/a/blobs/uploads/", .post, from: "g/a") == ["repository:g/a:pull", "repository:g/a:push"])
    }
}
