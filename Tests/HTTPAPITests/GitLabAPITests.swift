import Foundation
import HTTPTypes
@testable import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Metadata
import OCI
import Testing

/// GitLab's `/gitlab/v1` API, as GitLab's Rails side calls it.
@Suite(.timeLimit(.minutes(3))) struct GitLabAPITests {
    func json(_ response: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) }

    func record(_ name: String, _ time: Double) -> TagRecord {
        TagRecord(tag: try! Tag(name), digest: digest(name), pushedAt: time)
    }

    @Test func routesNeedTheirTrailingSlash() throws {
        let app = try RepositoryName("team/app")
        #expect(try GitLabRoute(path: "/gitlab/v1/") == .base)
        #expect(try GitLabRoute(path: "/gitlab/v1") == .redirect("/gitlab/v1/"))
        #expect(try GitLabRoute(path: "/gitlab/v1/repositories/team/app/") == .repository(app))
        #expect(try GitLabRoute(path: "/gitlab/v1/repositories/team/app") == .redirect("/gitlab/v1/repositories/team/app/"))
        #expect(try GitLabRoute(path: "/gitlab/v1/repositories/team/app/tags/list/") == .tags(app))
        #expect(try GitLabRoute(path: "/gitlab/v1/repository-paths/team/app/repositories/list/") == .subRepositories(app))
        #expect(try GitLabRoute(path: "/gitlab/v1/statistics/") == nil)
        #expect(try GitLabRoute(path: "/v2/") == nil)
        #expect(throws: RegistryError.self) { try GitLabRoute(path: "/gitlab/v1/repositories/Team/") }
    }

    /// The examples of GitLab's API document: tags a to f.
    @Test func tagPagesFollowGitLabsExamples() {
        let tags = ["a", "b", "c", "d", "e", "f"].enumerated().map { record($1, Double($0)) }
        func names(_ descending: Bool, last: String? = nil, before: String? = nil, n: Int = 100) -> [String] {
            GitLabTagPage(tags, order: .name, descending: descending, nameFilter: nil, last: last, before: before, limit: n).tags.map(\.tag.value)
        }
        #expect(names(true, last: "e", n: 2) == ["d", "c"])
        #expect(names(true, before: "c") == ["f", "e", "d"])
        #expect(names(false, last: "b", n: 2) == ["c", "d"])
        #expect(names(false, before: "d", n: 2) == ["b", "c"])
        let page = GitLabTagPage(tags, order: .name, descending: false, nameFilter: nil, last: "b", before: nil, limit: 2)
        #expect(page.hasPrevious && page.hasNext)
        let byTime = GitLabTagPage(tags, order: .publishedAt, descending: true, nameFilter: nil, last: nil, before: nil, limit: 2)
        #expect(byTime.tags.map(\.tag.value) == ["f", "e"])
        let next = GitLabTagPage(tags, order: .publishedAt, descending: true, nameFilter: nil, last: byTime.marker(byTime.tags[1]), before: nil, limit: 2)
        #expect(next.tags.map(\.tag.value) == ["d", "c"], "the marker resumes after e")
        let decoded = String(data: Data(base64Encoded: byTime.marker(byTime.tags[0]))!, encoding: .utf8)
        #expect(decoded == "1970-01-01T00:00:05.000000Z|f")
    }

    @Test func tagDeleteIsAdvertisedOnlyWhenDeletesAreEnabled() async throws {
        try await TestRegistry.app(deleteEnabled: false).test(.router) { client in
            let base = try await client.execute(uri: "/v2/", method: .get)
            #expect(base.headers[HTTPField.Name("Gitlab-Container-Registry-Features")!] == "gitlab_v1_api")
        }
    }

    @Test func baseDetailsTagsAndSubRepositories() async throws {
        let metadata = InMemoryMetadataStore()
        try await TestRegistry.app(metadata: metadata).test(.router) { client in
            let base = try await client.execute(uri: "/v2/", method: .get)
            #expect(base.headers[HTTPField.Name("Gitlab-Container-Registry-Features")!]?.contains("gitlab_v1_api") == true)
            #expect(base.headers[HTTPField.Name("Gitlab-Container-Registry-Database-Enabled")!] == "true")
            let probe = try await client.execute(uri: "/gitlab/v1/", method: .get)
            #expect(probe.status == .ok && probe.headers[GitLabAPI.versionHeader] != nil)
            #expect(try await client.execute(uri: "/gitlab/v1", method: .get).status == .movedPermanently)
            let redirect = try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list?n=1", method: .get)
            #expect(redirect.status == .movedPermanently && redirect.headers[.location] == "/gitlab/v1/repositories/team/app/tags/list/?n=1")

            let image = try await client.pushImage("team/app", tag: "v1")
            _ = try await client.putManifest("team/app", "v2", image.manifest)
            _ = try await client.putManifest("team/app", "latest", image.manifest)
            try await client.pushImage("team/app/web", tag: "main", seed: "web")
            let details = try #require(try json(try await client.execute(uri: "/gitlab/v1/repositories/team/app/?size=self", method: .get)) as? [String: Any])
            #expect(details["name"] as? String == "app" && details["path"] as? String == "team/app")
            let own = image.config.readableBytes + image.layer.readableBytes
            #expect(details["size_bytes"] as? Int == own && details["size_precision"] as? String == "default")
            #expect((details["created_at"] as? String)?.hasSuffix("Z") == true && details["last_published_at"] != nil)
            let all = try #require(try json(try await client.execute(uri: "/gitlab/v1/repositories/team/app/?size=self_with_descendants", method: .get)) as? [String: Any])
            #expect((all["size_bytes"] as? Int ?? 0) > own, "descendants count")
            let group = try await client.execute(uri: "/gitlab/v1/repositories/team/?size=self_with_descendants", method: .get)
            #expect(group.status == .ok, "a namespace without a repository of its own")
            #expect(try await client.execute(uri: "/gitlab/v1/repositories/team/?size=self", method: .get).status == .notFound)
            let badSize = try await client.execute(uri: "/gitlab/v1/repositories/team/app/?size=all", method: .get)
            #expect(badSize.status == .badRequest && errorCode(badSize) == "INVALID_QUERY_PARAMETER_VALUE")

            let first = try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list/?n=2", method: .get)
            let page = try #require(try json(first) as? [[String: Any]])
            #expect(page.map { $0["name"] as? String } == ["latest", "v1"])
            #expect(page.first?["digest"] as? String == image.manifestDigest.description && page.first?["media_type"] as? String == MediaType.ociManifest)
            #expect(page.first?["size_bytes"] as? Int == own + image.manifest.utf8.count)
            #expect(first.headers[.link] == #"</gitlab/v1/repositories/team/app/tags/list/?last=v1&n=2>; rel="next""#)
            let filtered = try #require(try json(try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list/?name=v", method: .get)) as? [[String: Any]])
            #expect(filtered.map { $0["name"] as? String } == ["v1", "v2"])
            let newest = try #require(try json(try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list/?sort=-published_at&n=1", method: .get)) as? [[String: Any]])
            #expect(newest.first?["name"] as? String == "latest")
            for bad in ["n=0", "n=x", "sort=size", "last=a&before=b", "name=a%2Ab"] {
                let response = try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list/?\(bad)", method: .get)
                #expect(response.status == .badRequest, "\(bad)")
            }
            #expect(try await client.execute(uri: "/gitlab/v1/repositories/team/none/tags/list/", method: .get).status == .notFound)
            // `name_exact`: the one tag, without a `Link`; `referrers=true` lists what refers to its manifest.
            let empty = bytes("{}")
            try await client.pushBlob("team/app", empty)
            let signature = """
                {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","artifactType":"application/vnd.example.signature",\
                "config":{"mediaType":"\(MediaType.ociEmptyJSON)","digest":"\(digest(empty))","size":2},"layers":[],\
                "subject":{"mediaType":"\(MediaType.ociManifest)","digest":"\(image.manifestDigest)","size":\(image.manifest.utf8.count)}}
                """
            #expect(try await client.putManifest("team/app", digest(signature).description, signature).status == .created)
            let exact = try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list/?name_exact=v1&n=1&referrers=true", method: .get)
            let exactTags = try #require(try json(exact) as? [[String: Any]])
            #expect(exactTags.map { $0["name"] as? String } == ["v1"] && exact.headers[.link] == nil)
            let referrers = try #require(exactTags.first?["referrers"] as? [[String: String]])
            #expect(referrers == [["artifactType": "application/vnd.example.signature", "digest": digest(signature).description]])
            let otherType = try #require(try json(try await client.execute(
                uri: "/gitlab/v1/repositories/team/app/tags/list/?name_exact=v1&referrers=true&referrer_type=application/x-sbom", method: .get
            )) as? [[String: Any]])
            #expect(otherType.count == 1 && otherType.first?["referrers"] == nil, "filtered by type, and left out when none")
            let upperCase = try #require(try json(try await client.execute(
                uri: "/gitlab/v1/repositories/team/app/tags/list/?name_exact=v1&referrers=true&referrer_type=%20Application/VND.example.signature", method: .get
            )) as? [[String: Any]])
            #expect((upperCase.first?["referrers"] as? [Any])?.count == 1, "types are trimmed and compared in lower case")
            let plain = try #require(try json(try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list/?name_exact=v", method: .get)) as? [[String: Any]])
            #expect(plain.isEmpty, "exact, not a substring")
            #expect(try #require(try json(first) as? [[String: Any]]).first?["referrers"] == nil, "only when asked for")
            let ignored = try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list/?referrers=yes&name_exact=", method: .get)
            #expect(ignored.status == .ok, "as GitLab: anything but true is false, an empty name_exact is none")
            for bad in ["name_exact=a&name=a", "name_exact=-x"] {
                let response = try await client.execute(uri: "/gitlab/v1/repositories/team/app/tags/list/?\(bad)", method: .get)
                #expect(response.status == .badRequest, "\(bad)")
            }

            let subs = try #require(try json(try await client.execute(uri: "/gitlab/v1/repository-paths/team/repositories/list/", method: .get)) as? [[String: Any]])
            #expect(subs.map { $0["path"] as? String } == ["team/app", "team/app/web"])
            #expect(try await client.execute(uri: "/gitlab/v1/repository-paths/none/repositories/list/", method: .get).status == .notFound)
            // Whether the namespace holds anything else is not told about a path that holds nothing.
            #expect(try await client.execute(uri: "/gitlab/v1/repository-paths/team/nothing/repositories/list/", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/gitlab/v1/repositories/team/nothing/?size=self_with_descendants", method: .get).status == .notFound)
        }
    }
}
